package flankssim

import (
	"net/http"
)

// ownerRel is an owner "with relation", as /all lists them.
type ownerRel struct {
	Name string `json:"name"`
	Rel  string `json:"rel"`
}

// The /all product shapes: the single-product object plus owners with their relation
// and, where the product has them, its transactions. The outer Owners field shadows the
// embedded one (encoding/json picks the shallower field).
type (
	allAccount struct {
		account
		Owners       []ownerRel   `json:"owners"`
		Transactions []accountTxn `json:"transactions"`
	}
	allCard struct {
		card
		Owners       []ownerRel `json:"owners"`
		Transactions []cardTxn  `json:"transactions"`
	}
	allPortfolio struct {
		portfolio
		Owners []ownerRel `json:"owners"`
	}
	allLiability struct {
		liability
		Owners       []ownerRel     `json:"owners"`
		Transactions []liabilityTxn `json:"transactions"`
	}
	allInvestment struct {
		investment
		Transactions []investmentTxn `json:"transactions"`
	}
)

// allResponse is POST /v0/bank/credentials/all, keys as in the seed (including its
// "fidexIncome" spelling).
type allResponse struct {
	Cards                       []allCard       `json:"cards"`
	Accounts                    []allAccount    `json:"accounts"`
	Portfolios                  []allPortfolio  `json:"portfolios"`
	FidexIncome                 []allInvestment `json:"fidexIncome"`
	Funds                       []allInvestment `json:"funds"`
	Liabilities                 []allLiability  `json:"liabilities"`
	PensionPlans                []allInvestment `json:"pensionPlans"`
	Stocks                      []allInvestment `json:"stocks"`
	Etfs                        []allInvestment `json:"etfs"`
	Deposits                    []allInvestment `json:"deposits"`
	Others                      []allInvestment `json:"others"`
	Identity                    *identity       `json:"identity"`
	Liquidity                   []allInvestment `json:"liquidity"`
	CryptoCurrencies            []allInvestment `json:"cryptoCurrencies"`
	ContractForDifferences      []allInvestment `json:"contractForDifferences"`
	Derivatives                 []allInvestment `json:"derivatives"`
	BankProducts                []allInvestment `json:"bankProducts"`
	AlternativeEmergingProducts []allInvestment `json:"alternativeEmergingProducts"`
	UpdatedAt                   *int64          `json:"updated_at_timestamp"`
}

// handleAll returns whatever is extracted "without considering the credentials status"
// (seed): products still extracting or errored are empty lists, so a client must read
// /status to tell "no accounts" from "not yet" or "failed". Blocked credentials have no
// data at all; that is not an error here either.
func (s *Server) handleAll(w http.ResponseWriter, _ *http.Request, b requestBody) {
	_, v, ok := s.parseAggRequest(w, b)
	if !ok {
		return
	}
	resp := emptyAll()
	if v.usable(stepAuth) || v.usable(stepAccount) || v.usable(stepCard) || v.usable(stepPortfolio) ||
		v.usable(stepInvestment) || v.usable(stepLiability) {
		fillAll(&resp, v, s.datasetFor(v))
	}
	writeJSON(w, http.StatusOK, resp)
}

func emptyAll() allResponse {
	e := func() []allInvestment { return []allInvestment{} }
	return allResponse{
		Cards: []allCard{}, Accounts: []allAccount{}, Portfolios: []allPortfolio{}, Liabilities: []allLiability{},
		FidexIncome: e(), Funds: e(), PensionPlans: e(), Stocks: e(), Etfs: e(), Deposits: e(), Others: e(),
		Liquidity: e(), CryptoCurrencies: e(), ContractForDifferences: e(), Derivatives: e(),
		BankProducts: e(), AlternativeEmergingProducts: e(),
	}
}

// fillAll copies the usable products of ds into resp.
func fillAll(resp *allResponse, v view, ds *dataset) {
	owners := ownersByProduct(v, ds)
	stamp := v.stamp()
	resp.UpdatedAt = &stamp
	if v.usable(stepAuth) {
		id := ds.identity
		resp.Identity = &id
	}
	if v.usable(stepAccount) {
		for _, a := range ds.accounts {
			txns := txnsOf(v.usable(stepTxnAccount), ds.accountTxns, func(t accountTxn) bool { return t.AccountID == a.IBAN })
			resp.Accounts = append(resp.Accounts, allAccount{account: a, Owners: owners(a.ID), Transactions: txns})
		}
	}
	if v.usable(stepCard) {
		for _, c := range ds.cards {
			txns := txnsOf(v.usable(stepTxnCard), ds.cardTxns, func(t cardTxn) bool { return t.CardID == c.ID })
			resp.Cards = append(resp.Cards, allCard{card: c, Owners: owners(c.ID), Transactions: txns})
		}
	}
	if v.usable(stepPortfolio) {
		for _, p := range ds.portfolios {
			resp.Portfolios = append(resp.Portfolios, allPortfolio{portfolio: p, Owners: owners(p.ID)})
		}
	}
	if v.usable(stepLiability) {
		for _, l := range ds.liabilities {
			txns := txnsOf(v.usable(stepTxnLiability), ds.liabilityTxns, func(t liabilityTxn) bool { return t.LiabilityID == l.ID })
			resp.Liabilities = append(resp.Liabilities, allLiability{liability: l, Owners: owners(l.ID), Transactions: txns})
		}
	}
	if v.usable(stepInvestment) {
		fillInvestments(resp, v, ds)
	}
}

// fillInvestments sorts positions into the per-type keys. Deposits stay empty: "the
// deposit will be included under the key bankProducts".
func fillInvestments(resp *allResponse, v view, ds *dataset) {
	byType := map[string]*[]allInvestment{
		"FI": &resp.FidexIncome, "F": &resp.Funds, "PP": &resp.PensionPlans, "VI": &resp.Stocks,
		"ETF": &resp.Etfs, "O": &resp.Others, "L": &resp.Liquidity, "C": &resp.CryptoCurrencies,
		"CFD": &resp.ContractForDifferences, "DV": &resp.Derivatives, "BP": &resp.BankProducts,
		"AEP": &resp.AlternativeEmergingProducts,
	}
	for _, inv := range ds.investments {
		dst, ok := byType[inv.Type]
		if !ok {
			continue
		}
		txns := txnsOf(v.usable(stepTxnInvestment), ds.investmentTxns, func(t investmentTxn) bool { return t.InvestmentID == inv.ID })
		*dst = append(*dst, allInvestment{investment: inv, Transactions: txns})
	}
}

// txnsOf returns the transactions matching keep, or none when they are not extracted.
func txnsOf[T any](usable bool, all []T, keep func(T) bool) []T {
	out := []T{}
	if !usable {
		return out
	}
	for _, t := range all {
		if keep(t) {
			out = append(out, t)
		}
	}
	return out
}

// ownersByProduct indexes the holders by product id; without holder data, no owners.
func ownersByProduct(v view, ds *dataset) func(string) []ownerRel {
	idx := map[string][]ownerRel{}
	if v.usable(stepHolders) {
		for _, h := range ds.holders {
			idx[h.ProductID] = append(idx[h.ProductID], ownerRel{Name: h.Name, Rel: h.Rel})
		}
	}
	return func(id string) []ownerRel {
		if o, ok := idx[id]; ok {
			return o
		}
		return []ownerRel{}
	}
}
