package flankssim

import (
	"net/http"
	"time"
)

// productFlags is errored/created.product of the status response.
type productFlags struct {
	Auth       bool `json:"auth"`
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Portfolio  bool `json:"portfolio"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
	Holders    bool `json:"holders"`
}

// transactionFlags is errored/created.transaction of the status response.
type transactionFlags struct {
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
}

// statusFlags is the errored or created object.
type statusFlags struct {
	Product     productFlags     `json:"product"`
	Transaction transactionFlags `json:"transaction"`
}

func flagsFrom(f [numSteps]bool) statusFlags {
	return statusFlags{
		Product: productFlags{
			Auth: f[stepAuth], Account: f[stepAccount], Card: f[stepCard], Portfolio: f[stepPortfolio],
			Investment: f[stepInvestment], Liability: f[stepLiability], Holders: f[stepHolders],
		},
		Transaction: transactionFlags{
			Account: f[stepTxnAccount], Card: f[stepTxnCard],
			Investment: f[stepTxnInvestment], Liability: f[stepTxnLiability],
		},
	}
}

// statusResponse is POST /v0/bank/credentials/status (seed; providers.md §2.3).
type statusResponse struct {
	Pending             bool        `json:"pending"`
	Blocked             bool        `json:"blocked"`
	ResetToken          *string     `json:"reset_token"`
	SCAToken            *string     `json:"sca_token"`
	TransactionToken    *string     `json:"transaction_token"`
	LastTransactionDate *string     `json:"last_transaction_date"`
	Name                string      `json:"name"`
	LastUpdate          *string     `json:"last_update"`
	Time                *string     `json:"time"`
	LastUpdateTimestamp *int64      `json:"last_update_timestamp"`
	CreatedAtTimestamp  int64       `json:"created_at_timestamp"`
	Errored             statusFlags `json:"errored"`
	Created             statusFlags `json:"created"`
}

// credentialsToken reads the required credentials_token and resolves it. It writes the
// validation or "Invalid credentials_token" error itself.
func (s *Server) credentialsToken(w http.ResponseWriter, b requestBody) (view, bool) {
	var errs []fieldError
	tok := b.str("credentials_token", true, &errs)
	if len(errs) > 0 {
		writeValidation(w, errs)
		return view{}, false
	}
	v, ok := s.lookup(tok)
	if !ok {
		writeLegacy(w, http.StatusBadRequest, "Invalid credentials_token")
		return view{}, false
	}
	return v, true
}

func (s *Server) handleStatus(w http.ResponseWriter, _ *http.Request, b requestBody) {
	v, ok := s.credentialsToken(w, b)
	if !ok {
		return
	}
	resp := statusResponse{
		Pending: v.pending, Blocked: v.blocked,
		ResetToken: nullable(v.resetToken), SCAToken: nullable(v.scaToken),
		TransactionToken: nullable(v.txnToken), Name: v.bank,
		CreatedAtTimestamp: v.createdAt.Unix(),
		Errored:            flagsFrom(v.errored), Created: flagsFrom(v.created),
	}
	if !v.lastUpdate.IsZero() {
		ts := v.lastUpdate.Unix()
		resp.LastUpdate = nullable(v.lastUpdate.Format(time.DateOnly))
		resp.Time = nullable(v.lastUpdate.Format("15:04"))
		resp.LastUpdateTimestamp = &ts
	}
	if v.usable(stepTxnAccount) {
		resp.LastTransactionDate = nullable(s.datasetFor(v).lastTransactionDate())
	}
	writeJSON(w, http.StatusOK, resp)
}

// handleForce serves PUT /status {credentials_token, force} -> {<force>_token}.
func (s *Server) handleForce(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	b.str("credentials_token", true, &errs)
	force := b.str("force", true, &errs)
	if force != "" && force != "sca" && force != "reset" && force != "transaction" {
		errs = append(errs, fieldError{ErrorType: "enum", Field: "force"})
	}
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	v, ok := s.credentialsToken(w, b)
	if !ok {
		return
	}
	id, err := s.forceFlow(v.token, force)
	if err != nil {
		writeLegacy(w, http.StatusBadRequest, "Invalid credentials_token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{force + "_token": id})
}

// handleDelete serves DELETE /v0/bank/credentials: the data is gone for good.
func (s *Server) handleDelete(w http.ResponseWriter, _ *http.Request, b requestBody) {
	v, ok := s.credentialsToken(w, b)
	if !ok {
		return
	}
	if !s.deleteCredentials(v.token) {
		writeLegacy(w, http.StatusBadRequest, "Invalid credentials_token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Credentials deleted successfully"})
}

// listItem is one entry of /credentials/list.
type listItem struct {
	CredentialsToken string  `json:"credentials_token"`
	ExternalID       *string `json:"external_id"`
	Bank             string  `json:"bank"`
	Status           string  `json:"status"`
}

// listResponse is POST /v0/bank/credentials/list.
type listResponse struct {
	Items []listItem `json:"items"`
	Page  int        `json:"page"`
	Pages int        `json:"pages"`
}

// handleList pages the active credentials in creation order; pages is at least 1.
func (s *Server) handleList(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	page := b.integer("page", 1, &errs)
	if page < 1 && len(errs) == 0 {
		errs = append(errs, fieldError{ErrorType: "greater_than_equal", Field: "page"})
	}
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	writeJSON(w, http.StatusOK, s.listPage(page))
}

func (s *Server) listPage(page int) listResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	size := s.opts.PageSize
	resp := listResponse{Items: []listItem{}, Page: page, Pages: max(1, (len(s.order)+size-1)/size)}
	for i := (page - 1) * size; i < len(s.order) && i < page*size; i++ {
		v := s.viewLocked(s.creds[s.order[i]])
		resp.Items = append(resp.Items, listItem{
			CredentialsToken: v.token, ExternalID: nullable(v.externalID),
			Bank: v.bank, Status: v.listStatus(),
		})
	}
	return resp
}

// nullable maps "" to JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
