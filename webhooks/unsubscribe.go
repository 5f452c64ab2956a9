package webhooks

import (
	_ "embed"
	"errors"
	"html/template"
	"net/http"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// maxUnsubscribeBody bounds the form of an unsubscribe POST ("List-Unsubscribe=One-Click").
const maxUnsubscribeBody = 16 << 10

//go:embed unsubscribe.html.tmpl
var unsubscribeHTML string

var unsubscribeTmpl = template.Must(template.New("unsubscribe").Parse(unsubscribeHTML))

// page is what the unsubscribe template shows: a heading, a sentence, and a button when the
// customer still has something to confirm.
type page struct {
	Heading, Message, Button string
}

// unsubscribePage shows the confirmation page of an unsubscribe link. It changes nothing: mail
// scanners follow links with GET, so only the button's POST unsubscribes.
func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	wf, ch, ok := h.unsubscribeToken(w, r, r.URL.Query().Get("t"))
	if !ok {
		return
	}
	h.log.Info("webhooks: unsubscribe page shown", "workflowID", wf, "channel", ch)
	showPage(w, http.StatusOK, page{
		Heading: "Unsubscribe from our " + channelNoun(ch) + "?",
		Message: "Press the button and we will stop sending you " + channelNoun(ch) + " about your account, starting now.",
		Button:  "Unsubscribe",
	})
}

// unsubscribe opts the campaign's channel out: the confirmation button, or an RFC 8058
// one-click POST from the mail client (body "List-Unsubscribe=One-Click").
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUnsubscribeBody)
	// The token is in the link's query; a form field "t" is accepted as well. A body that does
	// not parse is not a reason to refuse an unsubscribe whose link is valid.
	_ = r.ParseMultipartForm(maxUnsubscribeBody)
	token := r.URL.Query().Get("t")
	if token == "" {
		token = r.PostFormValue("t")
	}
	wf, ch, ok := h.unsubscribeToken(w, r, token)
	if !ok {
		return
	}
	via := "button"
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		via = "one-click"
	}

	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	const source = "unsubscribe-link"
	// The link names the campaign: every address it wrote to on the channel is unsubscribed,
	// for the campaigns to come too; then the campaign stops at once.
	n, err := h.store.SuppressCampaign(ctx, wf, store.Suppression{Channel: string(ch), Source: store.SourceUnsubscribe,
		Detail: "link, " + via, By: "customer", WorkflowID: wf, At: h.now()})
	if err == nil {
		if n == 0 {
			h.log.Warn("webhooks: the campaign of this unsubscribe link indexed no contact (started before the store?); only the running campaign stops", "workflowID", wf)
		}
		err = h.signal(ctx, wf, workflows.SignalOptOut, workflows.OptOutSignal{Channel: ch, Source: source}, source)
	}
	if err != nil {
		h.log.Error("webhooks: unsubscribe not recorded", "workflowID", wf, "channel", ch, "via", via, "error", err)
		w.Header().Set("Retry-After", "60")
		showPage(w, http.StatusServiceUnavailable, page{
			Heading: "We could not unsubscribe you just now",
			Message: "Something went wrong on our side. Please try again in a few minutes.",
			Button:  "Try again",
		})
		return
	}
	h.log.Info("webhooks: unsubscribed", "workflowID", wf, "channel", ch, "via", via)
	showPage(w, http.StatusOK, page{
		Heading: "You are unsubscribed",
		Message: "We will not send you any more " + channelNoun(ch) + " about your account. You can close this page.",
	})
}

// unsubscribeToken checks the token; when it is not valid it answers the 400 page itself.
// The token is never logged: it is the customer's credential.
func (h *Handler) unsubscribeToken(w http.ResponseWriter, r *http.Request, token string) (string, workflows.Channel, bool) {
	wf, ch, err := activities.VerifyUnsubscribeToken(h.linkSecret, token)
	if err == nil && ch != string(workflows.ChannelEmail) && ch != string(workflows.ChannelSMS) {
		err = errors.New("unsubscribe token for an unknown channel")
	}
	if err != nil {
		h.log.Warn("webhooks: unsubscribe link refused: token missing, altered or expired", "method", r.Method)
		showPage(w, http.StatusBadRequest, page{
			Heading: "This unsubscribe link does not work",
			Message: "It may have been cut short, changed or have expired. Use the unsubscribe link in the latest message we sent you, or reply to it and ask us to stop: we will.",
		})
		return "", "", false
	}
	return wf, workflows.Channel(ch), true
}

// channelNoun is how a page names the messages of a channel.
func channelNoun(ch workflows.Channel) string {
	if ch == workflows.ChannelSMS {
		return "text messages"
	}
	return "emails"
}

// showPage writes the page with headers that keep the link's token out of caches, referrers
// and frames.
func showPage(w http.ResponseWriter, status int, p page) {
	linkPageHeaders(w)
	w.WriteHeader(status)
	_ = unsubscribeTmpl.Execute(w, p)
}

// linkPageHeaders are the headers of the pages a customer's link opens (unsubscribe, offer):
// the token in the URL stays out of caches and referrers, the page out of frames, and it runs
// no script.
func linkPageHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}
