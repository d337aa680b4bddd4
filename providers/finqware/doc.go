// Package finqware is a client for the Finqware open-banking middleware API
// (https://docs.finqware.com, alpha guide: shared/seeds/002_*.txt): the
// skills catalog, onboarding sessions and steps with uploads, the temp_token
// exchange, the account information data (accounts, balances, transactions)
// and consents.
//
// Finqware uses POST with a JSON body for every call and carries every secret
// (client_secret, client_app_key, access_token, nonce, temp_token) in that
// body, never in a header or the URL (https://docs.finqware.com/dev-guide).
// The client never writes those values into an error message.
//
// # Flow
//
//	ListSkills                            the catalog: skills and their ordered steps
//	CreateSession(skill)                  -> session_id, nonce
//	SubmitStep(session_id, nonce, step)   -> step_id, next nonce, step data
//	UploadStepFile(step_id, nonce, file)  -> next nonce (steps that take uploads)
//	  ... the last step (or the bank's redirect to psu_redirect_link?temp_token=...)
//	ExchangeToken(temp_token)             -> credentials_id + access_token
//	GetAccounts / GetBalances / GetTransactions / GetConsent / DeleteConsent
//
// Each call consumes the latest nonce and, when it succeeds, returns the
// next one; a failed call leaves the nonce unused.
//
// # Where the seed and the public docs differ
//
// The seed document is the reference (shared/notes/providers.md, discrepancy
// table rows 1-7): the token exchange goes to POST {base}/token (WithTokenPath
// selects the public docs' /tokens); tenant_user_id is sent only when given
// (the live API requires it); consent_exp and max_data_retention are
// optional; errors are keyed on the HTTP status and decoded from the public
// error object {id, type, http, code, message} when present.
//
// # Assumptions where the docs are silent
//
//   - Catalog: POST {base}/skills/get (WithCatalogPath) with {client_id,
//     client_app_key, filter?: {type, country, sandbox}}, answering a JSON
//     array of Skill (an object {"skills": [...]} is accepted too). Each
//     skill lists its ordered steps (StepDefinition).
//   - Uploads: POST {base}/steps/{step_id}/upload as multipart/form-data with
//     the text fields client_id and nonce, then one part "file" streamed from
//     an io.Reader; the answer is JSON {upload_id, step_id, nonce, status,
//     file_name, content_type, size}, its nonce the next one of the chain.
//   - The step that completes a session carries temp_token at the top level
//     of its answer (data.temp_token is accepted too), with status
//     SESSION_COMPLETED.
//   - Session statuses besides SESSION_CREATED and SESSION_IN_PROGRESS
//     (SESSION_COMPLETED, SESSION_FAILED) are the simulator's; treat unknown
//     statuses as opaque.
//   - Filter datetimes are sent as RFC 3339 in UTC with at most microseconds;
//     amount comparisons as decimal strings.
//
// # Reliability
//
// Every call goes through one httpx.Caller per Client: a circuit breaker, a
// bulkhead and a retry budget (WithGuards, reliability.md goals 18 and 19),
// with full-jitter retries of the idempotent calls only (ListSkills,
// GetAccounts, GetBalances, GetTransactions, GetConsent). Session creation,
// steps, uploads, the token exchange and DeleteConsent are sent exactly once.
// The package reads no environment variables.
package finqware
