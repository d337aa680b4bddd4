package flankssim

import (
	"errors"
	"net/http"
	"time"
)

// addSandboxRoutes registers the endpoints that do not exist at Flanks: they let a test
// or a demo play the user (finish Link, complete SCA) and drive faults in a running binary.
// They need no bearer token.
func (s *Server) addSandboxRoutes(add func(method, path string, h http.HandlerFunc)) {
	add(http.MethodPost, "/sandbox/link/complete", s.sandboxBody(s.handleSandboxLink))
	add(http.MethodPost, "/sandbox/credentials", s.sandboxBody(s.handleSandboxCreate))
	add(http.MethodPost, "/sandbox/credentials/complete", s.sandboxBody(s.handleSandboxComplete))
	add(http.MethodGet, "/sandbox/faults", s.handleFaultsGet)
	add(http.MethodPost, "/sandbox/faults", s.sandboxBody(s.handleFaultsPost))
	add(http.MethodDelete, "/sandbox/faults", s.handleFaultsDelete)
	add(http.MethodGet, "/sandbox/stats", s.handleStatsGet)
	add(http.MethodDelete, "/sandbox/stats", s.handleStatsDelete)
}

// sandboxBody decodes the body like the API does, without the bearer check.
func (s *Server) sandboxBody(h bodyHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if b, ok := s.readBody(w, r); ok {
			h(w, r, b)
		}
	}
}

// handleSandboxLink serves POST /sandbox/link/complete -> 201 {code, link_token,
// credentials_token_hint}.
func (s *Server) handleSandboxLink(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	lc := LinkCompletion{
		LinkToken:  b.str("link_token", false, &errs),
		ClientID:   b.str("client_id", false, &errs),
		Bank:       b.str("bank", true, &errs),
		ExternalID: b.str("external_id", false, &errs),
		Password:   b.str("password", false, &errs),
	}
	b.object("extra", &lc.Extra, &errs)
	if secs := b.integer("exchange_delay_seconds", 0, &errs); secs != 0 {
		lc.ExchangeDelay = time.Duration(secs) * time.Second
	}
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	res, err := s.CompleteLink(lc)
	if err != nil {
		writeCreateError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// handleSandboxCreate serves POST /sandbox/credentials -> 201 {credentials_token}.
func (s *Server) handleSandboxCreate(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	nc := NewCredentials{
		Token:      b.str("credentials_token", false, &errs),
		Bank:       b.str("bank", true, &errs),
		ExternalID: b.str("external_id", false, &errs),
		Password:   b.str("password", false, &errs),
	}
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	tok, err := s.AddCredentials(nc)
	if err != nil {
		writeCreateError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"credentials_token": tok})
}

func writeCreateError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrUnknownBank):
		writeLegacy(w, http.StatusBadRequest, "Invalid bank")
	case errors.Is(err, ErrAlreadyExists):
		writeLegacy(w, http.StatusConflict, "CREDENTIALS_ALREADY_EXIST")
	default:
		writeLegacy(w, http.StatusInternalServerError, "Internal Error")
	}
}

// handleSandboxComplete serves POST /sandbox/credentials/complete {credentials_token,
// challenge?} -> {credentials_token, completed}.
func (s *Server) handleSandboxComplete(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	tok := b.str("credentials_token", true, &errs)
	challenge := b.str("challenge", false, &errs)
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	flows, err := s.CompleteFlow(tok, challenge)
	switch {
	case errors.Is(err, ErrUnknownCredentials):
		writeLegacy(w, http.StatusBadRequest, "Invalid credentials_token")
	case errors.Is(err, ErrNoPendingFlow):
		writeLegacy(w, http.StatusConflict, "No pending flow")
	case errors.Is(err, ErrChallengeFailed):
		writeLegacy(w, http.StatusBadRequest, "INVALID_SCA")
	case err != nil:
		writeLegacy(w, http.StatusInternalServerError, "Internal Error")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"credentials_token": tok, "completed": flows})
	}
}

// faultConfig is the body of /sandbox/faults: the request sets what is present, the
// response shows everything.
type faultConfig struct {
	LatencyMS *int64      `json:"latency_ms"`
	ErrorRate *float64    `json:"error_rate"`
	Faults    []pathFault `json:"faults"`
}

// pathFault is a Fault with the path it applies to (AnyPath for any /v0 path).
type pathFault struct {
	Path string `json:"path"`
	Fault
}

func (s *Server) handleFaultsGet(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.faultConfig())
}

// handleFaultsPost applies latency_ms, error_rate and queues faults, all optional.
func (s *Server) handleFaultsPost(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var (
		errs []fieldError
		cfg  faultConfig
	)
	b.object("latency_ms", &cfg.LatencyMS, &errs)
	b.object("error_rate", &cfg.ErrorRate, &errs)
	b.object("faults", &cfg.Faults, &errs)
	if cfg.ErrorRate != nil && (*cfg.ErrorRate < 0 || *cfg.ErrorRate > 1) {
		errs = append(errs, fieldError{ErrorType: "range", Field: "error_rate"})
	}
	for _, pf := range cfg.Faults {
		if pf.Path == "" || pf.validate() != nil {
			errs = append(errs, fieldError{ErrorType: "value_error", Field: "faults"})
			break
		}
	}
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	if cfg.LatencyMS != nil {
		s.SetLatency(time.Duration(*cfg.LatencyMS) * time.Millisecond)
	}
	if cfg.ErrorRate != nil {
		s.SetErrorRate(*cfg.ErrorRate)
	}
	for _, pf := range cfg.Faults {
		_ = s.InjectFault(pf.Path, pf.Fault) // validated above
	}
	writeJSON(w, http.StatusOK, s.faultConfig())
}

func (s *Server) handleFaultsDelete(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	writeJSON(w, http.StatusOK, s.faultConfig())
}

func (s *Server) faultConfig() faultConfig {
	lat, rate, faults := s.faultSnapshot()
	ms := lat.Milliseconds()
	if faults == nil {
		faults = []pathFault{}
	}
	return faultConfig{LatencyMS: &ms, ErrorRate: &rate, Faults: faults}
}

func (s *Server) handleStatsGet(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"requests": s.RequestCounts()})
}

func (s *Server) handleStatsDelete(w http.ResponseWriter, _ *http.Request) {
	s.ResetRequests()
	writeJSON(w, http.StatusOK, map[string]any{"requests": map[string]int{}})
}
