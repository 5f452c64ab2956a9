package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// enterStage moves the campaign to a stage and shows it.
func (c *campaign) enterStage(ctx workflow.Context, s Stage) {
	if c.st.Stage != s || s == StageBackstory {
		c.count(ctx, "winback_stage_entered", "stage", string(s))
	}
	c.st.Stage = s
	c.logger.Info("Stage", "Stage", s)
	c.refresh(ctx)
}

// refresh shows the campaign's state to ops: the current details in the Temporal UI at once,
// and the search attributes (no PII) through the visibility loop.
func (c *campaign) refresh(ctx workflow.Context) {
	c.attrsDirty = true
	workflow.SetCurrentDetails(ctx, c.details())
}

// startVisibility runs the loop that upserts the search attributes that changed. It is started
// after every other coroutine, so it runs last in each pass of the workflow task: however many
// things changed, one upsert per workflow task records them.
func (c *campaign) startVisibility(ctx workflow.Context) {
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return c.attrsDirty }); err != nil {
				return
			}
			c.upsertAttributes(ctx)
			c.fileRecord(ctx)
		}
	})
}

// upsertAttributes upserts the search attributes whose values changed since the last upsert.
func (c *campaign) upsertAttributes(ctx workflow.Context) {
	c.attrsDirty = false
	assignee, due := c.st.Rep, time.Time{}
	for _, t := range c.st.Tasks {
		if t.Status == TaskOpen && (due.IsZero() || t.Due.Before(due)) {
			assignee, due = t.Assignee, t.Due
		}
	}
	var updates []temporal.SearchAttributeUpdate
	keyword := func(k temporal.SearchAttributeKeyKeyword, v string) {
		if v == "" || c.lastAttrs[k.GetName()] == v {
			return
		}
		c.lastAttrs[k.GetName()] = v
		updates = append(updates, k.ValueSet(v))
	}
	if c.lastAttrs == nil {
		// Set at start by workflows.Start; a continued run starts with them too.
		c.lastAttrs = map[string]string{AttrStage.GetName(): string(StageBackstory), AttrAssignee.GetName(): c.in.Owners.Rep.ID,
			AttrPeople.GetName(): strings.Join(People(c.in.Owners.Rep.ID, c.in.Owners.Manager.ID, nil), ",")}
	}
	keyword(AttrStage, string(c.st.Stage))
	keyword(AttrAssignee, assignee)
	keyword(AttrReason, string(c.st.Reason))
	keyword(AttrScope, string(c.st.Scope))
	keyword(AttrOutcome, string(c.st.Outcome))
	if people := People(c.st.Rep, c.st.Manager, c.st.Tasks); c.lastAttrs[AttrPeople.GetName()] != strings.Join(people, ",") {
		c.lastAttrs[AttrPeople.GetName()] = strings.Join(people, ",")
		updates = append(updates, AttrPeople.ValueSet(people))
	}
	if dueText := due.Format(time.RFC3339); c.lastAttrs[AttrTaskDue.GetName()] != dueText {
		c.lastAttrs[AttrTaskDue.GetName()] = dueText
		if due.IsZero() {
			updates = append(updates, AttrTaskDue.ValueUnset())
		} else {
			updates = append(updates, AttrTaskDue.ValueSet(due))
		}
	}
	if len(updates) > 0 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
			c.logger.Warn("Search attributes not updated", "Error", err)
		}
	}
}

// details is a short markdown state for the Temporal UI: what stage, who has what, what went out.
func (c *campaign) details() string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**Stage:** %s  \n**Rep:** %s · **Manager:** %s\n", c.st.Stage, c.st.Rep, c.st.Manager))
	if c.st.Outcome != "" {
		b.WriteString(fmt.Sprintf("\n**Outcome:** %s (%s)\n", c.st.Outcome, c.note))
	}
	if c.st.Reason != "" {
		b.WriteString(fmt.Sprintf("\n**Reason:** %s (%s)\n", c.st.Reason, c.st.Scope))
	}
	if d := c.st.Decision; d != nil {
		verdict := "walk away"
		if d.Pursue {
			verdict = "pursue, offer " + string(d.Offer)
		}
		b.WriteString(fmt.Sprintf("\n**Decision:** %s (by %s)\n", verdict, d.By))
	}
	var open []string
	for _, t := range c.st.Tasks {
		if t.Status == TaskOpen {
			open = append(open, fmt.Sprintf("- `%s` → %s, due %s", t.ID, t.Assignee, t.Due.UTC().Format("2006-01-02 15:04 UTC")))
		}
	}
	if len(open) > 0 {
		b.WriteString(fmt.Sprintf("\n**Open tasks:**\n\n%s\n", strings.Join(open, "\n")))
	}
	sent := 0
	for _, m := range c.st.Messages {
		if strings.HasPrefix(m.Status, "sent") {
			sent++
		}
	}
	b.WriteString(fmt.Sprintf("\n**Messages sent:** %d · **Check-ins done:** %d · **Escalations:** %d", sent, c.st.CheckInsDone, len(c.st.Escalations)))
	if len(c.st.OptedOut) > 0 {
		b.WriteString(fmt.Sprintf(" · **Opted out:** %v", c.st.OptedOut))
	}
	return b.String()
}

// count adds one to a business counter. The SDK's workflow metrics handler skips replays, so a
// counter moves once per real event however often the history is replayed.
func (c *campaign) count(ctx workflow.Context, name string, tags ...string) {
	t := map[string]string{}
	for i := 0; i+1 < len(tags); i += 2 {
		t[tags[i]] = tags[i+1]
	}
	workflow.GetMetricsHandler(ctx).WithTags(t).Counter(name).Inc(1)
}
