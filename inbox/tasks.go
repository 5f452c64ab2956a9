package inbox

import (
	"net/http"
	"time"

	"github.com/winback/winback/campaigns"
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
// marked, then the running campaigns they can see. The list comes from the campaigns client's
// task list for the person and their team; it may lag a second behind the campaigns.
func (i *Inbox) handleTasks(w http.ResponseWriter, r *http.Request, s session) {
	v := &tasksView{}
	v.Nav = "tasks"
	l, err := i.o.Client.Tasks(r.Context(), campaigns.TaskFilter{People: i.people(s.Person)}, campaigns.Page{})
	if err != nil {
		i.log.Warn("Inbox: listing campaigns failed", "error", err)
		v.Problem = "Temporal did not answer, so the list of campaigns could not be read. Reload the page in a moment."
		i.render(w, &s, http.StatusServiceUnavailable, "tasks", "My tasks", v)
		return
	}
	for _, f := range l.Failures {
		i.log.Warn("Inbox: a campaign did not answer its status query", "customer", f.CustomerID, "error", f.Err)
	}
	v.Failures = len(l.Failures)
	v.Tasks, v.Campaigns = i.collect(s.Person, l, i.now())
	i.render(w, &s, http.StatusOK, "tasks", "My tasks", v)
}

// collect keeps the open tasks and the running campaigns p may see, tasks soonest due first
// (the list's order), campaigns by customer ID.
func (i *Inbox) collect(p config.Person, l campaigns.TaskList, now time.Time) ([]taskRow, []campaignRow) {
	byCampaign := map[string][]workflows.Task{}
	for _, o := range l.Tasks {
		byCampaign[o.CustomerID] = append(byCampaign[o.CustomerID], o.Task)
	}
	var campaignRows []campaignRow
	visible := map[string]bool{}
	for _, c := range l.Campaigns {
		if c.Stage == workflows.StageClosed || !i.canSeeCampaign(p, c.Rep, c.Manager, byCampaign[c.CustomerID]) {
			continue
		}
		visible[c.CustomerID] = true
		campaignRows = append(campaignRows, campaignRow{CustomerID: c.CustomerID, Stage: c.Stage, Rep: i.name(c.Rep),
			Manager: i.name(c.Manager), OpenTasks: c.OpenTasks, Launched: c.Launched})
	}
	var tasks []taskRow
	for _, o := range l.Tasks {
		if visible[o.CustomerID] && i.canSeeTask(p, o.Manager, o.Task) {
			tasks = append(tasks, i.taskRow(p, o.CustomerID, o.Task, now))
		}
	}
	return tasks, campaignRows
}

// openTasks are the open tasks of a campaign that p may see, soonest due first.
func (i *Inbox) openTasks(p config.Person, st workflows.CampaignStatus, now time.Time) []taskRow {
	var tasks []taskRow
	for _, o := range campaigns.BuildTaskList([]workflows.CampaignStatus{st}, nil, campaigns.TaskFilter{}, campaigns.Page{}).Tasks {
		if i.canSeeTask(p, st.Manager, o.Task) {
			tasks = append(tasks, i.taskRow(p, st.CustomerID, o.Task, now))
		}
	}
	return tasks
}

// taskRow is an open task as the lists show it.
func (i *Inbox) taskRow(p config.Person, customerID string, t workflows.Task, now time.Time) taskRow {
	return taskRow{
		CustomerID: customerID, Task: t, AssigneeName: i.name(t.Assignee),
		Overdue:   !t.Due.IsZero() && t.Due.Before(now),
		Escalated: t.Escalated && isManager(p), Mine: t.Assignee == p.ID,
	}
}
