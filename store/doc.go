// Package store keeps what outlives a campaign run and is shared by every worker and the CLI of
// a deployment: the send ledger, the suppression list and its consent log, inbound-event
// dedupe, the contact index that routes an inbound SMS to its campaign, the deployment's
// secrets, and leases that let one worker of many do a job.
//
// Two backends, one implementation over database/sql and one conformance suite: an embedded
// SQLite file (modernc.org/sqlite, pure Go; the default of `make run`) and PostgreSQL
// (jackc/pgx) for a team. The schema is versioned: Open applies the embedded migrations it
// lacks, under a lock, and refuses a database whose schema is newer than it knows.
//
// Contacts (emails, phone numbers) are stored as keyed hashes (HMAC-SHA256 with a key kept in
// the store), never as text: matching is all the store needs them for. The one value that must
// come back, the recipient of a send in flight, is sealed with the payload codec when codec
// keys are set, and cleared once the send is settled. Workflows reach the store only through
// activities.
package store
