package flankssim

import "time"

// DefaultHistoryDays is how far back generated transactions go by default:
// two years, as real extractions of Spanish banks usually reach.
const DefaultHistoryDays = 730

// dataset is everything the bank holds for one credentials, as the aggregation endpoints
// serve it. It is generated on first use and memoised per credentials.
type dataset struct {
	identity       identity
	holders        []holder
	mifid          []mifidRaw
	accounts       []account
	accountTxns    []accountTxn // newest first
	cards          []card
	cardTxns       []cardTxn // newest first
	portfolios     []portfolio
	investments    []investment
	investmentTxns []investmentTxn // newest first
	details        []investmentDetail
	liabilities    []liability
	liabilityTxns  []liabilityTxn // newest first
}

// genCtx carries the inputs every generator shares.
type genCtx struct {
	seed                    int64
	token, bank, externalID string
	entity                  Entity
	asOf, start             time.Time // last and first day of the history
	updatedAt               int64
	people                  people
	holders                 *holderSet
}

// rng returns the random stream of one section of this credentials' data.
func (gc *genCtx) rng(section string) *rng {
	return newRNG(gc.seed, gc.token, section)
}

// id returns a stable _id for a product or transaction of these credentials.
func (gc *genCtx) id(parts ...string) string {
	return objectID(append([]string{gc.token}, parts...)...)
}

// extID returns the external_id counterpart of id, or nil.
func (gc *genCtx) extID(parts ...string) *string {
	return externalObjectID(gc.externalID, parts...)
}

// datasetFor returns the memoised data of v's credentials, regenerating it when the
// extraction stamp changed (a refresh): same seed and token give the same data.
func (s *Server) datasetFor(v view) *dataset {
	c := v.c
	c.gen.Lock()
	defer c.gen.Unlock()
	if c.data == nil || c.dataStamp != v.stamp() {
		c.data = s.generate(v)
		c.dataStamp = v.stamp()
	}
	return c.data
}

// generate builds the dataset. Liabilities and cards come before accounts because their
// payments and settlements also appear as account transactions.
func (s *Server) generate(v view) *dataset {
	ent, _ := entityByID(v.bank)
	gc := &genCtx{
		seed: s.opts.Seed, token: v.token, bank: v.bank, externalID: v.externalID, entity: ent,
		asOf: s.asOf, start: s.asOf.AddDate(0, 0, -s.historyDays()), updatedAt: v.stamp(),
		holders: &holderSet{externalID: v.externalID},
	}
	gc.people = newPeople(gc.rng("people"))
	ds := &dataset{identity: buildIdentity(gc), mifid: buildMifid(gc, v.noMifid)}
	accts := planAccounts(gc)
	cs := buildCards(gc, accts[0])
	ls := buildLiabilities(gc, accts[0])
	ds.accounts, ds.accountTxns = buildAccounts(gc, accts, cs, ls)
	ds.cards, ds.cardTxns = cs.cards, cs.txns
	ds.liabilities, ds.liabilityTxns = ls.items, ls.txns
	inv := buildInvestments(gc, accts[0].iban)
	ds.portfolios, ds.investments, ds.investmentTxns, ds.details = inv.portfolios, inv.items, inv.txns, inv.details
	ds.holders = gc.holders.items
	return ds
}

// lastTransactionDate is the newest account transaction's date, or "".
func (ds *dataset) lastTransactionDate() string {
	if len(ds.accountTxns) == 0 {
		return ""
	}
	return ds.accountTxns[0].OperationDate
}

// historyDays is Options.HistoryDays or the default.
func (s *Server) historyDays() int {
	if s.opts.HistoryDays > 0 {
		return s.opts.HistoryDays
	}
	return DefaultHistoryDays
}
