// Package inbox is the web inbox where reps and managers do the tasks of win-back campaigns:
// sign in, see their open tasks by due time, answer each with a form made for its kind, follow
// a customer's campaign, and (managers) reassign work, mark a customer won back, opt them out,
// cancel a campaign and read the win-back report. It is served by the worker's HTTP server
// under /inbox.
//
// Every page is rendered on the server with html/template; there is no front-end build. The
// campaign workflow stays the source of truth: the inbox reads it and changes it only through
// the campaigns client, with its Updates (whose validators check the answers and who may
// answer) and Signals. Its forms are made from the task kinds' definitions (workflows.Kinds).
// Its task lists and its report read the store's task index and campaign records, through the
// same client: a page's cost follows what it shows, never the number of open campaigns.
package inbox

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/contact"
)

//go:embed templates/*.html static/*
var assets embed.FS

// DefaultSessionTTL is how long a sign-in lasts when Options.SessionTTL is zero.
const DefaultSessionTTL = 12 * time.Hour

// Options are what the inbox needs from the worker.
type Options struct {
	// Client reaches the campaigns.
	Client campaigns.API
	// Namespace is the Temporal namespace the campaigns run in, for links to the Temporal UI.
	Namespace string
	// Team holds the people who may sign in: those with a PasswordHash.
	Team config.Team
	// Secret signs sessions and CSRF tokens (config.InboxSecret, at least 16 bytes).
	Secret []byte
	// SecureCookies marks the session cookie Secure; set it when PublicURL is https.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts (DefaultSessionTTL when zero).
	SessionTTL time.Duration
	// Outbox returns the messages the sandbox kept for a workflow ID ("" for all of them).
	// Nil when the worker sends through the real providers: the outbox page is then absent.
	Outbox func(workflowID string) []OutboxMessage
	// TemporalUIURL is the Temporal UI's base URL (http://127.0.0.1:8233), for a link from a
	// customer page to its workflow. Empty hides the link.
	TemporalUIURL string
	// Billing is the store's billing problems, shown to managers on the billing page. Nil when
	// billing is off (no STRIPE_API_KEY): the page and its link are then absent.
	Billing BillingProblems
	// PhoneRegion is the region (ISO 3166) of a corrected phone typed without its +country code
	// (config.PhoneRegion); contact.DefaultRegion when empty.
	PhoneRegion string
	// Logger receives sign-ins and failures; nil discards them.
	Logger *slog.Logger
}

// OutboxMessage is a message the sandbox outbox kept, as the inbox shows it. The worker
// converts the sandbox's own records to it, so this package does not depend on the sandbox.
type OutboxMessage struct {
	WorkflowID string
	Step       string // "revisit-email", "check-in-2"
	Provider   string // "sendgrid" or "twilio"
	To         string
	Subject    string // email only
	Text       string // the plain-text part, or the SMS body
	At         time.Time
}

// Inbox serves the inbox pages. Make one with New and Register it on the worker's mux.
type Inbox struct {
	o         Options
	log       *slog.Logger
	keys      keys
	revoked   *revocations
	limiter   *limiter
	pages     map[string]*pageTemplate
	dummyHash []byte // compared against when the user is unknown, so both cases take as long
	now       func() time.Time
	static    http.Handler
}

// New checks the options and prepares the pages. An empty team is allowed (the worker may run
// without WINBACK_TEAM) but then nobody can sign in, which the sign-in page says.
func New(o Options) (*Inbox, error) {
	if o.Client == nil {
		return nil, errors.New("inbox: a campaigns client is required")
	}
	if len(o.Secret) < 16 {
		return nil, fmt.Errorf("inbox: the secret (WINBACK_INBOX_SECRET) has %d bytes; it needs at least 16", len(o.Secret))
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.PhoneRegion == "" {
		o.PhoneRegion = contact.DefaultRegion
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	dummy, err := dummyHash(o.Team)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	i := &Inbox{
		o: o, log: o.Logger, keys: deriveKeys(o.Secret), revoked: newRevocations(), limiter: newLimiter(),
		pages: pages, dummyHash: dummy, now: time.Now,
		static: http.StripPrefix("/inbox/static/", http.FileServerFS(static)),
	}
	if len(i.signInPeople()) == 0 {
		i.log.Warn("Inbox: nobody can sign in: no one in the team file (WINBACK_TEAM) has a passwordHash")
	}
	return i, nil
}

// Register adds the inbox's routes to mux: /inbox and everything under /inbox/.
func (i *Inbox) Register(mux *http.ServeMux) {
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, i.secure(fn)) }
	h("GET /inbox", i.toTasks)
	h("GET /inbox/{$}", i.toTasks)
	mux.Handle("GET /inbox/static/", i.static)
	h("GET /inbox/signin", i.handleSignInPage)
	h("POST /inbox/signin", i.handleSignIn)
	h("POST /inbox/signout", i.signedIn(i.handleSignOut))
	h("GET /inbox/tasks", i.signedIn(i.handleTasks))
	h("GET /inbox/customers/{customer}", i.signedIn(i.handleCustomer))
	h("POST /inbox/customers/{customer}/won-back", i.signedIn(i.handleWonBack))
	h("POST /inbox/customers/{customer}/opt-out", i.signedIn(i.handleOptOut))
	h("POST /inbox/customers/{customer}/cancel", i.signedIn(i.handleCancel))
	h("POST /inbox/customers/{customer}/reassign", i.signedIn(i.handleMoveAccount))
	h("GET /inbox/customers/{customer}/tasks/{task}", i.signedIn(i.handleTaskPage))
	h("POST /inbox/customers/{customer}/tasks/{task}", i.signedIn(i.handleCompleteTask))
	h("POST /inbox/customers/{customer}/tasks/{task}/reassign", i.signedIn(i.handleReassignTask))
	h("GET /inbox/outbox", i.signedIn(i.handleOutbox))
	h("GET /inbox/report", i.signedIn(i.handleReport))
	h("GET /inbox/billing", i.signedIn(i.handleBilling))
	h("POST /inbox/billing/{event}/resolve", i.signedIn(i.handleResolveBilling))
	h("/inbox/", i.handleNotFound)
}

// toTasks sends /inbox to the task list (which sends a signed-out browser to sign in).
func (i *Inbox) toTasks(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/inbox/tasks", http.StatusSeeOther)
}

// secure sets the headers every inbox page carries: no caching of personal pages, no framing,
// no sniffing, and a content security policy that allows only our stylesheet and the one
// nonce'd inline script a page may carry.
func (i *Inbox) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "same-origin")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// maxFormBytes bounds a posted form: the longest answers fit many times over.
const maxFormBytes = 256 << 10
