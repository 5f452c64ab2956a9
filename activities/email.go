package activities

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	sgmail "github.com/sendgrid/sendgrid-go/helpers/mail"

	"github.com/winback/winback/contact"
)

// The custom_args every email carries, so SendGrid event webhooks route back to the campaign.
const (
	ArgWorkflowID = "winback_workflow_id"
	ArgStep       = "winback_step"
	ArgKey        = "winback_key"
)

// SandboxHeader is set by the local sandbox on its answers, so results say "sandbox-sendgrid"
// or "sandbox-twilio" rather than claiming the real provider sent the message.
const SandboxHeader = "X-Winback-Sandbox"

// SendEmail sends one email through SendGrid, once per r.Key: when the ledger already holds the
// key it returns the recorded result with Deduplicated set and sends nothing. It writes an intent
// to the ledger before calling SendGrid; when an earlier attempt left one (it died, or lost the
// answer, after the call), it first asks the Email Activity API whether that email went out
// (Options.SendGridEmailActivity; without it the email is sent again). Customer emails
// (not Staff) carry an unsubscribe link in the body and List-Unsubscribe headers; with
// Options.SendGridTemplateID they use that dynamic template instead of our rendered content.
// A customer email whose data names an open offer (MessageData.OfferID, not a stay-in-touch
// note) carries the offer's one-click link, PublicURL/offer?t=TOKEN (OfferToken), in the
// templates' OfferURL and a dynamic template's "offerUrl": it expires at the end of the offer's
// OfferUntil day (UTC) when set, else at the end of the UTC day 60 days (OfferLinkDays) after
// the send. Failures are application errors typed by the constants of this package.
func (a *Activities) SendEmail(ctx context.Context, r EmailRequest) (res SendResult, err error) {
	defer func() { countSend(ctx, "email", res, err) }()
	to, err := checkEmailRequest(r)
	if err != nil {
		return SendResult{}, err
	}
	log := a.log.With("workflowId", r.WorkflowID, "step", r.Step, "key", r.Key, "template", r.Template)

	unlock := a.keys.lock(r.Key)
	defer unlock()
	if sent, ok, err := a.alreadySent(ctx, log, r.Key, "email"); err != nil || ok {
		return sent, err
	}
	if !r.Staff { // customers' consent; staff notices are ours
		if err := a.refuseSuppressed(ctx, log, to, "email"); err != nil {
			return SendResult{}, err
		}
	}

	m, err := a.buildEmail(r, to)
	if err != nil {
		return SendResult{}, nonRetryable(ErrInvalidRequest, "email template %s for step %s: %v", r.Template, r.Step, err)
	}
	// An intent left by an earlier attempt means it may have died after SendGrid accepted the
	// email: ask SendGrid (Email Activity) before sending again, when we can.
	find := func(prev Intent) (SendResult, bool, error) {
		found, sent, err := a.findSendGridMessage(ctx, r.Key, prev)
		if errors.Is(err, errNoEmailActivity) { // unknown: send again, and say so
			log.Warn("an earlier attempt of this email was interrupted and SendGrid cannot be asked whether it went out (Email Activity API off or not available): sending again, so the customer may get it twice (at-least-once)", "reason", err.Error(), "intendedAt", prev.At)
			return SendResult{}, false, nil
		}
		return found, sent, err
	}
	if found, sent, err := a.intendToSend(ctx, log, r.Key, "email", "SendGrid", Intent{Channel: "email", To: to, At: a.now().UTC()}, find); err != nil || sent {
		return found, err
	}

	req := sendgrid.GetRequest(a.opts.SendGridAPIKey, "/v3/mail/send", a.opts.SendGridBaseURL)
	req.Method = rest.Post
	req.Body = sgmail.GetRequestBody(m)
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	resp, err := a.sendgrid.SendWithContext(cctx, req)
	if err != nil {
		log.Warn("SendGrid request failed", "error", err)
		return SendResult{}, transportError("SendGrid", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := classifySendGrid(resp, to, a.now())
		log.Warn("SendGrid refused the email", "status", resp.StatusCode, "error", err)
		a.withdraw(ctx, log, r.Key, err)
		return SendResult{}, err
	}

	h := http.Header(resp.Headers)
	res = SendResult{Provider: "sendgrid", MessageID: h.Get("X-Message-Id"), SentAt: a.now().UTC()}
	if h.Get(SandboxHeader) != "" {
		res.Provider = "sandbox-sendgrid"
	}
	a.record(ctx, log, r.Key, res)
	return res, nil
}

func checkEmailRequest(r EmailRequest) (to string, err error) {
	if err := checkKeys(r.Key, r.WorkflowID, r.Template); err != nil {
		return "", err
	}
	to = strings.TrimSpace(r.To)
	if contact.CheckEmail(to) != nil {
		return "", nonRetryable(ErrInvalidRecipient, "the recipient email address in To is missing or not a valid address: correct it (a bare address like name@example.com), then send again")
	}
	return to, nil
}

func checkKeys(key, workflowID, template string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return nonRetryable(ErrInvalidRequest, "Key is empty: set it to workflow ID + \"/\" + step so a retry cannot send twice")
	case strings.TrimSpace(workflowID) == "":
		return nonRetryable(ErrInvalidRequest, "WorkflowID is empty: webhooks and unsubscribe links need it to find the campaign")
	case strings.TrimSpace(template) == "":
		return nonRetryable(ErrInvalidRequest, "Template is empty: name the template to send (revisit, check_in...)")
	}
	return nil
}

// buildEmail makes the SendGrid message: one personalization to the recipient, our custom_args,
// and either the rendered template or the dynamic template with its data.
func (a *Activities) buildEmail(r EmailRequest, to string) (*sgmail.SGMailV3, error) {
	rd := a.renderer()
	v, err := rd.emailView(r)
	if err != nil {
		return nil, err
	}
	d := v.MessageData

	m := sgmail.NewV3Mail()
	m.SetFrom(sgmail.NewEmail(a.opts.FromName, a.opts.FromEmail))
	p := sgmail.NewPersonalization()
	p.AddTos(sgmail.NewEmail(r.ToName, to))
	m.AddPersonalizations(p)
	if rep, err := mail.ParseAddress(d.RepEmail); err == nil && !r.Staff {
		m.SetReplyTo(sgmail.NewEmail(d.RepName, rep.Address)) // answers go to the rep, not a no-reply box
	}
	// custom_args on the personalization: the spec types the message-level one as a string, and
	// SendGrid carries both into every event webhook.
	p.SetCustomArg(ArgWorkflowID, r.WorkflowID)
	p.SetCustomArg(ArgKey, r.Key)
	if r.Step != "" {
		p.SetCustomArg(ArgStep, r.Step)
	}
	m.AddCategories("winback", r.Template)
	if v.UnsubscribeURL != "" {
		m.SetHeader("List-Unsubscribe", "<"+v.UnsubscribeURL+">")
		m.SetHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}

	if a.opts.SendGridTemplateID != "" && !r.Staff {
		// Staff notices stay on our templates: the dynamic template is the customer-facing one.
		m.SetTemplateID(a.opts.SendGridTemplateID)
		data, err := dynamicTemplateData(d, r.Template, v.UnsubscribeURL, v.OfferURL)
		if err != nil {
			return nil, err
		}
		p.DynamicTemplateData = data
		return m, nil
	}
	c, err := rd.tmpl.renderEmail(r.Template, v)
	if err != nil {
		return nil, err
	}
	m.Subject = c.Subject
	m.AddContent(sgmail.NewContent("text/plain", c.Text), sgmail.NewContent("text/html", c.HTML))
	return m, nil
}

// dynamicTemplateData is MessageData under its JSON names, plus "template" (so one dynamic
// template can branch on it), "unsubscribeUrl" and, when the email carries an offer,
// "offerUrl" (its one-click link).
func dynamicTemplateData(d MessageData, template, unsubscribeURL, offerURL string) (map[string]any, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	out["template"] = template
	if unsubscribeURL != "" {
		out["unsubscribeUrl"] = unsubscribeURL
	}
	if offerURL != "" {
		out["offerUrl"] = offerURL
	}
	return out, nil
}

// unsubscribeURL is PublicURL/unsubscribe?t=<token> for the campaign's email channel.
func unsubscribeURL(publicURL string, secret []byte, workflowID string) string {
	return publicURL + "/unsubscribe?t=" + url.QueryEscape(UnsubscribeToken(secret, workflowID, "email"))
}
