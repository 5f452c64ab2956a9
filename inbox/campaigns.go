package inbox

import (
	"errors"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
)

// The inbox reaches campaigns only through the campaigns client (Options.Client): it reads
// their status, input and open tasks, and changes them with their Updates and Signals, always
// with the signed-in person as By or Source.

// people are the people whose campaigns p's task list asks for: p and, for a manager, their
// reps. Those are exactly the campaigns canSeeCampaign lets p see, so the page asks only for
// them.
func (i *Inbox) people(p config.Person) []string {
	ids := []string{p.ID}
	if isManager(p) {
		for _, member := range i.o.Team.People {
			if member.Manager == p.ID {
				ids = append(ids, member.ID)
			}
		}
	}
	return ids
}

// problem is what kind of failure a call to a campaign met, for the page it deserves.
type problem int

const (
	problemUnavailable problem = iota // Temporal or the worker did not answer
	problemNoCampaign                 // no campaign for this customer
	problemClosed                     // the campaign has ended
	problemRejected                   // the campaign refused (an Update validator): the message says why
)

// classify reads a failed call by the campaigns client's error kinds.
func classify(err error) (problem, string) {
	var rej *campaigns.RejectedError
	switch {
	case errors.As(err, &rej) && rej.Closed:
		return problemClosed, rej.Message
	case errors.As(err, &rej):
		return problemRejected, rej.Message
	case errors.Is(err, campaigns.ErrClosed):
		return problemClosed, err.Error()
	case errors.Is(err, campaigns.ErrNotFound):
		return problemNoCampaign, err.Error()
	}
	return problemUnavailable, err.Error()
}
