package activities

import (
	"fmt"
	"time"
)

// renderer makes a message's content as the send activities send it: the templates, the
// links (unsubscribe, offer) and the sender's name. SendEmail, SendSMS and Preview share it,
// so a preview is what the customer would read.
type renderer struct {
	tmpl      *templateSet
	publicURL string
	fromName  string
	secret    []byte
	now       func() time.Time
}

func (a *Activities) renderer() renderer {
	return renderer{tmpl: a.tmpl, publicURL: a.opts.PublicURL, fromName: a.opts.FromName, secret: a.opts.LinkSecret, now: a.now}
}

// emailView is what the email templates see for r: a customer email gets its unsubscribe link
// and, when it carries an offer, the offer's link; a staff notice neither.
func (rd renderer) emailView(r EmailRequest) (view, error) {
	v := view{MessageData: rd.data(r.Data), ToName: r.ToName, PublicURL: rd.publicURL}
	if r.Staff {
		return v, nil
	}
	v.UnsubscribeURL = unsubscribeURL(rd.publicURL, rd.secret, r.WorkflowID)
	var err error
	v.OfferURL, err = offerURL(rd.publicURL, rd.secret, r.WorkflowID, v.MessageData, rd.now())
	return v, err
}

// smsView is what the SMS templates see for r (texts go to customers only).
func (rd renderer) smsView(r SMSRequest) (view, error) {
	v := view{MessageData: rd.data(r.Data), PublicURL: rd.publicURL}
	var err error
	v.OfferURL, err = offerURL(rd.publicURL, rd.secret, r.WorkflowID, v.MessageData, rd.now())
	return v, err
}

// data fills what the caller may leave to the deployment: the name we sign with.
func (rd renderer) data(d MessageData) MessageData {
	if d.OurCompany == "" {
		d.OurCompany = rd.fromName
	}
	return d
}

// email renders r's email with our templates.
func (rd renderer) email(r EmailRequest) (emailContent, error) {
	v, err := rd.emailView(r)
	if err != nil {
		return emailContent{}, err
	}
	return rd.tmpl.renderEmail(r.Template, v)
}

// sms renders r's text message.
func (rd renderer) sms(r SMSRequest) (string, error) {
	v, err := rd.smsView(r)
	if err != nil {
		return "", err
	}
	return rd.tmpl.renderSMS(r.Template, v)
}

// Preview renders messages exactly as SendEmail and SendSMS would send them (our templates,
// the unsubscribe and offer links, the sender's name) and sends nothing. Tests use it to check
// the content of what a campaign really passes to its templates, without a store or a
// provider. The zero Preview renders with the embedded templates, PublicURL
// https://winback.example.com, FromName "winback", PreviewSecret and the current time. (It is
// not a method of Activities: every exported method of Activities is an activity.)
type Preview struct {
	// TemplatesDir overrides the embedded templates, as Options.TemplatesDir does.
	TemplatesDir string
	// PublicURL starts the links; FromName signs the messages (Options' fields).
	PublicURL, FromName string
	// LinkSecret signs the links (VerifyOfferToken with it checks an offer link).
	LinkSecret []byte
	// Now is when the message is sent (an offer link without an end date expires
	// OfferLinkDays after it).
	Now func() time.Time
}

// PreviewSecret is the link secret of a Preview that names none.
var PreviewSecret = []byte("winback-preview-secret-not-for-production")

// Email renders r as SendEmail would (with our templates, even when the deployment uses a
// SendGrid dynamic template) and returns its subject and plain text.
func (p Preview) Email(r EmailRequest) (subject, text string, err error) {
	rd, err := p.renderer()
	if err != nil {
		return "", "", err
	}
	c, err := rd.email(r)
	if err != nil {
		return "", "", fmt.Errorf("email template %s: %w", r.Template, err)
	}
	return c.Subject, c.Text, nil
}

// SMS renders r as SendSMS would and returns the text message.
func (p Preview) SMS(r SMSRequest) (string, error) {
	rd, err := p.renderer()
	if err != nil {
		return "", err
	}
	body, err := rd.sms(r)
	if err != nil {
		return "", fmt.Errorf("SMS template %s: %w", r.Template, err)
	}
	return body, nil
}

func (p Preview) renderer() (renderer, error) {
	ts, err := templatesOf(p.TemplatesDir)
	if err != nil {
		return renderer{}, err
	}
	rd := renderer{tmpl: ts, publicURL: "https://winback.example.com", fromName: "winback", secret: PreviewSecret, now: time.Now}
	if p.PublicURL != "" {
		rd.publicURL = p.PublicURL
	}
	if p.FromName != "" {
		rd.fromName = p.FromName
	}
	if len(p.LinkSecret) > 0 {
		rd.secret = p.LinkSecret
	}
	if p.Now != nil {
		rd.now = p.Now
	}
	return rd, nil
}
