package config

import (
	"fmt"
	"strings"
	"time"
)

// Billing is Stripe: its keys and where its API is, and who owns the campaigns that its
// cancellations launch. Without STRIPE_API_KEY it is zero and billing is off: no webhooks, no
// coupons, no backfill, and nothing else changes. billing.Config is this type.
type Billing struct {
	// APIKey is STRIPE_API_KEY or the content of STRIPE_API_KEY_FILE: a secret key (sk_test_,
	// sk_live_) or a restricted one (rk_...). Secret.
	APIKey string
	// WebhookSecret is STRIPE_WEBHOOK_SECRET or the content of its _FILE: the signing secret
	// (whsec_...) of the webhook endpoint. Optional: without it Stripe webhooks are refused,
	// and the backfill and coupons still work. Secret.
	WebhookSecret string
	// APIBase is Stripe's API (STRIPE_API_BASE): https://api.stripe.com by default, the
	// sandbox's PublicURL+"/sandbox/stripe" when MockURL is set, or stripe-mock's own URL. No
	// trailing slash.
	APIBase string
	// MockURL is stripe-mock's URL (WINBACK_STRIPE_MOCK_URL), for demos and end-to-end tests:
	// the sandbox serves /sandbox/stripe in front of it (see package sandbox).
	MockURL string
	// Tolerance is how old a webhook's signed timestamp may be (5 minutes when zero).
	Tolerance time.Duration
	// DefaultRep owns the campaigns of customers whose metadata names no rep, unless
	// RepBySegment names one for their segment (WINBACK_STRIPE_DEFAULT_REP); their manager
	// comes from the team file.
	DefaultRep string
	// RepBySegment routes by the customer's segment metadata, lower case
	// (WINBACK_STRIPE_REPS_BY_SEGMENT: "enterprise=alice,smb=bob").
	RepBySegment map[string]string
	// TimeZone is the customer's zone when their metadata names none (WINBACK_STRIPE_TIMEZONE,
	// IANA): quiet hours count in it. UTC when empty.
	TimeZone string
}

// On reports whether billing is configured (STRIPE_API_KEY is set).
func (b Billing) On() bool { return b.APIKey != "" }

const (
	stripeAPI         = "https://api.stripe.com"
	stripeSandboxPath = "/sandbox/stripe"
)

// billingVariables are the settings that mean nothing without STRIPE_API_KEY.
var billingVariables = []string{"STRIPE_API_BASE", "WINBACK_STRIPE_MOCK_URL", "WINBACK_STRIPE_DEFAULT_REP",
	"WINBACK_STRIPE_REPS_BY_SEGMENT", "WINBACK_STRIPE_TIMEZONE"}

// loadBilling reads the Stripe settings. The team (already loaded: empty when it has no file
// or failed to load, and then it accepts any rep) checks the reps they name.
func loadBilling(src *source, publicURL string, team Team, p *problems) Billing {
	key, keyOrigin, err := src.secret("STRIPE_API_KEY")
	p.add(err)
	secret, secretOrigin, err := src.secret("STRIPE_WEBHOOK_SECRET")
	p.add(err)
	if key == "" {
		// Billing is off. A setting of it without the key is a mistake to show, not to ignore.
		if secret != "" {
			p.addf("%s: set without STRIPE_API_KEY, so billing is off: set the key too, or remove it", secretOrigin)
		}
		for _, name := range billingVariables {
			if src.isSet(name) {
				p.addf("%s: set without STRIPE_API_KEY, so billing is off: set the key too, or remove it", src.origin(name))
			}
		}
		return Billing{}
	}

	b := Billing{APIKey: key, WebhookSecret: secret, APIBase: stripeAPI}
	switch {
	case hasSpace(key):
		p.addf("%s: contains spaces or line breaks", keyOrigin)
	case !strings.HasPrefix(key, "sk_") && !strings.HasPrefix(key, "rk_"):
		p.addf("%s: does not start with \"sk_\" or \"rk_\": use a secret or restricted key (a publishable pk_ key cannot read subscriptions)", keyOrigin)
	}
	switch {
	case secret == "":
	case hasSpace(secret):
		p.addf("%s: contains spaces or line breaks", secretOrigin)
	case !strings.HasPrefix(secret, "whsec_"):
		p.addf("%s: does not start with \"whsec_\": copy the signing secret of the webhook endpoint (Stripe dashboard, or `stripe listen`)", secretOrigin)
	}

	if raw, set := src.get("WINBACK_STRIPE_MOCK_URL"); set {
		if strings.Contains(key, "_live_") {
			p.addf("%s: set with a live key (%s): the Stripe stand-in would send it to stripe-mock; use a test key (sk_test_...)",
				src.origin("WINBACK_STRIPE_MOCK_URL"), keyOrigin)
		}
		if b.MockURL, err = checkBaseURL(raw); err != nil {
			p.addf("%s: %v", src.origin("WINBACK_STRIPE_MOCK_URL"), err)
		}
		b.APIBase = publicURL + stripeSandboxPath
	}
	if raw, set := src.get("STRIPE_API_BASE"); set {
		if b.APIBase, err = checkBaseURL(raw); err != nil {
			p.addf("%s: %v", src.origin("STRIPE_API_BASE"), err)
		}
	}

	if zone, set := src.get("WINBACK_STRIPE_TIMEZONE"); set {
		b.TimeZone = zone
		if _, err := time.LoadLocation(zone); err != nil || zone == "Local" {
			p.addf("%s: %q is not an IANA time zone like America/New_York", src.origin("WINBACK_STRIPE_TIMEZONE"), zone)
		}
	}

	// A rep must own a campaign with a manager: Team.Owners checks both, as the launch does.
	checkRep := func(origin, rep string) {
		if len(team.People) > 0 {
			if _, err := team.Owners(rep, ""); err != nil {
				p.addf("%s: %v (WINBACK_TEAM)", origin, err)
			}
		}
	}
	if rep, set := src.get("WINBACK_STRIPE_DEFAULT_REP"); set {
		b.DefaultRep = rep
		if hasSpace(rep) {
			p.addf("%s: %q contains spaces", src.origin("WINBACK_STRIPE_DEFAULT_REP"), rep)
		} else {
			checkRep(src.origin("WINBACK_STRIPE_DEFAULT_REP"), rep)
		}
	}
	if raw, set := src.get("WINBACK_STRIPE_REPS_BY_SEGMENT"); set {
		origin := src.origin("WINBACK_STRIPE_REPS_BY_SEGMENT")
		b.RepBySegment = map[string]string{}
		for entry := range strings.SplitSeq(raw, ",") {
			segment, rep, ok := strings.Cut(strings.TrimSpace(entry), "=")
			segment, rep = strings.ToLower(strings.TrimSpace(segment)), strings.TrimSpace(rep)
			switch {
			case !ok || segment == "" || rep == "" || hasSpace(rep):
				p.addf("%s: %q is not segment=rep (like enterprise=alice,smb=bob)", origin, strings.TrimSpace(entry))
				continue
			case b.RepBySegment[segment] != "":
				p.addf("%s: segment %q appears twice", origin, segment)
				continue
			}
			b.RepBySegment[segment] = rep
			checkRep(fmt.Sprintf("%s: %s", origin, segment), rep)
		}
	}
	return b
}
