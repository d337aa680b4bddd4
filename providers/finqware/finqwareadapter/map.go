package finqwareadapter

import (
	"cmp"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware"
)

// balancePreference orders the ISO 20022 balance types an account's
// balance is taken from: the booked closing balance when the bank gives
// one, else the most settled of the others.
var balancePreference = []string{"ClosingBooked", "InterimBooked", "Expected", "InterimAvailable", "ClosingAvailable"}

func mapAccounts(accts []finqware.Account) []models.Account {
	out := make([]models.Account, 0, len(accts))
	for i := range accts {
		a := &accts[i]
		row := models.Account{
			ProviderID: a.ID, IBAN: opt(a.IBAN()), Alias: opt(cmp.Or(a.Data.Nickname, a.Data.Name)),
			Description: opt(a.Data.AccountType), Currency: a.Data.Currency, Balance: balanceOf(a),
			Owners: models.StringList{}, SeenAt: a.Timestamp.Ptr(),
		}
		if row.Currency == "" && len(a.Data.Balances) > 0 {
			row.Currency = a.Data.Balances[0].BalanceCurrency
		}
		out = append(out, row)
	}
	return out
}

// balanceOf picks the account's balance by balancePreference, signed.
func balanceOf(a *finqware.Account) decimal.Decimal {
	for _, typ := range balancePreference {
		for _, b := range a.Data.Balances {
			if b.BalanceType == typ {
				return b.SignedAmount()
			}
		}
	}
	if len(a.Data.Balances) > 0 {
		return a.Data.Balances[0].SignedAmount()
	}
	return decimal.Zero
}

// mapTransactions links each transaction to its account by Finqware's
// account id; utx_id, stable across consents, is the row's provider id.
func mapTransactions(txns []finqware.Transaction) []provider.Linked[models.AccountTransaction] {
	out := make([]provider.Linked[models.AccountTransaction], 0, len(txns))
	for i := range txns {
		t := &txns[i]
		row := models.AccountTransaction{
			ProviderID: cmp.Or(t.UTXID, t.ID), Amount: t.SignedAmount(), Currency: t.Data.Currency,
			Description: provider.ScrubPAN(t.Data.Info), Category: opt(t.Data.Category),
			BankTransactionID: opt(t.ID),
		}
		row.BalanceAfter = t.Data.Balance
		if bt := t.Data.BookingDateTime.Ptr(); bt != nil {
			row.OperationDate = models.DateOf(*bt)
			d := row.OperationDate
			row.ValueDate = &d
		}
		out = append(out, provider.Linked[models.AccountTransaction]{Row: row, ParentRef: t.AccountID})
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
