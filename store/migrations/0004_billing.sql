-- winback store, version 4: billing. What billing said a return is worth (the revenue of the
-- new subscription, a year, in its currency) on the campaign records, for the report's revenue
-- won back per currency; and the billing events that could not be acted on, for ops.
-- Portable SQL, as versions 1 to 3.

-- A record made before this version saw no return in billing: no revenue, no currency. The
-- currency is kept beside the amount because amounts of different currencies are never added.
ALTER TABLE campaign_records ADD COLUMN revenue DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE campaign_records ADD COLUMN revenue_currency TEXT NOT NULL DEFAULT '';

-- A billing event (a Stripe webhook) that could not be acted on: a customer with no email and
-- no phone, an unknown currency, a row the launch checks refuse, a customer opted out of every
-- channel, a refusal from billing. Keyed by the event's ID: one row per event, written once the
-- event was handled as far as it could be (so billing stops retrying it), until ops resolve it.
-- billing_customer is the customer in billing (cus_...), customer_id ours when it is known.
-- problem is sealed with the payload codec when codec keys are set: it may quote the
-- customer's contact details. resolved_ms is 0 while the problem is open.
CREATE TABLE billing_problems (
  event_id          TEXT PRIMARY KEY,
  event_type        TEXT NOT NULL,
  billing_customer  TEXT NOT NULL DEFAULT '',
  customer_id       TEXT NOT NULL DEFAULT '',
  problem           TEXT NOT NULL,
  at_ms             BIGINT NOT NULL,
  resolved_ms       BIGINT NOT NULL DEFAULT 0,
  resolved_by       TEXT NOT NULL DEFAULT ''
);
-- The open problems, newest first: the inbox's Billing page.
CREATE INDEX billing_problems_open ON billing_problems (resolved_ms, at_ms);
