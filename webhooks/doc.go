// Package webhooks turns what the providers and customers tell us into Signals to the right
// campaign:
//
//   - POST /webhooks/twilio/sms: inbound texts. STOP and its synonyms opt the customer out of SMS,
//     START opts them back in, HELP gets a short reply. Checked with X-Twilio-Signature.
//   - POST /webhooks/twilio/status: delivery status callbacks of the texts we sent; error 21610
//     (the customer had replied STOP) also opts them out. Checked with X-Twilio-Signature.
//   - POST /webhooks/sendgrid/events: the SendGrid Signed Event Webhook. Bounces, drops, spam
//     reports and unsubscribes opt the customer out of email; delivered, open and click are
//     recorded on the message. Checked with SendGrid's ECDSA signature and a timestamp window.
//   - GET and POST /unsubscribe?t=TOKEN: the unsubscribe link of every email. GET only shows a
//     confirmation button, so link scanners that follow links unsubscribe no one; POST (the button,
//     or an RFC 8058 one-click request from the mail client) opts out.
//   - GET and POST /offer?t=TOKEN: the one-click link of an offer (activities.OfferToken). GET
//     shows the offer in its terms with Accept and Decline, and changes nothing; POST records the
//     answer once per offer (a claim in the store) as an OfferResponse signal. A decline is not
//     an opt-out.
//   - POST /webhooks/stripe: Stripe's events, when billing is on with a webhook secret. A
//     subscription deleted (or, when the playbook says so, set to cancel) launches the
//     customer's campaign as a CSV row would; a new subscription or a paid invoice ends an open
//     campaign as won back with its revenue, as does taking back a scheduled cancellation.
//     Checked with Stripe-Signature (signing secret and timestamp tolerance). An event that
//     cannot be acted on (no email, an unknown currency) is recorded as a billing problem.
//
// A forged, stale or malformed request is refused with a 4xx and changes nothing. A replayed one
// is recognised by the provider's event ID and answered 200 without a second Signal. A campaign
// that has closed is not an error for the sender (logged, 200); only an unreachable Temporal
// answers 5xx, so the provider retries later.
package webhooks
