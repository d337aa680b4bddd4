package finqwaresim

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// Wire formats of timestamps: RFC 3339 with microseconds for most, and
// the naive form of the balances example ("2020-01-29T07:31:51.689168").
const (
	stampLayout = "2006-01-02T15:04:05.000000Z07:00"
	naiveLayout = "2006-01-02T15:04:05.000000"
	bookingLay  = "2006-01-02T15:04:05Z07:00"
)

type accountWire struct {
	ID           string          `json:"id"`
	ServicerID   string          `json:"servicer_id"`
	ServicerName string          `json:"servicer_name"`
	Timestamp    string          `json:"timestamp"`
	Data         accountDataWire `json:"data"`
}

type accountDataWire struct {
	AccountSchemes []schemeWire         `json:"account_schemes"`
	Balances       []accountBalanceWire `json:"balances"`
	AccountType    string               `json:"account_type"`
	AccountSubType string               `json:"account_sub_type"`
	Currency       string               `json:"currency"`
	Name           string               `json:"name"`
	Nickname       string               `json:"nickname"`
}

type schemeWire struct {
	SchemeName     string `json:"scheme_name"`
	Identification string `json:"identification"`
}

type accountBalanceWire struct {
	BalanceAmount        string `json:"balance_amount"`
	BalanceCurrency      string `json:"balance_currency"`
	BalanceType          string `json:"balance_type"`
	CreditLimitIncluded  bool   `json:"credit_limit_included"`
	CreditDebitIndicator string `json:"credit_debit_indicator"`
}

type balanceWire struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Timestamp string          `json:"timestamp"`
	Data      balanceDataWire `json:"data"`
}

type balanceDataWire struct {
	Amount               string  `json:"amount"`
	CreditDebitIndicator string  `json:"credit_debit_indicator"`
	CreditLimitIncluded  bool    `json:"credit_limit_included"`
	CreditLine           any     `json:"credit_line"`
	Currency             string  `json:"currency"`
	NativeDate           *string `json:"native_date"`
	NativeTimestamp      *string `json:"native_timestamp"`
	Type                 string  `json:"type"`
}

type txWire struct {
	AccountID string     `json:"account_id"`
	Timestamp string     `json:"timestamp"`
	ID        string     `json:"id"`
	UTXID     string     `json:"utx_id"`
	Data      txDataWire `json:"data"`
}

type txDataWire struct {
	Amount               string `json:"amount"`
	Balance              string `json:"balance"`
	BookingDateTime      string `json:"booking_date_time"`
	CreditDebitIndicator string `json:"credit_debit_indicator"`
	Currency             string `json:"currency"`
	Info                 string `json:"info"`
	Status               string `json:"status"`
	Category             string `json:"category"`
	Details              any    `json:"details"`
	ExchangeRate         any    `json:"exchange_rate"`
}

// money renders signed cents as the wire's positive amount string and
// its credit_debit_indicator.
func money(cents int64) (string, string) {
	cdi := "credit"
	if cents < 0 {
		cdi, cents = "debit", -cents
	}
	return fmt.Sprintf("%d.%02d", cents/100, cents%100), cdi
}

// handleAccounts serves POST /v1/accounts/get; filter {account_id,
// currency} is accepted.
func (s *Server) handleAccounts(w http.ResponseWriter, r *http.Request) {
	c, f, e := s.authData(w, r, true)
	if e != nil {
		writeError(w, *e)
		return
	}
	flt, e := parseFilter(f, accountFilterKeys)
	if e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []accountWire{}
	for _, a := range s.datasetLocked(c).accounts {
		if !flt.matchAccount(a) {
			continue
		}
		amt, cdi := money(a.balance(time.Time{}))
		out = append(out, accountWire{ID: a.id, ServicerID: a.skill.ServicerID, ServicerName: a.skill.ServicerName,
			Timestamp: a.readAt.Format(stampLayout), Data: accountDataWire{
				AccountSchemes: []schemeWire{{"IBAN", a.iban}, {"BICFI", a.bic}},
				Balances: []accountBalanceWire{{BalanceAmount: amt, BalanceCurrency: a.currency,
					BalanceType: "Expected", CreditDebitIndicator: cdi}},
				AccountType: a.accountType, AccountSubType: a.accountSubType, Currency: a.currency,
				Name: a.name, Nickname: a.nickname}})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleBalances serves POST /v1/balances/get; filter {account_id, type,
// currency}. Each account has ClosingBooked (yesterday, by Now),
// InterimAvailable and Expected balances.
func (s *Server) handleBalances(w http.ResponseWriter, r *http.Request) {
	c, f, e := s.authData(w, r, true)
	if e != nil {
		writeError(w, *e)
		return
	}
	flt, e := parseFilter(f, balanceFilterKeys)
	if e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	today := truncateDay(now)
	yesterday := today.AddDate(0, 0, -1).Format(time.DateOnly)
	interim := now.Format(naiveLayout)
	out := []balanceWire{}
	for _, a := range s.datasetLocked(c).accounts {
		for _, b := range []struct {
			typ   string
			cents int64
			date  *string
			stamp *string
		}{
			{"ClosingBooked", a.balance(today), &yesterday, nil},
			{"InterimAvailable", a.balance(time.Time{}), nil, &interim},
			{"Expected", a.balance(time.Time{}), nil, nil},
		} {
			amt, cdi := money(b.cents)
			bw := balanceWire{ID: stableID(a.id, "balance", b.typ), AccountID: a.id, Timestamp: now.Format(naiveLayout),
				Data: balanceDataWire{Amount: amt, CreditDebitIndicator: cdi, Currency: a.currency,
					NativeDate: b.date, NativeTimestamp: b.stamp, Type: b.typ}}
			if flt.matchBalance(a, bw) {
				out = append(out, bw)
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleTransactions serves POST /v1/transactions/get with the filter of
// providers.md §3.4, newest booking first.
func (s *Server) handleTransactions(w http.ResponseWriter, r *http.Request) {
	c, f, e := s.authData(w, r, true)
	if e != nil {
		writeError(w, *e)
		return
	}
	flt, e := parseFilter(f, transactionFilterKeys)
	if e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []txWire{}
	type item struct {
		a *simAccount
		t *simTx
	}
	var items []item
	for _, a := range s.datasetLocked(c).accounts {
		for _, t := range a.txs {
			if flt.matchTx(a, t) {
				items = append(items, item{a, t})
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		ti, tj := items[i].t, items[j].t
		if !ti.booking.Equal(tj.booking) {
			return ti.booking.After(tj.booking)
		}
		return ti.stamp.After(tj.stamp)
	})
	for _, it := range items {
		amt, cdi := money(it.t.cents)
		bal, _ := money(it.t.balance)
		if it.t.balance < 0 {
			bal = "-" + bal
		}
		out = append(out, txWire{AccountID: it.a.id, Timestamp: it.t.stamp.Format(stampLayout), ID: it.t.id,
			UTXID: it.t.utx, Data: txDataWire{Amount: amt, Balance: bal, BookingDateTime: it.t.booking.Format(bookingLay),
				CreditDebitIndicator: cdi, Currency: it.a.currency, Info: it.t.info, Status: it.t.status,
				Category: it.t.category}})
	}
	writeJSON(w, http.StatusOK, out)
}
