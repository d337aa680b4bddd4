// Package flankssim is a wire-faithful, in-memory simulator of the Flanks v0 API
// (https://docs.flanks.io/api-documentation), written from the vendor documents
// (shared/seeds/000_0a8cce47490d757a.txt, shared/notes/providers.md §2) and on purpose
// independent of the fingraph Flanks client in providers/flanks: both sides read the same
// documents, so a client that drifts from them fails against the simulator.
//
// # Flanks endpoints served
//
//	POST   /v0/token                                  client_credentials, password and refresh_token grants
//	POST   /v0/bank/credentials/status                {credentials_token}
//	PUT    /v0/bank/credentials/status                {credentials_token, force: sca|reset|transaction}
//	DELETE /v0/bank/credentials                       {credentials_token}
//	POST   /v0/bank/credentials/list                  {page}
//	POST   /v0/bank/credentials/{account,data,card,card/transaction,portfolio,investment,
//	       investment/transaction,investment/detail,liability,liability/transaction,
//	       holder,auth,mifid/raw,all}                 {credentials_token, query?, ignore_data_error?}
//	POST   /v0/bank/credencial/mifid/raw              the seed's typo, same handler
//	GET    /v0/platform/link?client_id=&link_token=   unused link codes
//	POST   /v0/platform/link                          {code}: 200, or 202 while the exchange is delayed
//	GET    /v0/bank/available                         entities
//	GET    /.well-known/jwks.json                     the simulator's RSA encryption keys
//
// Every body may instead be a compact JWE sent as Content-Type: application/jose
// (alg RSA-OAEP-256; enc A256CBC-HS512 or A256GCM; kid required).
//
// # Sandbox endpoints (not part of Flanks; no bearer needed)
//
//	POST   /sandbox/link/complete       {link_token?, client_id?, bank, external_id?, extra?, password?,
//	                                     exchange_delay_seconds?} -> 201 {code, link_token, credentials_token_hint}
//	POST   /sandbox/credentials         {bank, external_id?, password?, credentials_token?} -> 201 {credentials_token}
//	POST   /sandbox/credentials/complete {credentials_token, challenge?} -> {credentials_token, completed:[...]}
//	GET|POST|DELETE /sandbox/faults     {latency_ms?, error_rate?, faults?: [{path, kind, times, status, retry_after}]}
//	GET|DELETE /sandbox/stats           {requests: {path: count}}
//
// /sandbox/link/complete plays the Flanks platform after a user finishes Flanks Link. The
// password carries the TestBank triggers (providers.md §2.10), which may be combined with
// commas: INVALID_CREDENTIALS (blocked, reset_token), SCA_SMS / SCA_APP / SCA_CODE (sca_token,
// extraction waits for /sandbox/credentials/complete), DATA_ERROR_PRODUCT_<P> and
// DATA_ERROR_TRANSACTION_<P> (errored flags; P is ACCOUNT, CARD, PORTFOLIO, INVESTMENT,
// LIABILITY, AUTH or HOLDERS), INTERNAL_ERROR (every product errored), ALREADY_EXISTS (409,
// no code), NO_MIFID (an empty MiFID list).
//
// # Go API
//
// New(Options) builds a Server (an http.Handler); Start/Close serve it on a loopback port;
// NewTestServer wraps it in httptest for tests. CreateCredentials/AddCredentials seed demo
// credentials, CompleteLink issues link codes, CompleteFlow plays the user finishing SCA or
// a reset, InjectFault/SetLatency/SetErrorRate/ClearFaults drive faults, Requests and
// RequestCounts count calls per path, JWKS returns the published keys. Options.Now is the
// only clock: extraction progress, token expiry, link delays and the daily 06:00 UTC
// refresh all read it, so tests advance a fake clock instead of sleeping.
//
// # Choices where the documents are silent
//
//   - A request body must be application/json or application/jose (415 otherwise); the
//     token request is JSON too, never form-encoded.
//   - Data error codes are 400 {"error": "<NAME>", "code": <n>} with NAME one of INCOMPLETE,
//     PROCESSING, CREDENTIALS_ERROR, SCA_REQUIRED.
//   - An unknown or deleted credentials_token is 400 {"error": "Invalid credentials_token"}.
//   - Missing or mistyped fields get the newer envelope {"success": false, "error": {"code":
//     "ValidationError", "details": [{"error_type", "field"}]}, "trace_id"}.
//   - Lists are newest first; account transactions carry the running balance after each one.
//   - In /all, products carry "owners" as [{name, rel}] ("including owners (with relation)") and
//     their transactions under "transactions".
//   - Money is a JSON number whose text is exact (built from integer cents or decimals).
//   - A link code inside its exchange delay answers 202 {"message"} and stays unused.
//   - /credentials/list items have status "pending", "active" or "error" (blocked).
//   - A forced flow (PUT /status) keeps serving the stored data and stops the daily
//     refresh until CompleteFlow; SCA_REQUIRED is only for credentials never extracted.
package flankssim
