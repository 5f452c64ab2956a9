package activities

import (
	"context"
	"strings"

	"github.com/winback/winback/calendar"
)

// PersonRequest asks who someone a campaign just involved is (a new rep, a manager taking a task).
type PersonRequest struct {
	ID string `json:"id"`
}

// PersonResult is what the team file says of them: how to sign a customer email and reach them,
// and the working week their deadlines count in. Found is false for someone the team file does
// not list (or when there is no team file): the campaign then knows only the ID.
type PersonResult struct {
	Found    bool           `json:"found"`
	ID       string         `json:"id"`
	Name     string         `json:"name,omitempty"`
	Email    string         `json:"email,omitempty"`
	TimeZone string         `json:"timeZone,omitempty"`
	Calendar *calendar.Week `json:"calendar,omitempty"`
}

// LookupPerson reads the team file (Options.Team) for a person the campaign has not met. The
// campaign calls it whenever someone joins, so a rep named by "is it me?" or a reassignment signs
// its emails, gets its reminders and counts its deadlines like the owners named at launch.
func (a *Activities) LookupPerson(_ context.Context, r PersonRequest) (PersonResult, error) {
	if strings.TrimSpace(r.ID) == "" {
		return PersonResult{}, nonRetryable(ErrInvalidRequest, "ID is empty: say who to look up")
	}
	if a.opts.Team == nil {
		return PersonResult{ID: r.ID}, nil
	}
	p, ok := a.opts.Team(r.ID)
	if !ok {
		return PersonResult{ID: r.ID}, nil
	}
	p.ID, p.Found = r.ID, true
	return p, nil
}
