package store

import "github.com/fingraph/fingraph/models"

// Keyset orders: transactions newest first by operation date; products in
// the provider's id order, which is stable across refreshes.

func dateSort(d models.Date) string { return d.String() }

var credentialsSpec = listSpec[models.Credentials]{
	table: "credentials", parentCol: "user_id",
	parentOf: func(c *models.Credentials) string { return c.UserID },
	sortOf:   func(*models.Credentials) string { return "" },
	idOf:     func(c *models.Credentials) string { return c.ID },
}

func accountSpec(parentCol string) listSpec[models.Account] {
	return listSpec[models.Account]{
		table: "accounts", parentCol: parentCol, sortCol: "provider_id", direct: true,
		parentOf: func(a *models.Account) string { return pick(parentCol, a.CredentialsID, a.UserID) },
		sortOf:   func(a *models.Account) string { return a.ProviderID },
		idOf:     func(a *models.Account) string { return a.ID },
	}
}

func accountTxnSpec(parentCol string) listSpec[models.AccountTransaction] {
	return listSpec[models.AccountTransaction]{
		table: "account_transactions", parentCol: parentCol, sortCol: "operation_date", sortDesc: true, projected: true,
		pageIndex: pick(parentCol, "account_transactions_account_id_user_page_idx", "account_transactions_user_id_operation_date_id_idx"),
		parentOf:  func(t *models.AccountTransaction) string { return pick(parentCol, t.AccountID, t.UserID) },
		sortOf:    func(t *models.AccountTransaction) string { return dateSort(t.OperationDate) },
		idOf:      func(t *models.AccountTransaction) string { return t.ID },
	}
}

var portfolioSpec = listSpec[models.Portfolio]{
	table: "portfolios", parentCol: "credentials_id", sortCol: "provider_id",
	parentOf: func(p *models.Portfolio) string { return p.CredentialsID },
	sortOf:   func(p *models.Portfolio) string { return p.ProviderID },
	idOf:     func(p *models.Portfolio) string { return p.ID },
}

func investmentSpec(parentCol string) listSpec[models.Investment] {
	return listSpec[models.Investment]{
		table: "investments", parentCol: parentCol, sortCol: "provider_id",
		keys: []string{"portfolio_id", "credentials_id"},
		parentOf: func(i *models.Investment) string {
			if parentCol == "portfolio_id" && i.PortfolioID != nil {
				return *i.PortfolioID
			}
			return i.CredentialsID
		},
		sortOf: func(i *models.Investment) string { return i.ProviderID },
		idOf:   func(i *models.Investment) string { return i.ID },
	}
}

var investmentTxnSpec = listSpec[models.InvestmentTransaction]{
	table: "investment_transactions", parentCol: "investment_id", sortCol: "operation_date", sortDesc: true, projected: true,
	pageIndex: "investment_transactions_investment_id_user_page_idx",
	parentOf:  func(t *models.InvestmentTransaction) string { return deref(t.InvestmentID) },
	sortOf:    func(t *models.InvestmentTransaction) string { return dateSort(t.OperationDate) },
	idOf:      func(t *models.InvestmentTransaction) string { return t.ID },
}

var liabilitySpec = listSpec[models.Liability]{
	table: "liabilities", parentCol: "credentials_id", sortCol: "provider_id",
	parentOf: func(l *models.Liability) string { return l.CredentialsID },
	sortOf:   func(l *models.Liability) string { return l.ProviderID },
	idOf:     func(l *models.Liability) string { return l.ID },
}

var liabilityTxnSpec = listSpec[models.LiabilityTransaction]{
	table: "liability_transactions", parentCol: "liability_id", sortCol: "operation_date", sortDesc: true, projected: true,
	pageIndex: "liability_transactions_liability_id_user_page_idx",
	parentOf:  func(t *models.LiabilityTransaction) string { return deref(t.LiabilityID) },
	sortOf:    func(t *models.LiabilityTransaction) string { return dateSort(t.OperationDate) },
	idOf:      func(t *models.LiabilityTransaction) string { return t.ID },
}

var cardSpec = listSpec[models.Card]{
	table: "cards", parentCol: "credentials_id", sortCol: "provider_id",
	parentOf: func(c *models.Card) string { return c.CredentialsID },
	sortOf:   func(c *models.Card) string { return c.ProviderID },
	idOf:     func(c *models.Card) string { return c.ID },
}

var cardTxnSpec = listSpec[models.CardTransaction]{
	table: "card_transactions", parentCol: "card_id", sortCol: "operation_date", sortDesc: true, projected: true,
	pageIndex: "card_transactions_card_id_user_page_idx",
	parentOf:  func(t *models.CardTransaction) string { return deref(t.CardID) },
	sortOf:    func(t *models.CardTransaction) string { return dateSort(t.OperationDate) },
	idOf:      func(t *models.CardTransaction) string { return t.ID },
}

var holderSpec = listSpec[models.Holder]{
	table: "holders", parentCol: "credentials_id", sortCol: "provider_product_id",
	parentOf: func(h *models.Holder) string { return h.CredentialsID },
	sortOf:   func(h *models.Holder) string { return h.ProviderProductID },
	idOf:     func(h *models.Holder) string { return h.ID },
}

// pick returns a when the parent column is the first choice, else b: the
// user_id variants of a spec group rows by owner instead of by parent.
func pick(parentCol, a, b string) string {
	if parentCol == "user_id" {
		return b
	}
	return a
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
