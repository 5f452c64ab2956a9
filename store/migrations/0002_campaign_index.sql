-- winback store, version 2: the task index and the campaign records of the win-back report.
-- A campaign writes its record each time its tasks, stage, outcome or decision change
-- (SyncCampaign), so a task list or the report reads these tables and never asks each
-- campaign. Portable SQL, as version 1: times are unix milliseconds, money DOUBLE PRECISION.

-- One row per campaign (a relaunch of the same customer is another campaign): the facts the
-- report counts. seq orders a campaign's records, so a late retry never undoes a newer one.
-- stages is every stage the campaign was seen in, as ",stage,stage," (for the funnel).
-- report_key joins what the report groups by (reason, scope, offer, segment, launch month, the
-- rep who lost the customer, outcome, stages seen, opted out): the report adds up its distinct
-- values from an index, a few thousand at most, instead of reading every campaign.
CREATE TABLE campaign_records (
  campaign_id    TEXT PRIMARY KEY,
  workflow_id    TEXT NOT NULL,
  seq            BIGINT NOT NULL,
  customer_id    TEXT NOT NULL,
  segment        TEXT NOT NULL DEFAULT '',
  account_value  DOUBLE PRECISION NOT NULL DEFAULT 0,
  launched_ms    BIGINT NOT NULL DEFAULT 0,
  launch_month   TEXT NOT NULL DEFAULT '',
  departed_ms    BIGINT NOT NULL DEFAULT 0,
  stage          TEXT NOT NULL DEFAULT '',
  stages         TEXT NOT NULL DEFAULT '',
  outcome        TEXT NOT NULL DEFAULT '',
  closed_ms      BIGINT NOT NULL DEFAULT 0,
  reason         TEXT NOT NULL DEFAULT '',
  scope          TEXT NOT NULL DEFAULT '',
  rep            TEXT NOT NULL DEFAULT '',
  manager        TEXT NOT NULL DEFAULT '',
  lost_by        TEXT NOT NULL DEFAULT '',
  decision       TEXT NOT NULL DEFAULT '',
  decided_by     TEXT NOT NULL DEFAULT '',
  offer          TEXT NOT NULL DEFAULT '',
  rationale      TEXT NOT NULL DEFAULT '',
  opted_out      TEXT NOT NULL DEFAULT '',
  report_key     TEXT NOT NULL DEFAULT '',
  updated_ms     BIGINT NOT NULL
);
CREATE INDEX campaign_records_workflow ON campaign_records (workflow_id, launched_ms);
CREATE INDEX campaign_records_report ON campaign_records (report_key, launched_ms, account_value);
CREATE INDEX campaign_records_outcome ON campaign_records (outcome, launched_ms);

-- The task index: every task of every campaign, open or not, with the campaign's owners (who
-- may see a task depends on them). A campaign's rows are replaced by each newer record, so a
-- moved task shows once, under its new assignee. Each index serves one list: a person's open
-- tasks by due time, a manager's campaigns, a customer's, a kind's, everyone's.
CREATE TABLE campaign_tasks (
  campaign_id   TEXT NOT NULL,
  task_id       TEXT NOT NULL,
  workflow_id   TEXT NOT NULL,
  customer_id   TEXT NOT NULL,
  kind          TEXT NOT NULL,
  title         TEXT NOT NULL DEFAULT '',
  assignee      TEXT NOT NULL DEFAULT '',
  rep           TEXT NOT NULL DEFAULT '',
  manager       TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL,
  escalated     INTEGER NOT NULL DEFAULT 0,
  created_ms    BIGINT NOT NULL DEFAULT 0,
  due_ms        BIGINT NOT NULL DEFAULT 0,
  completed_ms  BIGINT NOT NULL DEFAULT 0,
  completed_by  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, task_id)
);
CREATE INDEX campaign_tasks_assignee ON campaign_tasks (status, assignee, due_ms, customer_id, task_id);
CREATE INDEX campaign_tasks_manager ON campaign_tasks (status, manager, due_ms, customer_id, task_id);
CREATE INDEX campaign_tasks_due ON campaign_tasks (status, due_ms, customer_id, task_id);
CREATE INDEX campaign_tasks_customer ON campaign_tasks (customer_id, status, due_ms);
CREATE INDEX campaign_tasks_kind ON campaign_tasks (status, kind, due_ms, customer_id, task_id);
