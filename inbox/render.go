package inbox

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/winback/winback/config"
	"github.com/winback/winback/report"
	"github.com/winback/winback/workflows"
)

// pageTemplate is one page: the layout, the shared partials and the page's own content.
type pageTemplate = template.Template

// pageNames are the files under templates/ that are pages (each defines "content").
var pageNames = []string{"signin", "tasks", "task", "customer", "done", "message", "outbox", "report", "billing"}

func parsePages() (map[string]*pageTemplate, error) {
	pages := map[string]*pageTemplate{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("inbox: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"reasonLabel":  workflows.Reason.Label,
	"offerLabel":   workflows.Offer.Label,
	"stageLabel":   workflows.Stage.Label,
	"outcomeLabel": workflows.Outcome.Label,
	"kindLabel":    workflows.TaskKind.Label,
	"customerURL":  customerURL,
	"taskURL":      taskURL,
	"money":        report.Money,
	"moneyIn":      report.MoneyIn,
	"percent":      report.Percent,
	"duration":     report.Duration,
	"points":       report.Points,
	"interval":     report.Interval,
}

// base is what every page's layout needs.
type base struct {
	Title       string
	User        *config.Person // nil when signed out
	CSRF        string
	Nonce       string // the CSP nonce of the page's one inline script
	Flash       string
	Outbox      bool // the sandbox outbox exists: link to it
	Billing     bool // billing is on: managers get the billing problems page
	Nav         string
	FocusErrors bool // move focus to the error summary when the page loads
	Clock       clock
}

func (b *base) basePtr() *base { return b }

type withBase interface{ basePtr() *base }

// render writes page name with status. It fills the layout's fields from the session (nil on
// the sign-in page) and renders to a buffer first, so a template error is a clean 500.
func (i *Inbox) render(w http.ResponseWriter, s *session, status int, name, title string, v withBase) {
	b := v.basePtr()
	b.Title, b.Nonce, b.Outbox, b.Billing = title, randomToken(), i.o.Outbox != nil, i.o.Billing != nil
	b.Clock = clock{now: i.now(), loc: time.UTC}
	if s != nil {
		p := s.Person
		b.User, b.CSRF, b.Clock.loc = &p, i.csrfToken(*s), s.location()
	}
	var buf bytes.Buffer
	if err := i.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		i.log.Error("Inbox: page failed to render", "page", name, "error", err)
		http.Error(w, "The page could not be shown; the error is in the worker's log.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'nonce-"+b.Nonce+
		"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (i *Inbox) renderSignIn(w http.ResponseWriter, r *http.Request, status int, v signInView) {
	v.CSRF = i.signInToken(w, r) // no session yet: the token is bound to the sign-in cookie
	i.render(w, nil, status, "signin", "Sign in", &v)
}

// messageView is a page that says one thing: an error, a refusal, a confirmation.
type messageView struct {
	base
	Heading string
	Text    string
	Links   []link
}

type link struct{ Href, Text string }

// renderMessage shows a page with a heading, a sentence and ways on.
func (i *Inbox) renderMessage(w http.ResponseWriter, _ *http.Request, s *session, status int, heading, text string, links ...link) {
	if s != nil {
		links = append(links, link{"/inbox/tasks", "Back to my tasks"})
	}
	i.render(w, s, status, "message", heading, &messageView{Heading: heading, Text: text, Links: links})
}

// handleNotFound answers every unknown /inbox/ path.
func (i *Inbox) handleNotFound(w http.ResponseWriter, r *http.Request) {
	var sp *session
	if s, state := i.readSession(r); state == sessionValid {
		sp = &s
	}
	i.renderMessage(w, r, sp, http.StatusNotFound, "Page not found", "There is no inbox page at this address.")
}

// clock formats times for the signed-in person: in their time zone, and relative to now.
type clock struct {
	now time.Time
	loc *time.Location
}

// When is an absolute time, like "Tue 3 Jun 2025, 14:05 EDT"; "–" for none.
func (c clock) When(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(c.loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

// ISO is the machine-readable time for a <time datetime> attribute.
func (c clock) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Rel is a time relative to now: "in 3 hours", "20 minutes ago".
func (c clock) Rel(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := t.Sub(c.now)
	switch {
	case d > -time.Minute && d < 0:
		return "less than a minute ago"
	case d >= 0 && d < time.Minute:
		return "in less than a minute"
	case d < 0:
		return span(-d) + " ago"
	}
	return "in " + span(d)
}

// Past reports whether t is before now.
func (c clock) Past(t time.Time) bool { return !t.IsZero() && t.Before(c.now) }

func span(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour")
	default:
		return plural(int(d.Hours()/24), "day")
	}
}

// customerURL is the inbox page of a customer.
func customerURL(customerID string) string { return "/inbox/customers/" + pathEscape(customerID) }

// taskURL is the inbox page of a task.
func taskURL(customerID, taskID string) string {
	return customerURL(customerID) + "/tasks/" + pathEscape(taskID)
}

func pathEscape(s string) string { return url.PathEscape(s) }
