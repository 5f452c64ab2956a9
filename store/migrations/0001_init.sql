-- winback store, version 1: what outlives a campaign run. Portable SQL: the same statements run
-- on PostgreSQL and SQLite. Times are unix milliseconds; contacts are keyed hashes, never
-- addresses; a value that must come back (the recipient of a send in flight) is sealed with
-- the payload codec when codec keys are set.

-- The send ledger: one row per message key (campaign + step + channel). 'intent' is written
-- before the provider is called, 'sent' once it accepted; a retry that finds an intent asks
-- the provider before sending again.
CREATE TABLE send_ledger (
  key          TEXT PRIMARY KEY,
  state        TEXT NOT NULL,
  channel      TEXT NOT NULL DEFAULT '',
  recipient    TEXT NOT NULL DEFAULT '',
  body_sha256  TEXT NOT NULL DEFAULT '',
  intended_ms  BIGINT NOT NULL DEFAULT 0,
  provider     TEXT NOT NULL DEFAULT '',
  message_id   TEXT NOT NULL DEFAULT '',
  sent_ms      BIGINT NOT NULL DEFAULT 0,
  updated_ms   BIGINT NOT NULL
);
CREATE INDEX send_ledger_updated ON send_ledger (updated_ms);

-- The suppression list: a contact who opted out of a channel, whatever campaign comes next,
-- until an opt-in lifts it.
CREATE TABLE suppressions (
  contact      TEXT NOT NULL,
  channel      TEXT NOT NULL,
  source       TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT '',
  by_whom      TEXT NOT NULL DEFAULT '',
  workflow_id  TEXT NOT NULL DEFAULT '',
  at_ms        BIGINT NOT NULL,
  PRIMARY KEY (contact, channel)
);

-- Every opt-out and opt-in, with who and why: the audit trail of consent.
CREATE TABLE consent_log (
  contact      TEXT NOT NULL,
  channel      TEXT NOT NULL,
  action       TEXT NOT NULL,
  source       TEXT NOT NULL,
  detail       TEXT NOT NULL DEFAULT '',
  by_whom      TEXT NOT NULL DEFAULT '',
  why          TEXT NOT NULL DEFAULT '',
  workflow_id  TEXT NOT NULL DEFAULT '',
  at_ms        BIGINT NOT NULL
);
CREATE INDEX consent_log_contact ON consent_log (contact, channel, at_ms);

-- Inbound events already handled (Twilio MessageSid, SendGrid sg_event_id...), hashed; a claim
-- is held while one worker handles an event, then marked done.
CREATE TABLE inbound_events (
  id_hash      TEXT PRIMARY KEY,
  state        TEXT NOT NULL,
  owner        TEXT NOT NULL DEFAULT '',
  at_ms        BIGINT NOT NULL
);
CREATE INDEX inbound_events_at ON inbound_events (at_ms);

-- The contact index: which campaigns a contact belongs to, so an inbound SMS finds its campaign.
CREATE TABLE contacts (
  contact      TEXT NOT NULL,
  channel      TEXT NOT NULL,
  workflow_id  TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  updated_ms   BIGINT NOT NULL,
  PRIMARY KEY (contact, channel, workflow_id)
);
CREATE INDEX contacts_customer ON contacts (customer_id, channel, updated_ms);

-- The deployment's secrets (link signing, inbox sessions, the contact-hash key), shared by
-- every worker and the CLI; sealed with the payload codec when codec keys are set.
CREATE TABLE secrets (
  name         TEXT PRIMARY KEY,
  value        TEXT NOT NULL,
  created_ms   BIGINT NOT NULL
);

-- Leases: one worker of many does a job (the visibility gauges, pruning).
CREATE TABLE leases (
  name         TEXT PRIMARY KEY,
  holder       TEXT NOT NULL,
  until_ms     BIGINT NOT NULL
);
