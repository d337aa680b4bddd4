package flankssim

import (
	"net/http"
)

// credentialsPath is the prefix of the credentials and aggregation endpoints.
const credentialsPath = "/v0/bank/credentials/"

// aggEndpoint is one POST /v0/bank/credentials/<x> endpoint: the extraction step whose
// flags gate it and how it renders a dataset.
type aggEndpoint struct {
	path   string
	step   int
	object bool // /auth answers one object, every other endpoint a bare array
	serve  func(ds *dataset, q query) any
}

// listOf adapts a dataset accessor into a filtered list endpoint.
func listOf[T any](get func(*dataset) []T) func(*dataset, query) any {
	return func(ds *dataset, q query) any { return filterItems(get(ds), q) }
}

// aggregationEndpoints are the v0 aggregation endpoints (seed; providers.md §2.4). The
// MiFID endpoint is served under both spellings the seed uses.
var aggregationEndpoints = []aggEndpoint{
	{path: credentialsPath + "account", step: stepAccount, serve: listOf(func(d *dataset) []account { return d.accounts })},
	{path: credentialsPath + "data", step: stepTxnAccount, serve: listOf(func(d *dataset) []accountTxn { return d.accountTxns })},
	{path: credentialsPath + "card", step: stepCard, serve: listOf(func(d *dataset) []card { return d.cards })},
	{path: credentialsPath + "card/transaction", step: stepTxnCard, serve: listOf(func(d *dataset) []cardTxn { return d.cardTxns })},
	{path: credentialsPath + "portfolio", step: stepPortfolio, serve: listOf(func(d *dataset) []portfolio { return d.portfolios })},
	{path: credentialsPath + "investment", step: stepInvestment, serve: listOf(func(d *dataset) []investment { return d.investments })},
	{path: credentialsPath + "investment/transaction", step: stepTxnInvestment, serve: listOf(func(d *dataset) []investmentTxn { return d.investmentTxns })},
	{path: credentialsPath + "investment/detail", step: stepInvestment, serve: listOf(func(d *dataset) []investmentDetail { return d.details })},
	{path: credentialsPath + "liability", step: stepLiability, serve: listOf(func(d *dataset) []liability { return d.liabilities })},
	{path: credentialsPath + "liability/transaction", step: stepTxnLiability, serve: listOf(func(d *dataset) []liabilityTxn { return d.liabilityTxns })},
	{path: credentialsPath + "holder", step: stepHolders, serve: listOf(func(d *dataset) []holder { return d.holders })},
	{path: credentialsPath + "mifid/raw", step: stepAuth, serve: listOf(func(d *dataset) []mifidRaw { return d.mifid })},
	{path: "/v0/bank/credencial/mifid/raw", step: stepAuth, serve: listOf(func(d *dataset) []mifidRaw { return d.mifid })},
	{path: credentialsPath + "auth", step: stepAuth, object: true, serve: func(d *dataset, _ query) any { return d.identity }},
}

// aggRequest is the validated body {credentials_token, query?, ignore_data_error?}.
type aggRequest struct {
	token           string
	query           query
	ignoreDataError bool
}

// parseAggRequest validates an aggregation body; it writes the error itself.
func (s *Server) parseAggRequest(w http.ResponseWriter, b requestBody) (aggRequest, view, bool) {
	var errs []fieldError
	req := aggRequest{
		token:           b.str("credentials_token", true, &errs),
		ignoreDataError: b.boolean("ignore_data_error", &errs),
	}
	req.query = parseQuery(b, &errs)
	if len(errs) > 0 {
		writeValidation(w, errs)
		return req, view{}, false
	}
	v, ok := s.lookup(req.token)
	if !ok {
		writeLegacy(w, http.StatusBadRequest, "Invalid credentials_token")
	}
	return req, v, ok
}

// aggregationHandler serves one endpoint: the stored data of the last extraction, or the
// data code that explains why there is none.
func (s *Server) aggregationHandler(ep aggEndpoint) bodyHandler {
	return func(w http.ResponseWriter, _ *http.Request, b requestBody) {
		req, v, ok := s.parseAggRequest(w, b)
		if !ok {
			return
		}
		code, empty := v.gate(ep.step, req.ignoreDataError)
		switch {
		case code != 0:
			writeDataError(w, code)
		case empty && ep.object:
			writeJSON(w, http.StatusOK, map[string]any{})
		case empty:
			writeJSON(w, http.StatusOK, []any{})
		default:
			writeJSON(w, http.StatusOK, ep.serve(s.datasetFor(v), req.query))
		}
	}
}
