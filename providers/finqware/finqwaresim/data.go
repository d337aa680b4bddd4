package finqwaresim

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// dataset is the bank data behind one or more consents: the same bank
// user (skill + tenant_user_id) sees the same accounts whatever the
// consent, as utx_id promises.
type dataset struct {
	key      string
	accounts []*simAccount
	added    int // transactions added by AddTransactions
}

type simAccount struct {
	id, iban, bic, currency     string
	name, nickname              string
	accountType, accountSubType string
	skill                       *skillDef
	opening                     int64 // cents before the first transaction
	txs                         []*simTx
	readAt                      time.Time
}

type simTx struct {
	id, utx        string
	cents          int64 // signed
	balance        int64 // after the transaction
	booking, stamp time.Time
	info, category string
	status         string
}

// balance returns the account balance in cents after every transaction
// booked before cut (all of them when cut is zero).
func (a *simAccount) balance(cut time.Time) int64 {
	b := a.opening
	for _, t := range a.txs {
		if !cut.IsZero() && !t.booking.Before(cut) {
			continue
		}
		b += t.cents
	}
	return b
}

// dataKey picks the dataset of a session's consent: per skill and tenant
// user for AISP skills (deterministic for a Seed), per session for a
// marketplace product.
func dataKey(sess *session) string {
	if sess.skill.Type == "marketplace" {
		return "product|" + sess.id
	}
	return sess.skill.Name + "|" + sess.tenantUserID
}

// datasetLocked returns (generating on first use) the data of c.
func (s *Server) datasetLocked(c *consent) *dataset {
	if d := s.datasets[c.dataKey]; d != nil {
		return d
	}
	var d *dataset
	if c.skill.Type == "marketplace" {
		d = s.genDeposit(c)
	} else {
		d = s.genBank(c.skill, c.dataKey)
	}
	s.datasets[c.dataKey] = d
	return d
}

type merchant struct {
	info, category string
	lo, hi         int64 // RON cents
}

var merchants = []merchant{
	{"POS KAUFLAND ROMANIA", "groceries", 2000, 45000},
	{"POS MEGA IMAGE", "groceries", 800, 16000},
	{"POS LIDL DISCOUNT", "groceries", 1500, 30000},
	{"POS OMV PETROM", "transport", 10000, 35000},
	{"UBER *TRIP", "transport", 1200, 6500},
	{"NETFLIX.COM", "entertainment", 4999, 6999},
	{"POS EMAG.RO", "shopping", 3000, 120000},
	{"POS STARBUCKS", "restaurants", 1400, 4500},
	{"POS ZARA ROMANIA", "shopping", 9000, 60000},
	{"ATM BT RETRAGERE NUMERAR", "cash", 10000, 100000},
}

// genBank generates 1-3 accounts with HistoryDays of transactions up to
// AsOf, from a stream keyed on (Seed, key) only.
func (s *Server) genBank(sk *skillDef, key string) *dataset {
	g := newRNG(s.opts.Seed, "bank", key)
	d := &dataset{key: key}
	n := g.between(1, 3)
	generated := s.now()
	for i := range n {
		a := &simAccount{id: stableID(fmt.Sprint(s.opts.Seed), key, "account", fmt.Sprint(i)), skill: sk,
			bic: sk.bic, readAt: generated}
		a.iban = romanianIBAN(sk.bankCode, g.digits(16))
		switch {
		case i == 0:
			a.currency, a.accountType, a.accountSubType, a.name = "RON", "Personal current account", "CurrentAccount", "Cont curent"
		case g.chance(0.5):
			a.currency, a.accountType, a.accountSubType, a.name = "EUR", "Personal current account", "CurrentAccount", "Cont curent EUR"
		default:
			a.currency, a.accountType, a.accountSubType, a.name = "RON", "Savings account", "Savings", "Cont economii"
		}
		scale := int64(1)
		if a.currency == "EUR" {
			scale = 5 // amounts roughly in EUR rather than RON
		}
		a.opening = g.cents(150000, 1200000) / scale
		s.genHistory(g, a, scale, generated, fmt.Sprint(i))
		d.accounts = append(d.accounts, a)
	}
	return d
}

// genHistory appends the account's transactions day by day.
func (s *Server) genHistory(g *rng, a *simAccount, scale int64, generated time.Time, acc string) {
	start := s.asOf.AddDate(0, 0, -(s.opts.HistoryDays - 1))
	bal := a.opening
	k := 0
	add := func(day time.Time, cents int64, info, category string) {
		bal += cents
		stamp := day.Add(6*time.Hour + time.Duration(g.cents(0, 36000))*time.Second +
			time.Duration(g.between(0, 999999))*time.Microsecond)
		if stamp.After(generated) && !day.After(generated) {
			stamp = generated // never inserted in the future
		}
		a.txs = append(a.txs, &simTx{
			id:  stableID(fmt.Sprint(s.opts.Seed), a.id, "tx", fmt.Sprint(k)),
			utx: utxID(fmt.Sprint(s.opts.Seed), a.id, fmt.Sprint(k)), cents: cents, balance: bal,
			booking: day, stamp: stamp, info: info, category: category, status: "booked"})
		k++
	}
	savings := a.accountSubType == "Savings"
	for day := start; !day.After(s.asOf); day = day.AddDate(0, 0, 1) {
		switch {
		case savings && day.Day() == 1:
			add(day, g.cents(10000, 80000), "TRANSFER INTERN ECONOMII", "transfers")
		case savings && day.Day() == 28:
			add(day, max(bal/400, 1), "DOBANDA CREDITATA", "interest")
		case !savings && day.Day() == 10:
			add(day, g.cents(500000, 900000)/scale, "SALARIU ACME SOFTWARE SRL", "income")
		case !savings && day.Day() == 3:
			add(day, -g.cents(15000, 45000)/scale, "ENEL ENERGIE MUNTENIA", "utilities")
		}
		if savings {
			continue
		}
		for range g.between(0, 3) {
			m := pick(g, merchants)
			cents := g.cents(m.lo, m.hi) / scale
			if bal-cents < -20000/scale {
				continue // keep overdrafts small
			}
			add(day, -cents, m.info, m.category)
		}
		if g.chance(0.05) {
			add(day, g.cents(5000, 80000)/scale, "TRANSFER DE LA POPESCU ION", "transfers")
		}
	}
}

// genDeposit makes the term deposit a marketplace session sold: one
// account holding the deposited value, opened today.
func (s *Server) genDeposit(c *consent) *dataset {
	g := newRNG(s.opts.Seed, "deposit", c.dataKey)
	now := s.now()
	value, err := decimal.NewFromString(c.form["value"])
	if err != nil {
		value = decimal.NewFromInt(100)
	}
	cents := value.Shift(2).IntPart()
	a := &simAccount{id: stableID(c.dataKey, "deposit"), iban: romanianIBAN(c.skill.bankCode, g.digits(16)),
		bic: c.skill.bic, currency: c.form["currency"], name: "Depozit la termen",
		nickname: c.form["period"] + " luni", accountType: "Term deposit", accountSubType: "Savings",
		skill: c.skill, readAt: now}
	a.txs = []*simTx{{id: stableID(a.id, "tx", "0"), utx: utxID(a.id, "0"), cents: cents, balance: cents,
		booking: truncateDay(now), stamp: now, info: "CONSTITUIRE DEPOZIT", category: "savings", status: "booked"}}
	return &dataset{key: c.dataKey, accounts: []*simAccount{a}}
}

// AddTransactions books n new card payments today (by Now) on the first
// account behind credentialsID, inserted at Now, so a client syncing with
// timestamp_gte sees exactly them. It returns their utx_ids.
func (s *Server) AddTransactions(credentialsID string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.consents[credentialsID]
	if c == nil {
		return nil, ErrUnknownCredentials
	}
	d := s.datasetLocked(c)
	a := d.accounts[0]
	now := s.now()
	var out []string
	for range n {
		g := newRNG(s.opts.Seed, "added", d.key, fmt.Sprint(d.added))
		m := pick(g, merchants)
		cents := g.cents(m.lo, m.hi)
		key := fmt.Sprintf("added-%d", d.added)
		t := &simTx{id: stableID(a.id, key), utx: utxID(fmt.Sprint(s.opts.Seed), a.id, key), cents: -cents,
			balance: a.balance(time.Time{}) - cents, booking: truncateDay(now),
			stamp: now.Add(time.Duration(d.added) * time.Microsecond), info: m.info, category: m.category,
			status: "booked"}
		a.txs = append(a.txs, t)
		d.added++
		out = append(out, t.utx)
	}
	sort.SliceStable(a.txs, func(i, j int) bool { return a.txs[i].booking.Before(a.txs[j].booking) })
	return out, nil
}
