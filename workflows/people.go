package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/calendar"
)

// The people a campaign involves: the owners named at launch, and everyone who joins later (a
// rep named by "is it me?", a rep the account or a task is moved to). The campaign looks each
// newcomer up in the team file when they join, so they sign the customer's emails by name with
// their address as Reply-To, get their reminders by email, and count their deadlines in their
// own working week, like the owners named at launch.

// person is what the campaign knows of someone: the owners, the people met since, or just the ID.
func (c *campaign) person(id string) Person {
	for _, p := range append([]Person{c.in.Owners.Rep, c.in.Owners.Manager}, c.st.People...) {
		if p.ID == id {
			return p
		}
	}
	return Person{ID: id}
}

// meet looks up someone who joins the campaign, once (v2 campaigns; earlier ones know the
// owners only).
func (c *campaign) meet(ctx workflow.Context, id string) {
	if !c.v2() || id == "" || id == c.in.Owners.Rep.ID || id == c.in.Owners.Manager.ID ||
		slices.ContainsFunc(c.st.People, func(p Person) bool { return p.ID == id }) {
		return
	}
	var r activities.PersonResult
	err := workflow.ExecuteLocalActivity(storeOptions(ctx, "Look up "+id+" in the team file"), acts.LookupPerson,
		activities.PersonRequest{ID: id}).Get(ctx, &r)
	p := Person{ID: id}
	if err == nil && r.Found {
		p = Person{ID: id, Name: r.Name, Email: r.Email, TimeZone: r.TimeZone, Calendar: r.Calendar}
	} else if err != nil {
		c.logger.Warn("Person not looked up; known by ID only", "Person", id, "Error", err)
	}
	c.st.People = append(c.st.People, p)
}

// workWeek is a person's working week in their time zone, with the playbook's holidays: where
// their deadlines and the wait before their call count.
func (c *campaign) workWeek(id string) calendar.In {
	p := c.person(id)
	w := calendar.Week{}
	if p.Calendar != nil {
		w = *p.Calendar
	}
	return w.In(location(p.TimeZone), c.pb.Holidays...)
}

// deadlines are when a task given to assignee now, due after due, falls due, escalates and
// expires: in the assignee's working hours when the playbook says so (v2 campaigns), else in
// clock time.
func (c *campaign) deadlines(now time.Time, due time.Duration, assignee string) (dueAt, escalateAt, expireAt time.Time) {
	if c.v2() && c.pb.BusinessHours {
		w := c.workWeek(assignee)
		dueAt = w.Add(now, due)
		return dueAt, w.Add(dueAt, c.pb.EscalateAfter), w.Add(dueAt, c.pb.ExpireAfter)
	}
	dueAt = now.Add(due)
	return dueAt, dueAt.Add(c.pb.EscalateAfter), dueAt.Add(c.pb.ExpireAfter)
}
