-- winback store, version 3: the offers a campaign made and what became of them, the holdout
-- mark and a foot in the door's value, for the report's per-offer figures and lift, and for
-- the customer's history (the decision's guardrail: "bought back twice in 12 months").
-- Portable SQL, as versions 1 and 2.

-- A record made before this version was never held out and took no foot in the door: the
-- defaults say so, and its report_key (without the holdout field) reads as not held out.
ALTER TABLE campaign_records ADD COLUMN holdout INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_records ADD COLUMN foot_in_door_value DOUBLE PRECISION NOT NULL DEFAULT 0;
-- A customer's campaigns, by outcome and close: the history a decision asks for.
CREATE INDEX campaign_records_customer ON campaign_records (customer_id, outcome, closed_ms);

-- One row per offer of a campaign, replaced with the campaign's rows by each newer record (as
-- its tasks are). A table rather than columns of campaign_records: a campaign may make several
-- offers (a new one after a decline, a manager's override), each with its own life, and both
-- the report (offered, accepted, fulfilled by kind) and the history (an accepted incentive)
-- ask about offers, which a table answers with an index and columns could not.
CREATE TABLE campaign_offers (
  campaign_id   TEXT NOT NULL,
  offer_id      TEXT NOT NULL,
  customer_id   TEXT NOT NULL,
  kind          TEXT NOT NULL,
  status        TEXT NOT NULL,
  value         DOUBLE PRECISION NOT NULL DEFAULT 0,
  made_ms       BIGINT NOT NULL DEFAULT 0,
  answered_ms   BIGINT NOT NULL DEFAULT 0,
  fulfilled_ms  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, offer_id)
);
CREATE INDEX campaign_offers_kind ON campaign_offers (kind, status, campaign_id);
