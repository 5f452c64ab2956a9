package campaigns

import (
	"context"
	"errors"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/workflows"
)

// What went wrong with a call to a campaign. The Client's errors match them with errors.Is
// and keep Temporal's own error (and its message) underneath.
var (
	// ErrNotFound: the customer has no campaign, or Temporal no longer keeps it (retention).
	ErrNotFound = errors.New("no campaign")
	// ErrClosed: the campaign has closed, so a signal or an Update cannot reach it.
	ErrClosed = errors.New("campaign closed")
	// ErrTimeout: Temporal, or the worker behind a query or an Update, did not answer in time.
	ErrTimeout = errors.New("no answer in time")
	// ErrInvalidRequest: Temporal refused the request itself; sending it again cannot help.
	ErrInvalidRequest = errors.New("refused by Temporal")
	// ErrAlreadyRunning: Start found the customer's campaign running; nothing was started.
	ErrAlreadyRunning = workflows.ErrAlreadyRunning
)

// RejectedError is a campaign's refusal of an Update: its validator found the request wrong
// and nothing was recorded. Fields says which field and why, as the validator typed them.
type RejectedError struct {
	// Message is the validator's message ("whyLeaving: ... is required; reason: ...").
	Message string
	// Fields are the field errors (none when the refusal is about the whole campaign).
	Fields []workflows.FieldError
	// Closed is true when the campaign refused because it has closed.
	Closed bool
}

func (e *RejectedError) Error() string { return e.Message }

// Field returns the field error about name, if there is one.
func (e *RejectedError) Field(name string) (workflows.FieldError, bool) {
	for _, f := range e.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return workflows.FieldError{}, false
}

// callError is a failed call, classified: Error is Temporal's message, and errors.Is finds
// both the kind and Temporal's own error.
type callError struct {
	kind error
	err  error
}

func (e *callError) Error() string   { return e.err.Error() }
func (e *callError) Unwrap() []error { return []error{e.kind, e.err} }

// classify turns a failed call into the errors this package promises: a *RejectedError for a
// validator's refusal, the sentinel kinds for the rest.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var (
		appErr         *temporal.ApplicationError
		notFound       *serviceerror.NotFound
		invalid        *serviceerror.InvalidArgument
		deadline       *serviceerror.DeadlineExceeded
		updateTimedOut *client.WorkflowUpdateServiceTimeoutOrCanceledError
	)
	switch {
	case errors.As(err, &appErr):
		r := &RejectedError{Message: appErr.Message(), Closed: appErr.Type() == workflows.CampaignClosed}
		if appErr.Type() == workflows.UpdateRejected && appErr.HasDetails() {
			_ = appErr.Details(&r.Fields)
		}
		return r
	case errors.As(err, &notFound) && strings.Contains(err.Error(), "completed"):
		return &callError{ErrClosed, err}
	case errors.As(err, &notFound):
		return &callError{ErrNotFound, err}
	case errors.As(err, &invalid):
		return &callError{ErrInvalidRequest, err}
	case errors.As(err, &deadline), errors.Is(err, context.DeadlineExceeded), errors.As(err, &updateTimedOut):
		return &callError{ErrTimeout, err}
	}
	return err
}
