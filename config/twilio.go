package config

import "github.com/winback/winback/contact"

// Twilio is how SMS is sent: through Twilio with credentials, or to the local sandbox (which
// speaks the same wire API) without them.
type Twilio struct {
	// AccountSID is TWILIO_ACCOUNT_SID (AC and 32 hex digits); SandboxTwilioAccountSID in sandbox mode.
	AccountSID string
	// AuthToken is TWILIO_AUTH_TOKEN or the content of TWILIO_AUTH_TOKEN_FILE; it also checks
	// X-Twilio-Signature on webhooks. SandboxTwilioAuthToken in sandbox mode. Secret.
	AuthToken string
	// BaseURL is TWILIO_BASE_URL; default https://api.twilio.com with credentials,
	// PublicURL+"/sandbox/twilio" without. No trailing slash.
	BaseURL string
	// From is the sending number (TWILIO_FROM, E.164); default +15005550006 in sandbox mode.
	From string
	// MessagingServiceSID sends through a Messaging Service instead (TWILIO_MESSAGING_SERVICE_SID,
	// MG...). With real credentials, From or MessagingServiceSID is required.
	MessagingServiceSID string
	// Sandbox is true when no credentials are set: SMS goes to the local sandbox.
	Sandbox bool
}

// The fixed credentials of sandbox mode: valid-looking (twilio-go refuses non-alphanumeric
// ones) and obviously fake. The sandbox signs its callbacks with SandboxTwilioAuthToken.
const (
	SandboxTwilioAccountSID = "AC00000000000000000000000000000000"
	SandboxTwilioAuthToken  = "winbacksandboxtoken0000000000000"
	SandboxTwilioFrom       = "+15005550006"
)

const (
	twilioAPI         = "https://api.twilio.com"
	twilioSandboxPath = "/sandbox/twilio"
)

func loadTwilio(src *source, publicURL string, p *problems) Twilio {
	sid, sidSet := src.get("TWILIO_ACCOUNT_SID")
	token, tokenOrigin, err := src.secret("TWILIO_AUTH_TOKEN")
	p.add(err)
	tw := Twilio{AccountSID: sid, AuthToken: token, Sandbox: !sidSet && token == "" && err == nil}

	switch {
	case tw.Sandbox:
		tw.AccountSID, tw.AuthToken = SandboxTwilioAccountSID, SandboxTwilioAuthToken
	case sidSet && token == "" && err == nil:
		p.addf("TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID (or set TWILIO_AUTH_TOKEN_FILE)")
	case !sidSet && token != "":
		p.addf("TWILIO_ACCOUNT_SID: required with %s", tokenOrigin)
	}
	if sidSet && !twilioAccountSID.MatchString(sid) {
		p.addf("%s: is not AC followed by 32 hex digits", src.origin("TWILIO_ACCOUNT_SID"))
	}
	if token != "" && !alphanumeric.MatchString(token) {
		p.addf("%s: must be letters and digits only", tokenOrigin)
	}

	if raw, set := src.get("TWILIO_BASE_URL"); set {
		if tw.BaseURL, err = checkBaseURL(raw); err != nil {
			p.addf("%s: %v", src.origin("TWILIO_BASE_URL"), err)
		}
	} else if tw.Sandbox {
		tw.BaseURL = publicURL + twilioSandboxPath
	} else {
		tw.BaseURL = twilioAPI
	}

	tw.From, _ = src.get("TWILIO_FROM")
	if tw.From != "" && !contact.IsE164(tw.From) {
		p.addf("%s: %q is not an E.164 number like +14155550123", src.origin("TWILIO_FROM"), tw.From)
	}
	tw.MessagingServiceSID, _ = src.get("TWILIO_MESSAGING_SERVICE_SID")
	if tw.MessagingServiceSID != "" && !twilioMessagingSID.MatchString(tw.MessagingServiceSID) {
		p.addf("%s: %q is not MG followed by 32 hex digits", src.origin("TWILIO_MESSAGING_SERVICE_SID"), tw.MessagingServiceSID)
	}
	switch {
	case tw.Sandbox && tw.From == "":
		tw.From = SandboxTwilioFrom
	case !tw.Sandbox && sidSet && tw.From == "" && tw.MessagingServiceSID == "":
		p.addf("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID: one is required with TWILIO_ACCOUNT_SID")
	}
	return tw
}
