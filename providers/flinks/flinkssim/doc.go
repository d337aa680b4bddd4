// Package flinkssim is a wire-faithful, in-memory simulator of the Flinks Connect data API,
// its webhooks, a minimal Flinks Connect page, and the Flinks Upload API over mutual TLS,
// written from the vendor documents (shared/seeds/001 and 004, shared/notes/providers.md
// §1). Its JSON comes from its own wire structs, independent of the client in
// providers/flinks; it imports the client only to sign webhooks.
//
// # Data API (Server.ServeHTTP, Start; base /v3/{customerId})
//
//	POST   /BankingServices/GenerateAuthorizeToken   flinks-auth-key = SecretKey -> {HttpStatusCode, Token} (one use, 30 min)
//	POST   /BankingServices/Authorize                flinks-auth-key = an unused token (consumed)
//	       {LoginId, MostRecentCached: true}          -> 200 + new RequestId (false: refresh, re-extraction)
//	       {Username, Password, Institution}          -> Greatday: 203 QuestionAndAnswer; others 200 + new login
//	       {RequestId, SecurityResponses}             -> 200, or 401 INVALID_SECURITY_RESPONSE / UNKNOWN_CHALLENGE_KEY
//	POST   /BankingServices/GetAccountsDetail        x-api-key; 200, 202 OPERATION_PENDING, 202 OPERATION_DISPATCHED
//	GET|POST /BankingServices/GetAccountsDetailAsync/{requestId}
//	POST   /BankingServices/GetAccountsSummary       GET|POST .../GetAccountsSummaryAsync/{requestId}
//	DELETE /BankingServices/DeleteCard/{loginId}     deletes the login, its sessions and data
//	GET    /upload/fraudanalysis/{loginId}           Authorization: Bearer APISecret
//
// Errors use the Flinks envelope {HttpStatusCode, Message, FlinksCode, RequestId?}.
//
// # Test users (FlinksCapital, password Everyday)
//
//	Greatday                   chequing, savings, credit card; live Authorize asks one MFA question
//	greatday_nomfa             chequing, savings
//	test_pending               GetAccountsDetail answers 202 first; Async answers 202 PendingPolls times, then data
//	test_dispatched            GetAccountsDetail answers 202 OPERATION_DISPATCHED with accounts but no
//	                           transactions; Async then answers 200
//	test_service_unavailable   Authorize -> 401 RETRY_LATER
//	test_disabled_account      Authorize -> 401 DISABLED_LOGIN
//
// Every login answers OPERATION_PENDING until Options.ExtractionDelay has passed by
// Options.Now. Data is deterministic: amounts, descriptions and the holder depend on
// (Seed, username), ids on (Seed, LoginId). LoginIds and RequestIds are random GUIDs.
//
// # Connect page (not a Flinks API)
//
//	GET  /v2/?redirectUrl=https://app/done   HTML form: institution, username, password
//	POST /v2/                                creates the login, then 303 to
//	                                         redirectUrl?loginId=<guid>&institution=FlinksCapital
//
// ConnectURL builds the page's URL; CreateLogin does the same as the form for tests and
// sandbox mutations.
//
// # Webhooks
//
// With Options.WebhookURL, a login whose extraction completes (creation, refresh, upload
// completion) is POSTed as the GetAccountsDetail payload plus "ResponseType", signed in
// flinks-authenticity-key with WebhookSecret (optionally preceded by a KYC payload
// {ResponseType: "KYC", HttpStatusCode, Holders, Login, Institution, RequestId}). A non-2xx
// answer is retried WebhookMaxRetries times (10), WebhookRetryInterval (30 min) apart,
// waiting with Options.Sleep. FireWebhook sends one delivery on demand; Deliveries lists
// the attempts.
//
// # Upload API (StartUpload; mutual TLS)
//
//	POST /api/v1/token            Basic client_id:client_secret, form grant_type=client_credentials,
//	                              scope ocr.write -> {access_token, token_type: Bearer, expires_in: 300}
//	POST /api/v1/upload           Bearer; {AggregationId?, Files: [{FileName, Content(base64)}], Tag?, ClientName?}
//	                              -> {HttpStatusCode, AggregationId, Message}
//	POST /api/v1/upload/complete  Bearer; {AggregationId} -> {HttpStatusCode, AggregationId, Login: {Id}, Message}
//
// /upload and /upload/complete (the seed's flow table) are served too. The listener uses a
// throw-away CA (CACertPEM) and requires a client certificate it signed
// (IssueClientCertificate) with TLS 1.2 or later. Limits: one file per request; PDF, PNG,
// JPG/JPEG, TIF/TIFF recognised by magic bytes and matching the file name's extension
// (400 otherwise); 18,000,000 bytes a file and 180,000,000 an upload (413). Tokens expire
// by Options.Now. Complete creates a login served by the data API (one chequing account)
// whose fraud analysis is Status PROCESSING until ExtractionDelay passes, then COMPLETED:
// the "fraud found" shape (signals, no Message) when a file name contains "fraud" or its
// bytes contain FLINKSSIM-FRAUD, else the clean shape ("No Fraud Signal Detected").
//
// # Faults
//
// InjectFault(endpoint, Fault) scripts 429 + Retry-After, 5xx AGGREGATION_ERROR, a
// truncated 200 or 401 TOO_MANY_REQUESTS on an Endpoint* key (or AnyPath); Latency and
// ErrorRate apply to every API call; Requests counts calls per endpoint.
//
// # Choices where the documents are silent
//
//   - GenerateAuthorizeToken takes any body and answers {"HttpStatusCode": 200, "Token"}.
//   - Every Authorize call, including an MFA answer, spends a fresh authorize token.
//   - An unknown or deleted LoginId is 401 INVALID_LOGIN ("Invalid LoginId" on DeleteCard);
//     an unknown RequestId is 400 SESSION_NONEXISTENT; one older than SessionTTL is 400
//     SESSION_EXPIRED; DeleteCard before the extraction ends is 400 CARD_IN_USE.
//   - A wrong customer id in the path is 404; a missing or wrong x-api-key 401 UNAUTHORIZED.
//   - Absent With* flags of GetAccountsDetail mean true; DaysOfTransactions defaults to
//     Days90; credit card balances are the amount owed (purchases are Debit).
package flinkssim
