package activities

import (
	"context"
	"log/slog"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/store"
)

// A customer who opted out of a channel, in this campaign or any before, is not written to on
// it again until they opt back in: the send activities ask the suppression list before every
// customer message, and the campaign asks it at launch (IndexContacts).

// optOutOf converts a store suppression for the workflow.
func optOutOf(p store.Suppression) OptOut {
	return OptOut{Channel: p.Channel, Source: p.Source, Detail: p.Detail, By: p.By, WorkflowID: p.WorkflowID, At: p.At, Why: p.Describe()}
}

// refuseSuppressed returns ErrSuppressed (non-retryable, with the OptOut as its details) when
// to opted out of channel; nil when the message may go out. A store that cannot answer is a
// retryable error: an unknown consent never becomes a send.
func (a *Activities) refuseSuppressed(ctx context.Context, log *slog.Logger, to, channel string) error {
	p, ok, err := a.store.Suppressed(ctx, to, channel)
	if err != nil {
		return unavailable("suppression list lookup failed (%v); retrying", err)
	}
	if !ok {
		return nil
	}
	if p.Source == store.SourceBounce { // not an opt-out: the address does not exist
		log.Info("not sent: the address bounced before", "channel", channel, "since", p.At)
		return nonRetryable(ErrInvalidRecipient, "not sent: this %s bounced on %s (%s): it does not work; a corrected one will be used",
			map[string]string{"email": "email address", "sms": "number"}[channel], p.At.UTC().Format("2006-01-02"), p.Detail)
	}
	o := optOutOf(p)
	log.Info("not sent: the recipient opted out of this channel", "channel", channel, "source", p.Source, "since", p.At)
	return temporal.NewNonRetryableApplicationError("not sent: the customer "+o.Why, ErrSuppressed, nil, o)
}

// suppressAtProvider records an opt-out the provider told us of (Twilio 21610: the number
// replied STOP to our sender), so later campaigns do not try again.
func (a *Activities) suppressAtProvider(ctx context.Context, log *slog.Logger, to, channel, workflowID, detail string) {
	err := a.store.Suppress(ctx, to, store.Suppression{Channel: channel, Source: store.SourceProvider, Detail: detail,
		By: "provider", WorkflowID: workflowID, At: a.now()})
	if err != nil {
		log.Warn("the provider says the recipient opted out, and the suppression list could not record it", "error", err)
	}
}

// IndexContacts records that the campaign's email and phone reach it (so an inbound SMS finds
// it) and returns the opt-outs that stand for them: a customer who replied STOP to an earlier
// campaign is not texted by this one. A campaign calls it at launch and when a rep corrects a
// contact. The store failing is a retryable error.
func (a *Activities) IndexContacts(ctx context.Context, r ContactsRequest) (ContactsResult, error) {
	if strings.TrimSpace(r.WorkflowID) == "" || strings.TrimSpace(r.CustomerID) == "" {
		return ContactsResult{}, nonRetryable(ErrInvalidRequest, "WorkflowID and CustomerID are required")
	}
	var res ContactsResult
	for _, c := range []struct{ contact, channel string }{{r.Email, "email"}, {r.Phone, "sms"}} {
		if strings.TrimSpace(c.contact) == "" {
			continue
		}
		if err := a.store.IndexContact(ctx, c.contact, c.channel, r.CustomerID, r.WorkflowID); err != nil {
			return ContactsResult{}, unavailable("contact index: %v; retrying", err)
		}
		p, ok, err := a.store.Suppressed(ctx, c.contact, c.channel)
		if err != nil {
			return ContactsResult{}, unavailable("suppression list lookup failed (%v); retrying", err)
		}
		if ok {
			res.OptOuts = append(res.OptOuts, optOutOf(p))
		}
	}
	return res, nil
}

// RecordOptOut puts the customer's contacts on the suppression list for the given channels:
// the customer asked us to stop (on a call, say), and every later campaign must know.
func (a *Activities) RecordOptOut(ctx context.Context, r OptOutRequest) error {
	for _, ch := range r.Channels {
		contact := map[string]string{"email": r.Email, "sms": r.Phone}[ch]
		if strings.TrimSpace(contact) == "" {
			continue
		}
		if err := a.store.Suppress(ctx, contact, store.Suppression{Channel: ch, Source: r.Source, Detail: r.Detail,
			By: r.By, WorkflowID: r.WorkflowID, At: a.now()}); err != nil {
			return unavailable("suppression list: %v; retrying", err)
		}
	}
	return nil
}
