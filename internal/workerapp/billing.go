package workerapp

import (
	"context"
	"log/slog"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/billing"
	"github.com/winback/winback/config"
	"github.com/winback/winback/inbox"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
)

// newBilling makes the worker's Stripe client, or nil when billing is off (no STRIPE_API_KEY):
// the activities make coupons with it, and the Stripe webhooks read subscriptions with it.
func newBilling(cfg config.Billing, logger *slog.Logger) (*billing.Client, error) {
	if !cfg.On() {
		return nil, nil
	}
	bc, err := billing.New(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.WebhookSecret == "" {
		logger.Warn("billing: no STRIPE_WEBHOOK_SECRET: Stripe webhooks are refused; coupons and the backfill work")
	}
	return bc, nil
}

// coupons is the activities' billing: nil, not a nil *billing.Client, when billing is off, so
// that CreateCoupon says billing is not configured.
func coupons(bc *billing.Client) activities.Coupons {
	if bc == nil {
		return nil
	}
	return bc
}

// stripeLaunch is how the Stripe webhooks check a cancellation and build its campaign's input:
// the validator of a CSV launch with the configured team, playbook, phone region and text
// check, and the playbook's holdout (its key from the store, shared with the CLI, so a customer
// is held out whichever way they are launched). Zero when billing is off: nothing launches.
func stripeLaunch(ctx context.Context, cfg *config.Config, st launch.SecretStore) (launch.Validator, error) {
	if !cfg.Billing.On() || cfg.Billing.WebhookSecret == "" {
		return launch.Validator{}, nil
	}
	sms, err := launch.NewSMSCheck(cfg.TemplatesDir, cfg.SendGrid.FromName, cfg.Playbook)
	if err != nil {
		return launch.Validator{}, err
	}
	held, err := launch.NewHoldout(ctx, st, cfg.Playbook.HoldoutPercent)
	if err != nil {
		return launch.Validator{}, err
	}
	return launch.Validator{Region: cfg.PhoneRegion, Owners: cfg.Team.Owners, Playbook: cfg.Playbook, SMS: sms,
		Holdout: held}, nil
}

// stripeClient is the webhooks' Stripe: nil, not a nil *billing.Client, when billing is off.
func stripeClient(bc *billing.Client) billing.Stripe {
	if bc == nil {
		return nil
	}
	return bc
}

// checkout is the offer page's Stripe Checkout: nil, not a nil *billing.Client, when billing is
// off, so that the accept link only records the acceptance.
func checkout(bc *billing.Client) webhooks.Checkout {
	if bc == nil {
		return nil
	}
	return bc
}

// billingProblems is the inbox's billing page's store: nil when billing is off, so the page and
// its link are absent.
func billingProblems(cfg config.Billing, st *store.Store) inbox.BillingProblems {
	if !cfg.On() || st == nil {
		return nil
	}
	return st
}
