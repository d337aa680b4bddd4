package flanksadapter

import (
	"cmp"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// Mapping of Flanks wire types to models (the anti-corruption layer).
// Money stays decimal end to end: the client decodes JSON numbers from
// their text, never through float64. Nullable text arrives as "" and is
// stored as NULL. Card numbers keep their last four digits only (mask.go).

func mapStatus(st *flanks.CredentialsStatus) *provider.Status {
	return &provider.Status{
		EntityID:            st.Name,
		Pending:             st.Pending,
		Blocked:             st.Blocked,
		Actions:             actions(st),
		Products:            productFlags(st.Created, st.Errored),
		LastUpdateAt:        lastUpdate(st),
		LastTransactionDate: optDate(st.LastTransactionDate),
		ProviderCreatedAt:   optTime(st.CreatedAt),
	}
}

// actions are the flows the status asks for: a pending sca_token or
// reset_token means Flanks waits for the user.
func actions(st *flanks.CredentialsStatus) []provider.Action {
	var out []provider.Action
	if st.SCAToken != nil && *st.SCAToken != "" {
		out = append(out, provider.ActionSCA)
	}
	if st.ResetToken != nil && *st.ResetToken != "" {
		out = append(out, provider.ActionReset)
	}
	return out
}

// productFlags maps Flanks' extraction steps to our products. MiFID
// comes with the identity ("auth") extraction.
func productFlags(c, e flanks.ExtractionFlags) map[models.Product]models.ProductFlags {
	f := func(created, errored bool) models.ProductFlags {
		return models.ProductFlags{Created: created, Errored: errored}
	}
	return map[models.Product]models.ProductFlags{
		models.ProductAccounts:     f(c.Product.Account, e.Product.Account),
		models.ProductTransactions: f(c.Transactions.Account, e.Transactions.Account),
		models.ProductPortfolios:   f(c.Product.Portfolio, e.Product.Portfolio),
		models.ProductInvestments:  f(c.Product.Investment, e.Product.Investment),
		models.ProductInvTxns:      f(c.Transactions.Investment, e.Transactions.Investment),
		models.ProductLiabilities:  f(c.Product.Liability, e.Product.Liability),
		models.ProductLiabTxns:     f(c.Transactions.Liability, e.Transactions.Liability),
		models.ProductCards:        f(c.Product.Card, e.Product.Card),
		models.ProductCardTxns:     f(c.Transactions.Card, e.Transactions.Card),
		models.ProductIdentity:     f(c.Product.Auth, e.Product.Auth),
		models.ProductHolders:      f(c.Product.Holders, e.Product.Holders),
		models.ProductMifid:        f(c.Product.Auth, e.Product.Auth),
	}
}

// lastUpdate prefers last_update_timestamp and falls back to the
// last_update day plus its "HH:MM" UTC time.
func lastUpdate(st *flanks.CredentialsStatus) *time.Time {
	if t := optTime(st.LastUpdateAt); t != nil {
		return t
	}
	if !st.LastUpdate.Valid() {
		return nil
	}
	t := st.LastUpdate.UTC()
	if hm, err := time.Parse("15:04", st.Time); err == nil {
		t = t.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute)
	}
	return &t
}

func mapAccount(a *flanks.Account) models.Account {
	n := int32(a.NumOwners)
	return models.Account{
		ProviderID: a.ID, IBAN: optString(a.IBAN), Alias: optString(a.Alias),
		Description: optString(a.Description), Balance: a.Balance, Currency: a.Currency,
		IsOwner: a.IsOwner, NumOwners: &n, Owners: ownerNames(a.Owners), ExternalID: optString(a.ExternalID),
		SeenAt: optTime(a.UpdatedAt),
	}
}

// mapAccountTxn links the movement to its account through Flanks'
// account_id, usually the IBAN (the store matches IBAN, then _id).
func mapAccountTxn(t *flanks.AccountTransaction) provider.Linked[models.AccountTransaction] {
	row := models.AccountTransaction{
		ProviderID: t.ID, Amount: t.Amount, BalanceAfter: t.Balance, Currency: t.Currency,
		OperationDate: opDate(t.OperationDate, t.ValueDate), ValueDate: optDate(t.ValueDate),
		Description: provider.ScrubPAN(t.Description), Category: optString(t.Category),
		CardNumber:         optString(provider.Last4(t.CardNumber)),
		ProductDescription: optString(provider.ScrubPAN(t.ProductDescription)),
		BankTransactionID:  optString(t.TransactionID), OrderID: optString(t.OrderID),
		PairTransactionID: optString(t.PairTransactionID), ExternalID: optString(t.ExternalID),
	}
	if tr := t.Transfer; tr != nil {
		row.Beneficiary, row.BeneficiaryIBAN = optString(tr.Beneficiary), optString(tr.IBANBeneficiary)
		row.Payer, row.PayerIBAN = optString(tr.Payer), optString(tr.IBANPayer)
	}
	return provider.Linked[models.AccountTransaction]{Row: row, ParentRef: t.AccountID}
}

func mapCard(c *flanks.Card) models.Card {
	return models.Card{
		ProviderID: c.ID, Product: optString(c.Product), ContractNumber: optString(c.ContractNumber),
		PANLast4: provider.Last4(c.PAN), CardType: optString(c.CardType), AvailableBalance: c.AvailableBalance,
		EmissionDate: optDate(c.EmissionDate), ExpirationDate: optDate(c.ExpirationDate),
		ExternalID: optString(c.ExternalID), SeenAt: optTime(c.UpdatedAt),
	}
}

func mapCardTxn(t *flanks.CardTransaction) provider.Linked[models.CardTransaction] {
	return provider.Linked[models.CardTransaction]{ParentRef: t.CardID, Row: models.CardTransaction{
		ProviderID: t.ID, Amount: t.Amount, Commission: t.Commission, Currency: t.Currency,
		Shop: optString(provider.ScrubPAN(t.Shop)), Category: optString(t.Category),
		OperationDate: opDate(t.OperationDate, t.ValueDate), ValueDate: optDate(t.ValueDate),
		ExternalID: optString(t.ExternalID),
	}}
}

func mapLiability(l *flanks.Liability) models.Liability {
	row := models.Liability{
		ProviderID: l.ID, Name: l.Name, Type: optString(l.Type), ContractNumber: optString(l.ContractNumber),
		Balance: l.Balance, AvailableBalance: l.AvailableBalance, Currency: l.Currency,
		InitialCapital: l.InitialCapital, InitialCapitalCurrency: optString(l.InitialCapitalCurrency),
		Limit: l.Limit, OpeningDate: optDate(l.OpeningDate),
		ExpirationDate: optDate(l.ExpirationDate), Periodicity: optString(l.Periodicity),
		ExternalID: optString(l.ExternalID), SeenAt: optTime(l.UpdatedAt),
	}
	if in := l.Interest; in != nil {
		row.Interest = jsonDoc(map[string]any{"benchmark": optString(in.Benchmark),
			"rate": num(in.Rate), "spread": num(in.Spread), "type": optString(in.Type)})
	}
	return row
}

func mapLiabilityTxn(t *flanks.LiabilityTransaction) provider.Linked[models.LiabilityTransaction] {
	return provider.Linked[models.LiabilityTransaction]{ParentRef: t.LiabilityID, Row: models.LiabilityTransaction{
		ProviderID: t.ID, Amount: t.Amount, BalanceAfter: t.Balance,
		Currency: cmp.Or(t.CurrencyAmount, t.CurrencyBalance), Description: provider.ScrubPAN(t.Description),
		OperationDate: opDate(t.OperationDate, t.ValueDate), ValueDate: optDate(t.ValueDate),
		Interest: t.Interest, Commission: t.Commission, BalanceCurrency: optString(t.CurrencyBalance),
		CreditAccount: optString(t.CreditAccount), ExternalID: optString(t.ExternalID),
	}}
}

// optString maps "" (Flanks' null) to nil.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optDate(d flanks.Date) *models.Date {
	if !d.Valid() {
		return nil
	}
	v := models.DateOf(d.Time)
	return &v
}

// opDate is the NOT NULL operation date, falling back to the value date.
func opDate(op, value flanks.Date) models.Date {
	return models.DateOf(cmp.Or(op, value).Time)
}

func optTime(t flanks.Timestamp) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.UTC()
	return &v
}

func ownerNames(os []flanks.Owner) models.StringList {
	if len(os) == 0 {
		return nil
	}
	out := make(models.StringList, 0, len(os))
	for _, o := range os {
		out = append(out, o.Name)
	}
	return out
}

// num renders a nullable decimal as an exact JSON number with the scale
// it was served with (2.50 stays 2.50), or null.
func num(d decimal.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return json.Number(models.DecimalText(d.Decimal))
}

// orZero is the value of a nullable amount stored in a NOT NULL column.
func orZero(d decimal.NullDecimal) decimal.Decimal {
	if !d.Valid {
		return decimal.Zero
	}
	return d.Decimal
}

// jsonDoc encodes v for a JSON column. v is built here from text and exact
// numbers, so encoding cannot fail in practice; if it did, the document is
// dropped rather than the whole product.
func jsonDoc(v any) models.JSON {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return models.JSON(b)
}
