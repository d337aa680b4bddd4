package flinkssim

import (
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ErrInvalidCredentials: CreateLogin got an unknown test username or a wrong password.
var ErrInvalidCredentials = errors.New("flinkssim: invalid FlinksCapital credentials")

// ErrUnknownLogin: no such LoginId (never created, or deleted by DeleteCard).
var ErrUnknownLogin = errors.New("flinkssim: unknown LoginId")

// login is a connection to one FlinksCapital test user.
type login struct {
	id        string
	profile   profile
	data      *dataset
	readyAt   time.Time // extraction done; OPERATION_PENDING before
	requestID string    // the Connect session's RequestId, carried by webhooks
	upload    *aggregation
	gen       int // bumped on refresh, so a stale webhook delivery stops
}

// session is a RequestId opened by Authorize.
type session struct {
	id        string
	loginID   string // empty while an MFA answer is awaited
	createdAt time.Time
	// live-mode MFA in progress
	mfaPrompt, mfaAnswer string
	mfaProfile           profile
	// scripted behaviours
	sawPending     bool // test_pending: the first GetAccountsDetail answered 202
	pollsLeft      int  // test_pending: Async polls still answering 202
	dispatchedSent bool // test_dispatched: OPERATION_DISPATCHED answered
}

// CreateLogin plays a user finishing Flinks Connect with a FlinksCapital test user (see
// the User* constants; the password is TestPassword) and returns the new LoginId: a random
// GUID, unique across simulator restarts. Its data is ready after Options.ExtractionDelay,
// when the webhook (if configured) is sent.
func (s *Server) CreateLogin(username, password string) (string, error) {
	return s.CreateLoginWithID("", username, password)
}

// CreateLoginWithID is CreateLogin with a chosen LoginId (a random one when
// id is empty); an existing id is returned unchanged. A sandbox re-creating
// its demo logins on every start uses it, so links stored by an earlier
// run keep working.
func (s *Server) CreateLoginWithID(id, username, password string) (string, error) {
	p, ok := lookupProfile(username, password)
	if !ok {
		return "", ErrInvalidCredentials
	}
	s.mu.Lock()
	if lg, ok := s.logins[id]; ok && id != "" {
		s.mu.Unlock()
		return lg.id, nil
	}
	lg := s.newLoginLocked(p, id)
	s.mu.Unlock()
	s.scheduleWebhook(lg.id, lg.gen)
	return lg.id, nil
}

// newLoginLocked creates a login whose extraction starts now; id "" is a
// random one.
func (s *Server) newLoginLocked(p profile, id string) *login {
	if id == "" {
		id = uuid.NewString()
	}
	lg := &login{id: id, profile: p, data: s.generate(p, id), readyAt: s.now().Add(s.opts.ExtractionDelay)}
	lg.requestID = s.newSessionLocked(id).id
	s.logins[id] = lg
	return lg
}

func (s *Server) newSessionLocked(loginID string) *session {
	ss := &session{id: uuid.NewString(), loginID: loginID, createdAt: s.now(), pollsLeft: s.opts.PendingPolls}
	s.sessions[ss.id] = ss
	return ss
}

// refreshLocked restarts a login's extraction (Authorize with MostRecentCached false).
func (s *Server) refreshLocked(lg *login) {
	lg.readyAt = s.now().Add(s.opts.ExtractionDelay)
	lg.gen++
}

// Logins returns the ids of the existing logins, sorted.
func (s *Server) Logins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.logins))
	for id := range s.logins {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// deleteLoginLocked removes a login, its sessions and its upload.
func (s *Server) deleteLoginLocked(lg *login) {
	delete(s.logins, lg.id)
	for id, ss := range s.sessions {
		if ss.loginID == lg.id {
			delete(s.sessions, id)
		}
	}
	if lg.upload != nil {
		delete(s.aggregations, lg.upload.id)
	}
}

// detailQuery selects what a GetAccountsDetail-shaped answer carries.
type detailQuery struct {
	transactions, balance, kyc, summary bool
	days                                int
	filter                              []string
	from, to                            time.Time
}

var fullQuery = detailQuery{transactions: true, balance: true, kyc: true, days: 90}

// renderLocked builds the GetAccountsDetail body of a login.
func (s *Server) renderLocked(lg *login, requestID string, q detailQuery) wireDetail {
	return wireDetail{
		HTTPStatusCode: 200, Accounts: s.accountsLocked(lg, q), InstitutionName: Institution,
		Login: s.wireLoginLocked(lg), InstitutionID: InstitutionID, Institution: Institution, RequestID: requestID,
	}
}

func (s *Server) wireLoginLocked(lg *login) wireLogin {
	last := lg.readyAt
	if now := s.now(); last.After(now) {
		last = now
	}
	return wireLogin{Username: lg.profile.username, LastRefresh: netTime(last), Type: "Personal", ID: lg.id}
}

func (s *Server) accountsLocked(lg *login, q detailQuery) []wireAccount {
	from := s.asOf.AddDate(0, 0, -(q.days - 1))
	if !q.from.IsZero() && q.from.After(from) {
		from = q.from
	}
	out := []wireAccount{}
	for _, a := range lg.data.accounts {
		if len(q.filter) > 0 && !slices.Contains(q.filter, a.id) {
			continue
		}
		w := wireAccount{
			TransitNumber: strPtr(a.transit), InstitutionNumber: strPtr(institutionCode), Title: a.title,
			Category: a.category, Type: a.typ, Currency: "CAD", ID: a.id,
		}
		if a.number != "" {
			w.AccountNumber = strPtr(a.number)
		}
		if a.lastFour != "" {
			w.LastFourDigits = strPtr(a.lastFour)
		}
		if q.balance {
			w.Balance = &wireBalance{Available: moneyPtr(a.available), Current: moneyPtr(a.current)}
			if a.limit != nil {
				w.Balance.Limit = moneyPtr(*a.limit)
			}
		}
		if q.kyc {
			h := lg.data.holder.wire()
			w.Holder = &h
		}
		if q.summary {
			eft, et := 1.0, 0.85
			w.EftEligibleRatio, w.ETransferEligibleRatio = &eft, &et
		}
		if q.transactions {
			txs := []wireTx{}
			for _, t := range a.txs {
				if t.date.Before(from) || (!q.to.IsZero() && t.date.After(q.to)) {
					continue
				}
				wt := wireTx{Date: t.date.Format(time.DateOnly), Description: t.desc, Balance: money(t.balance), ID: t.id}
				if t.debit != 0 {
					wt.Debit = moneyPtr(t.debit)
				} else {
					wt.Credit = moneyPtr(t.credit)
				}
				txs = append(txs, wt)
			}
			w.Transactions = &txs
		}
		out = append(out, w)
	}
	return out
}
