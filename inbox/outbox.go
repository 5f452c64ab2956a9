package inbox

import (
	"cmp"
	"maps"
	"net/http"
	"slices"

	"github.com/winback/winback/workflows"
)

// outboxView is the sandbox outbox, by campaign: only the campaigns the person may see.
type outboxView struct {
	base
	Groups   []outboxGroup
	Failures int
}

// outboxGroup is one campaign's messages, newest first.
type outboxGroup struct {
	CustomerID string
	Stage      workflows.Stage
	Messages   []OutboxMessage
}

// handleOutbox shows what the sandbox sent, by campaign. It exists only in sandbox mode.
func (i *Inbox) handleOutbox(w http.ResponseWriter, r *http.Request, s session) {
	if i.o.Outbox == nil {
		i.renderMessage(w, r, &s, http.StatusNotFound, "No outbox",
			"The outbox exists only in sandbox mode; this worker sends through the real email and SMS providers.")
		return
	}
	byWorkflow := map[string][]OutboxMessage{}
	for _, m := range i.o.Outbox("") {
		if _, ok := workflows.CustomerID(m.WorkflowID); ok {
			byWorkflow[m.WorkflowID] = append(byWorkflow[m.WorkflowID], m)
		}
	}
	var ids []string
	for _, wid := range slices.Sorted(maps.Keys(byWorkflow)) {
		if id, ok := workflows.CustomerID(wid); ok {
			ids = append(ids, id)
		}
	}
	statuses, failures := i.o.Client.Statuses(r.Context(), ids)
	for _, f := range failures {
		i.log.Warn("Inbox: a campaign did not answer its status query", "customer", f.CustomerID, "error", f.Err)
	}
	v := &outboxView{Failures: len(failures)}
	v.Nav = "outbox"
	for _, st := range statuses {
		if !i.canSeeCampaign(s.Person, st.Rep, st.Manager, st.Tasks) {
			continue
		}
		msgs := byWorkflow[workflows.WorkflowID(st.CustomerID)]
		slices.SortStableFunc(msgs, func(a, b OutboxMessage) int { return b.At.Compare(a.At) })
		v.Groups = append(v.Groups, outboxGroup{CustomerID: st.CustomerID, Stage: st.Stage, Messages: msgs})
	}
	slices.SortFunc(v.Groups, func(a, b outboxGroup) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
	i.render(w, &s, http.StatusOK, "outbox", "Outbox", v)
}
