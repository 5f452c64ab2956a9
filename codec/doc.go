// Package codec encrypts Temporal payloads (workflow inputs and results, activity arguments,
// signals, updates, memos, summaries, failure messages) with AES-256-GCM, so the Temporal
// server and its database only ever hold ciphertext for customer names, emails, phones and notes.
//
// An encrypted payload is the original payload, serialised as protobuf, sealed with a random
// 12-byte nonce: Data is nonce followed by ciphertext and tag; the metadata says
// "encoding: binary/encrypted" and names the key in "encryption-key-id". The first key
// encrypts; every key decrypts, so a key is rotated by putting a new one first and keeping the
// old ones until no history still needs them. Payloads that are not encrypted (histories
// written before a key was set) decode unchanged.
//
// Search attributes, workflow and task IDs, and event types are never payloads, so they stay
// readable (and must carry no PII).
//
// Handler serves the same codec over HTTP, in the protocol the Temporal UI and CLI speak, to
// people who hold the endpoint's token.
package codec
