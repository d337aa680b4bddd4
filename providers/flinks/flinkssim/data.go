package flinkssim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Institution is the FlinksCapital test institution (https://docs.flinks.com/docs/test-institution).
const (
	Institution     = "FlinksCapital"
	InstitutionID   = 14
	TestPassword    = "Everyday"
	institutionCode = "777"
)

// The FlinksCapital test usernames (providers.md §1.9). All use TestPassword.
const (
	UserGreatday           = "Greatday"                 // 3 accounts; live Authorize asks an MFA question
	UserGreatdayNoMFA      = "greatday_nomfa"           // 2 accounts, no MFA
	UserPending            = "test_pending"             // GetAccountsDetail answers 202 first, then data
	UserDispatched         = "test_dispatched"          // GetAccountsDetail answers 202 OPERATION_DISPATCHED first
	UserServiceUnavailable = "test_service_unavailable" // Authorize answers 401 RETRY_LATER
	UserDisabled           = "test_disabled_account"    // Authorize answers 401 DISABLED_LOGIN
	userUpload             = "upload"                   // logins created by the Upload API
)

type accountKind int

const (
	kindChequing accountKind = iota
	kindSavings
	kindCredit
)

// profile is the scripted behaviour of a test username.
type profile struct {
	username     string
	kinds        []accountKind
	mfa          bool
	authCode     string // FlinksCode Authorize answers with (401)
	pendingFirst bool
	dispatched   bool
}

var profiles = map[string]profile{
	"greatday":                 {username: UserGreatday, kinds: []accountKind{kindChequing, kindSavings, kindCredit}, mfa: true},
	"greatday_nomfa":           {username: UserGreatdayNoMFA, kinds: []accountKind{kindChequing, kindSavings}},
	"test_pending":             {username: UserPending, kinds: []accountKind{kindChequing}, pendingFirst: true},
	"test_dispatched":          {username: UserDispatched, kinds: []accountKind{kindChequing, kindCredit}, dispatched: true},
	"test_service_unavailable": {username: UserServiceUnavailable, kinds: []accountKind{kindChequing}, authCode: "RETRY_LATER"},
	"test_disabled_account":    {username: UserDisabled, kinds: []accountKind{kindChequing}, authCode: "DISABLED_LOGIN"},
	userUpload:                 {username: userUpload, kinds: []accountKind{kindChequing}},
}

// lookupProfile finds a test user by username (case-insensitive) and password.
func lookupProfile(username, password string) (profile, bool) {
	p, ok := profiles[strings.ToLower(strings.TrimSpace(username))]
	if !ok || p.username == userUpload || password != TestPassword {
		return profile{}, false
	}
	return p, true
}

// mfaPrompts are the Canadian FlinksCapital questions and their answers.
var mfaPrompts = [][2]string{
	{"What city were you born in?", "Montreal"},
	{"What is the best country on earth?", "Canada"},
	{"What shape do people like most?", "Triangle"},
}

type account struct {
	id, title, typ, category  string
	transit, number, lastFour string
	current, available        int64
	limit                     *int64
	txs                       []tx // newest first
}

type tx struct {
	id            string
	date          time.Time
	desc          string
	debit, credit int64 // one is zero
	balance       int64
}

type holder struct {
	name, civic, city, province, postal, email, phone string
}

// dataset is a login's generated data.
type dataset struct {
	holder   holder
	accounts []*account
}

// generate builds a login's data. Amounts, descriptions and the holder depend only on
// (Seed, username), so a test user tells the same story on every login; ids depend on
// (Seed, loginID), so two logins never share account or transaction ids.
func (s *Server) generate(p profile, loginID string) *dataset {
	h := sha256.Sum256([]byte(strings.ToLower(p.username)))
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), binary.BigEndian.Uint64(h[:8])))
	ids := idSource{seed: s.opts.Seed, login: loginID}
	ds := &dataset{holder: newHolder(rng)}
	start := s.asOf.AddDate(0, 0, -(s.opts.HistoryDays - 1))
	for i, k := range p.kinds {
		a := &account{id: ids.next("account", i), transit: fmt.Sprintf("%05d", 10000+rng.IntN(89999))}
		a.number = fmt.Sprintf("%07d", 1000000+rng.IntN(8999999))
		var events []tx
		var opening int64
		switch k {
		case kindChequing:
			a.title, a.typ, a.category = "Chequing CAD", "Chequing", "Operations"
			opening, events = 150000+int64(rng.IntN(200000)), chequingEvents(rng, start, s.asOf)
		case kindSavings:
			a.title, a.typ, a.category = "Savings CAD", "Savings", "Operations"
			opening, events = 500000+int64(rng.IntN(500000)), savingsEvents(rng, start, s.asOf)
		case kindCredit:
			a.title, a.typ, a.category = "Visa Infinite CAD", "CreditCard", "Credits"
			a.lastFour, a.number = fmt.Sprintf("%04d", rng.IntN(10000)), ""
			limit := int64(500000)
			a.limit = &limit
			events = creditEvents(rng, start, s.asOf)
		}
		bal := opening
		for j := range events {
			e := &events[j]
			e.id = ids.next("tx", i*1_000_000+j)
			if k == kindCredit { // the balance owed: purchases raise it, payments lower it
				bal += e.debit - e.credit
			} else {
				bal += e.credit - e.debit
			}
			e.balance = bal
		}
		a.current, a.available = bal, bal
		if a.limit != nil {
			a.available = *a.limit - bal
		}
		for l, r := 0, len(events)-1; l < r; l, r = l+1, r-1 {
			events[l], events[r] = events[r], events[l]
		}
		a.txs = events
		ds.accounts = append(ds.accounts, a)
	}
	return ds
}

// idSource derives stable GUIDs from the seed and the login id.
type idSource struct {
	seed  int64
	login string
}

var idNamespace = uuid.MustParse("6f1e4a2c-5b3d-4c8e-9a7f-0d2b4c6e8f10")

func (g idSource) next(kind string, n int) string {
	return uuid.NewSHA1(idNamespace, fmt.Appendf(nil, "%d/%s/%s/%d", g.seed, g.login, kind, n)).String()
}

func cents(rng *rand.Rand, lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }

// eachDay calls f for every day from start to end inclusive.
func eachDay(start, end time.Time, f func(d time.Time)) {
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		f(d)
	}
}

var groceries = []string{"METRO #412", "IGA EXTRA", "LOBLAWS 1021", "SOBEYS #877", "COSTCO WHOLESALE #503"}
var dining = []string{"TIM HORTONS #2231", "STARBUCKS 4417", "A&W RESTAURANT", "SUBWAY 31120", "PIZZA PIZZA 88"}

func chequingEvents(rng *rand.Rand, start, end time.Time) []tx {
	pay := cents(rng, 190000, 260000)
	rent := cents(rng, 120000, 180000)
	var out []tx
	eachDay(start, end, func(d time.Time) {
		add := func(desc string, debit, credit int64) {
			out = append(out, tx{date: d, desc: desc, debit: debit, credit: credit})
		}
		if d.Weekday() == time.Friday && (d.YearDay()/7)%2 == 0 {
			add("PAYROLL DEPOSIT ACME INC", 0, pay)
		}
		switch d.Day() {
		case 1:
			add("RENT PAYMENT - PROPERTY MGMT", rent, 0)
		case 8:
			add("HYDRO QUEBEC BILL PAYMENT", cents(rng, 6000, 14000), 0)
		case 15:
			add("BELL CANADA PAYMENT", cents(rng, 5000, 9000), 0)
		case 20:
			add("TRANSFER TO SAVINGS", 30000, 0)
		}
		if rng.IntN(7) < 2 {
			add(groceries[rng.IntN(len(groceries))], cents(rng, 2500, 18000), 0)
		}
		if rng.IntN(3) == 0 {
			add(dining[rng.IntN(len(dining))], cents(rng, 250, 3500), 0)
		}
		if rng.IntN(30) == 0 {
			add("INTERAC E-TRANSFER SENT", cents(rng, 2000, 25000), 0)
		}
	})
	return out
}

func savingsEvents(rng *rand.Rand, start, end time.Time) []tx {
	var out []tx
	eachDay(start, end, func(d time.Time) {
		switch d.Day() {
		case 20:
			out = append(out, tx{date: d, desc: "TRANSFER FROM CHEQUING", credit: 30000})
		case 28:
			out = append(out, tx{date: d, desc: "INTEREST", credit: cents(rng, 150, 900)})
		}
	})
	return out
}

func creditEvents(rng *rand.Rand, start, end time.Time) []tx {
	var out []tx
	var cycle int64
	eachDay(start, end, func(d time.Time) {
		if d.Day() == 22 && cycle > 0 {
			out = append(out, tx{date: d, desc: "PAYMENT - THANK YOU", credit: cycle})
			cycle = 0
		}
		if rng.IntN(5) < 2 {
			amt := cents(rng, 800, 15000)
			cycle += amt
			out = append(out, tx{date: d, desc: dining[rng.IntN(len(dining))], debit: amt})
		}
	})
	return out
}

var (
	firstNames = []string{"Jane", "Marc", "Sophie", "Liam", "Chloé", "Noah", "Emma", "Olivier"}
	lastNames  = []string{"Tremblay", "Gagnon", "Roy", "Smith", "Martin", "Wilson", "Côté", "Brown"}
	streets    = []string{"King St W", "Rue Sainte-Catherine", "Robson St", "Jasper Ave", "Barrington St"}
	cities     = [][3]string{{"Toronto", "ON", "M5X 1A9"}, {"Montreal", "QC", "H3B 4W8"}, {"Vancouver", "BC", "V6E 1B5"},
		{"Edmonton", "AB", "T5J 0N3"}, {"Halifax", "NS", "B3J 1S9"}}
)

func newHolder(rng *rand.Rand) holder {
	first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
	c := cities[rng.IntN(len(cities))]
	return holder{
		name:  first + " " + last,
		civic: fmt.Sprintf("%d %s", 10+rng.IntN(3000), streets[rng.IntN(len(streets))]),
		city:  c[0], province: c[1], postal: c[2],
		email: strings.ToLower(asciiFold(first)+"."+asciiFold(last)) + "@example.com",
		phone: fmt.Sprintf("%03d555%04d", []int{416, 514, 604, 780, 902}[rng.IntN(5)], rng.IntN(10000)),
	}
}

func asciiFold(s string) string {
	return strings.NewReplacer("é", "e", "ô", "o", "É", "E").Replace(s)
}

// wire renders the holder.
func (h holder) wire() wireHolder {
	return wireHolder{Name: h.name, Email: h.email, PhoneNumber: h.phone,
		Address: wireAddress{CivicAddress: h.civic, City: h.city, Province: h.province, PostalCode: h.postal, Country: "CA"}}
}
