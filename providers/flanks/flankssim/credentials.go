package flankssim

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Errors of the Go-level sandbox API.
var (
	// ErrUnknownBank means the bank id is not one of Entities.
	ErrUnknownBank = errors.New("flankssim: unknown bank")
	// ErrAlreadyExists is the ALREADY_EXISTS trigger, or a credentials_token already in use.
	ErrAlreadyExists = errors.New("flankssim: CREDENTIALS_ALREADY_EXIST")
	// ErrUnknownCredentials means the credentials_token does not exist (or was deleted).
	ErrUnknownCredentials = errors.New("flankssim: unknown credentials_token")
	// ErrNoPendingFlow means CompleteFlow found no sca, reset or transaction token to clear.
	ErrNoPendingFlow = errors.New("flankssim: no pending flow")
	// ErrChallengeFailed is the INVALID_SCA / USER_INTERACTION_NEEDED challenge trigger.
	ErrChallengeFailed = errors.New("flankssim: challenge failed")
)

// Extraction steps, in the order their created flags turn true. The first seven are
// errored/created.product.*, the last four errored/created.transaction.*.
const (
	stepAuth = iota
	stepAccount
	stepCard
	stepPortfolio
	stepInvestment
	stepLiability
	stepHolders
	stepTxnAccount
	stepTxnCard
	stepTxnInvestment
	stepTxnLiability
	numSteps
)

// credentials is one set of stored bank credentials and its extraction state.
type credentials struct {
	token, bank, externalID string
	createdAt               time.Time
	// extractStart is when the current extraction began; zero while it waits for SCA.
	extractStart time.Time
	// refreshedAt is when a completed forced flow last refreshed the data.
	refreshedAt time.Time
	loginFailed bool // INVALID_CREDENTIALS: the extraction stopped at login
	blocked     bool
	autoUpdate  bool
	resetToken  string
	scaToken    string
	txnToken    string
	dataErrored [numSteps]bool
	noMifid     bool

	gen       sync.Mutex // serialises generation of data, outside Server.mu
	data      *dataset
	dataStamp int64
}

// NewCredentials describes credentials to create directly, as if the user had just
// finished Flanks Link.
type NewCredentials struct {
	// Token pins the credentials_token; empty means one derived from the seed.
	Token string
	// Bank is an entity id from Entities, e.g. "testbank".
	Bank string
	// ExternalID is the optional external_id of the Link; it also seeds external_id fields.
	ExternalID string
	// Password may carry TestBank triggers (see the package documentation).
	Password string
}

// CreateCredentials creates credentials for demo seeding and returns the credentials_token.
func (s *Server) CreateCredentials(bank, externalID, password string) (string, error) {
	return s.AddCredentials(NewCredentials{Bank: bank, ExternalID: externalID, Password: password})
}

// AddCredentials creates credentials; the extraction starts now (by Options.Now) unless
// an SCA trigger makes it wait for CompleteFlow.
func (s *Server) AddCredentials(nc NewCredentials) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.addCredentialsLocked(nc, false)
	if err != nil {
		return "", err
	}
	return c.token, nil
}

// addCredentialsLocked stores new credentials. Without nc.Token, the token is
// derived from the seed (demo seeding: the same calls give the same tokens and
// so the same data), or with unique (a Link) made unique across restarts.
func (s *Server) addCredentialsLocked(nc NewCredentials, unique bool) (*credentials, error) {
	if _, ok := entityByID(nc.Bank); !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownBank, nc.Bank)
	}
	tr := parseTriggers(nc.Password)
	if tr.alreadyExists {
		return nil, ErrAlreadyExists
	}
	tok := nc.Token
	if tok == "" && unique {
		tok = s.uniqueIDLocked("credentials")
	} else if tok == "" {
		tok = s.nextIDLocked("credentials")
	}
	if _, dup := s.creds[tok]; dup {
		return nil, fmt.Errorf("%w: token %q", ErrAlreadyExists, tok)
	}
	now := s.now()
	c := &credentials{
		token: tok, bank: nc.Bank, externalID: nc.ExternalID, createdAt: now,
		extractStart: now, autoUpdate: true, dataErrored: tr.errored, noMifid: tr.noMifid,
	}
	switch {
	case tr.invalidCreds:
		c.loginFailed, c.blocked, c.resetToken = true, true, s.uniqueIDLocked("reset")
	case tr.sca:
		c.extractStart, c.scaToken = time.Time{}, s.uniqueIDLocked("sca")
	}
	s.creds[tok] = c
	s.order = append(s.order, tok)
	return c, nil
}

// triggers are the TestBank password triggers (providers.md §2.10).
type triggers struct {
	invalidCreds, sca, alreadyExists, noMifid bool
	errored                                   [numSteps]bool
}

var productSteps = map[string][]int{
	"AUTH": {stepAuth}, "ACCOUNT": {stepAccount, stepTxnAccount}, "CARD": {stepCard, stepTxnCard},
	"PORTFOLIO": {stepPortfolio}, "INVESTMENT": {stepInvestment, stepTxnInvestment},
	"LIABILITY": {stepLiability, stepTxnLiability}, "HOLDERS": {stepHolders},
}

var transactionSteps = map[string]int{
	"ACCOUNT": stepTxnAccount, "CARD": stepTxnCard,
	"INVESTMENT": stepTxnInvestment, "LIABILITY": stepTxnLiability,
}

// parseTriggers reads comma-, space- or plus-separated trigger words from a password.
// Anything else (e.g. the documented "XXXX") is a good password.
func parseTriggers(password string) triggers {
	var t triggers
	words := strings.FieldsFunc(strings.ToUpper(password), func(r rune) bool {
		return r == ',' || r == ' ' || r == '+' || r == ';' || r == '|'
	})
	for _, w := range words {
		switch {
		case w == "INVALID_CREDENTIALS":
			t.invalidCreds = true
		case w == "SCA_SMS" || w == "SCA_APP" || w == "SCA_CODE":
			t.sca = true
		case w == "ALREADY_EXISTS":
			t.alreadyExists = true
		case w == "NO_MIFID":
			t.noMifid = true
		case w == "INTERNAL_ERROR":
			for i := range t.errored {
				t.errored[i] = true
			}
		case strings.HasPrefix(w, "DATA_ERROR_PRODUCT_"):
			for _, st := range productSteps[strings.TrimPrefix(w, "DATA_ERROR_PRODUCT_")] {
				t.errored[st] = true
			}
		case strings.HasPrefix(w, "DATA_ERROR_TRANSACTION_"):
			if st, ok := transactionSteps[strings.TrimPrefix(w, "DATA_ERROR_TRANSACTION_")]; ok {
				t.errored[st] = true
			}
		}
	}
	return t
}

// nextIDLocked derives a UUID-shaped id from the seed and a counter, so that the same
// seed and the same sequence of calls give the same demo credentials tokens (and so the
// same data).
func (s *Server) nextIDLocked(kind string) string {
	s.seq++
	return uuidFrom(fmt.Sprintf("%d/%s/%d", s.opts.Seed, kind, s.seq))
}

// uniqueIDLocked is nextIDLocked with the Server's random nonce mixed in: the
// counter restarts at zero with every New, so ids that name something outside
// the simulator's memory (a connection's credentials_token, a link code, a
// flow token) would otherwise repeat after a restart with the same seed.
func (s *Server) uniqueIDLocked(kind string) string {
	s.seq++
	return uuidFrom(fmt.Sprintf("%d/%s/%d/%s", s.opts.Seed, kind, s.seq, s.nonce))
}

// uuidFrom formats the SHA-256 of key as a version-4-shaped UUID.
func uuidFrom(key string) string {
	sum := sha256.Sum256([]byte(key))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	hi, lo := binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
