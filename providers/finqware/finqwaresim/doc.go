// Package finqwaresim is a wire-faithful, in-memory simulator of the
// Finqware API (https://docs.finqware.com), written from the vendor
// documents (shared/seeds/002_*.txt, shared/notes/providers.md §3) and on
// purpose independent of the fingraph client in providers/finqware: both
// read the same documents, so a client that drifts from them fails against
// the simulator.
//
// # Finqware endpoints served (all POST, JSON, secrets in the body)
//
//	/v1/sessions                      {client_id, client_app_key, skill, tenant_user_id?} -> {nonce, session_id, status}
//	/v1/sessions/{session_id}/steps   {client_id, nonce, skill, step, data} -> {step_id, nonce, status, data, temp_token?}
//	/v1/steps/{step_id}/upload        multipart: client_id, nonce, file -> {upload_id, step_id, nonce, status, ...}
//	/steps/{step_id}/upload           the seed's unversioned path, same handler
//	/v1/token, /v1/tokens             {client_id, client_secret, temp_token} -> {credentials_id, access_token, consent_exp?, max_data_retention?}
//	/v1/skills/get                    {client_id, client_app_key | client_secret, filter?: {type, country, sandbox}} -> [skill]
//	/v1/accounts/get                  {client_id, client_secret, credentials_id, access_token, tenant_user_id?, filter?}
//	/v1/balances/get                  same; filter {account_id, type, currency}
//	/v1/transactions/get              same; filter of providers.md §3.4 (AND of all keys)
//	/v1/consents/get                  same -> {op_type, code, http, message, result}
//	/v1/consents/delete               same + pcd_data_retention? (minutes); idempotent
//
// Errors are the public object {id, type, http, code, message} with the
// seed's statuses (400, 401, 404, 405, 406, 429, 5xx). Unknown body keys
// are refused (400 unknown_fields), as the live API's codes suggest.
//
// # Sandbox bank (not part of Finqware)
//
//	GET  /sandbox/consent/{session_id}   HTML page with Approve and Deny buttons
//	POST /sandbox/consent/{session_id}   form decision=approve|deny -> 302 to psu_redirect_link
//	                                     ?temp_token=... or ?error=access_denied&error_description=...
//
// The "sca" step's answer data is {method: "GET", url: <that page>, headers}.
// ApproveConsent and DenyConsent do the same from Go, without a browser.
//
// # Go API
//
// New(Options) builds a Server (an http.Handler); Start/Close serve it on a
// loopback port; NewTestServer wraps it in httptest. ApproveConsent,
// DenyConsent, SessionStatus, Uploads, ExpireConsent and AddTransactions
// drive and inspect the state; InjectFault, SetLatency, SetErrorRate and
// ClearFaults drive faults; Calls and ResetCalls count requests per path.
// Options.Now is the only clock: nonce, temp_token and consent expiry read
// it, so tests advance a fake clock instead of sleeping.
//
// # Choices where the documents are silent
//
//   - The nonce chain is linear: each step or upload must carry the
//     session's latest nonce, which it consumes; its answer carries the next
//     one. A reused nonce answers 401 invalid_nonce, an expired one 401
//     expired_nonce (NonceTTL, default 30 min). Failed calls leave the
//     nonce unused. The answer that completes a session carries no nonce.
//   - Steps must be submitted in catalog order (else 400 invalid_step); a
//     step whose definition has an Upload needs MinFiles uploads before the
//     next step. The last step's answer carries temp_token at its top level
//     and status SESSION_COMPLETED; a refused bank consent sets
//     SESSION_FAILED.
//   - The Catalog API is POST /v1/skills/get answering a JSON array of
//     {name, type, servicer_name, servicer_id, country, sandbox, version,
//     steps: [{name, kind (redirect|form|upload|confirm), title, fields:
//     [{name, type, required, options?, description?}], upload?: {max_bytes,
//     content_types, min_files}}]}.
//   - Uploads: multipart/form-data with client_id, nonce and one "file"
//     part of at most MaxUploadBytes (else 400 invalid_input); PDF, JPEG or
//     PNG. The step must be the session's latest.
//   - temp_tokens live TempTokenTTL (default 30 min) and are single use
//     (401 invalid_temp_token on replay).
//   - With ConsentTTL 0 the token answer omits consent_exp and
//     max_data_retention (the seed's answer); otherwise max_data_retention
//     is consent_exp + 30 days.
//   - Nonce errors, 429 (type rate_limit_error, code too_many_requests)
//     and 5xx (type internal_server_error) bodies are the simulator's own.
//   - Data is deterministic per (Seed, skill, tenant_user_id): one to three
//     RON/EUR accounts with valid RO IBANs, three balance types
//     (ClosingBooked, InterimAvailable, Expected; balance timestamps naive,
//     as in the docs), and HistoryDays of booked transactions ending at
//     AsOf, newest first. Amounts are positive strings with two decimals;
//     a transaction's running "balance" is negative in an overdraft.
//     Transactions carry a "category" (filterable). Their "timestamp"
//     (insertion time, microseconds) falls on the booking day.
//   - Tokens, nonces, temp_tokens and ids are random (crypto/rand),
//     whatever the Seed, so no two runs hand out the same value.
package finqwaresim
