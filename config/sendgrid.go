package config

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"net/mail"
	"strings"
)

// SendGrid is how email is sent: through SendGrid with an API key, or to the local sandbox
// (which speaks the same wire API) without one.
type SendGrid struct {
	// APIKey is SENDGRID_API_KEY or the content of SENDGRID_API_KEY_FILE. Secret.
	APIKey string
	// BaseURL is SENDGRID_BASE_URL; default https://api.sendgrid.com with a key,
	// PublicURL+"/sandbox/sendgrid" without. No trailing slash.
	BaseURL string
	// FromEmail is the sender address (WINBACK_FROM_EMAIL, default winback@example.com).
	FromEmail string
	// FromName is the sender name (WINBACK_FROM_NAME, default "winback").
	FromName string
	// TemplateID is an optional SendGrid dynamic template (SENDGRID_TEMPLATE_ID, d-...).
	TemplateID string
	// WebhookPublicKey verifies the Signed Event Webhook (SENDGRID_WEBHOOK_PUBLIC_KEY, optional):
	// the base64 DER ECDSA key SendGrid shows in its settings.
	WebhookPublicKey string
	// EmailActivity says the account has SendGrid's Email Activity API (a paid add-on), which a
	// retried send asks whether an interrupted send went out (SENDGRID_EMAIL_ACTIVITY=true; always
	// on for the sandbox). Without it, an email interrupted by a crash may be sent twice.
	EmailActivity bool
	// Sandbox is true when no API key is set: email goes to the local sandbox.
	Sandbox bool
}

const (
	sendGridAPI         = "https://api.sendgrid.com"
	sendGridSandboxPath = "/sandbox/sendgrid"
	defaultFromEmail    = "winback@example.com"
	defaultFromName     = "winback"
)

func loadSendGrid(src *source, publicURL string, p *problems) SendGrid {
	key, keyOrigin, err := src.secret("SENDGRID_API_KEY")
	p.add(err)
	sg := SendGrid{
		APIKey:    key,
		Sandbox:   key == "" && err == nil,
		FromEmail: src.getOr("WINBACK_FROM_EMAIL", defaultFromEmail),
		FromName:  src.getOr("WINBACK_FROM_NAME", defaultFromName),
	}
	switch v := strings.ToLower(src.getOr("SENDGRID_EMAIL_ACTIVITY", "false")); v {
	case "true", "1", "yes":
		sg.EmailActivity = true
	case "false", "0", "no":
	default:
		p.addf("%s: %q is not true or false", src.origin("SENDGRID_EMAIL_ACTIVITY"), v)
	}
	sg.EmailActivity = sg.EmailActivity || sg.Sandbox

	if raw, set := src.get("SENDGRID_BASE_URL"); set {
		if sg.BaseURL, err = checkBaseURL(raw); err != nil {
			p.addf("%s: %v", src.origin("SENDGRID_BASE_URL"), err)
		}
	} else if sg.Sandbox {
		sg.BaseURL = publicURL + sendGridSandboxPath
	} else {
		sg.BaseURL = sendGridAPI
	}

	switch {
	case key == "":
	case hasSpace(key):
		p.addf("%s: contains spaces or line breaks", keyOrigin)
	case sg.BaseURL == sendGridAPI && !strings.HasPrefix(key, "SG."):
		p.addf("%s: does not start with \"SG.\": is it a SendGrid API key?", keyOrigin)
	}

	if addr, err := mail.ParseAddress(sg.FromEmail); err != nil || addr.Address != sg.FromEmail {
		p.addf("%s: %q is not an email address (put the name in WINBACK_FROM_NAME)", src.origin("WINBACK_FROM_EMAIL"), sg.FromEmail)
	}
	if strings.ContainsAny(sg.FromName, "\r\n") {
		p.addf("%s: contains a line break", src.origin("WINBACK_FROM_NAME"))
	}
	if id, set := src.get("SENDGRID_TEMPLATE_ID"); set {
		sg.TemplateID = id
		if !sendGridTemplateID.MatchString(id) {
			p.addf("%s: %q is not a dynamic template ID (d- and 32 hex digits)", src.origin("SENDGRID_TEMPLATE_ID"), id)
		}
	}
	if pk, set := src.get("SENDGRID_WEBHOOK_PUBLIC_KEY"); set {
		sg.WebhookPublicKey = pk
		if !isECDSAPublicKey(pk) {
			p.addf("%s: not a base64 DER ECDSA public key (copy public_key from the Signed Event Webhook settings)", src.origin("SENDGRID_WEBHOOK_PUBLIC_KEY"))
		}
	}
	return sg
}

// isECDSAPublicKey checks the key up front: SendGrid's helper panics on anything else.
func isECDSAPublicKey(b64 string) bool {
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return false
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return false
	}
	_, ok := key.(*ecdsa.PublicKey)
	return ok
}
