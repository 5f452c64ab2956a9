package inbox

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// tasksView is the "My tasks" page.
type tasksView struct {
	base
	Tasks     []taskRow
	Campaigns []campaignRow
	Failures  int    // campaigns that did not answer: the list may be incomplete
	Problem   string // visibility itself failed
}

// taskRow is one open task in the list.
type taskRow struct {
	CustomerID   string
	Task         workflows.Task
	AssigneeName string
	Overdue      bool
	Escalated    bool // escalated to the manager (shown to managers)
	Mine         bool
}

// campaignRow is one running campaign the person can see, for the list below the tasks.
type campaignRow struct {
	CustomerID string
	Stage      workflows.Stage
	Rep        string
	Manager    string
	OpenTasks  int
	Launched   time.Time
}

// handleTasks lists the open tasks the person may see, soonest due first, with overdue ones
// marked, then the running campaigns they can see.
func (i *Inbox) handleTasks(w http.ResponseWriter, r *http.Request, s session) {
	v := &tasksView{}
	v.Nav = "tasks"
	ids, err := i.runningCampaigns(r.Context(), s.Person)
	if err != nil {
		i.log.Warn("Inbox: listing campaigns failed", "error", err)
		v.Problem = "Temporal did not answer, so the list of campaigns could not be read. Reload the page in a moment."
		i.render(w, &s, http.StatusServiceUnavailable, "tasks", "My tasks", v)
		return
	}
	statuses, failures := i.statuses(r.Context(), ids)
	v.Failures = failures
	v.Tasks, v.Campaigns = i.collect(s.Person, statuses, i.now())
	i.render(w, &s, http.StatusOK, "tasks", "My tasks", v)
}

// collect keeps the open tasks and the running campaigns p may see, tasks soonest due first.
func (i *Inbox) collect(p config.Person, statuses []workflows.CampaignStatus, now time.Time) ([]taskRow, []campaignRow) {
	var tasks []taskRow
	var campaigns []campaignRow
	for _, st := range statuses {
		if st.Stage == workflows.StageClosed || !i.canSeeCampaign(p, st) {
			continue
		}
		row := campaignRow{CustomerID: st.CustomerID, Stage: st.Stage, Rep: i.name(st.Rep), Manager: i.name(st.Manager), Launched: st.Launched}
		for _, t := range st.Tasks {
			if t.Status != workflows.TaskOpen {
				continue
			}
			row.OpenTasks++
			if !i.canSeeTask(p, st, t) {
				continue
			}
			tasks = append(tasks, taskRow{
				CustomerID: st.CustomerID, Task: t, AssigneeName: i.name(t.Assignee),
				Overdue:   !t.Due.IsZero() && t.Due.Before(now),
				Escalated: t.Escalated && isManager(p), Mine: t.Assignee == p.ID,
			})
		}
		campaigns = append(campaigns, row)
	}
	slices.SortStableFunc(tasks, func(a, b taskRow) int {
		return cmp.Or(a.Task.Due.Compare(b.Task.Due), cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Task.ID, b.Task.ID))
	})
	slices.SortStableFunc(campaigns, func(a, b campaignRow) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
	return tasks, campaigns
}
