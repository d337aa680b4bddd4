package flinksadapter

import (
	"cmp"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks"
)

// rows maps a GetAccountsDetail answer to every product it holds, and the
// state with the extraction no longer pending.
func (a *Adapter) rows(st state, d *flinks.AccountsDetail) *provider.Rows {
	st.Institution = cmp.Or(d.Institution, d.InstitutionName, st.Institution)
	st.PendingRequestID, st.PendingSince = "", nil
	if d.Login != nil && !d.Login.LastRefresh.IsZero() {
		t := d.Login.LastRefresh.UTC()
		st.LastRefresh = &t
	}
	// The status follows from the state: saved with the rows, so no reader
	// sees the data beside a status still saying pending.
	r := &provider.Rows{Products: a.Products(), State: st.doc(), Status: a.statusOf(st), Holders: []models.Holder{}}
	for i := range d.Accounts {
		acct := &d.Accounts[i]
		r.Accounts = append(r.Accounts, mapAccount(acct))
		for _, t := range acct.Transactions {
			r.Transactions = append(r.Transactions, mapTransaction(acct, t))
		}
		if h := acct.Holder; h != nil && h.Name != "" {
			title := acct.Title
			r.Holders = append(r.Holders, models.Holder{ProviderProductID: acct.ID, ProductName: opt(title),
				Name: h.Name, Relation: opt("owner")})
		}
	}
	if h, ok := d.Holder(); ok {
		r.Identity = identityOf(h)
	}
	return r
}

// isCredit reports a credit account, whose balance Flinks gives as the
// amount owed: the graph shows it negative, as money the user owes.
func isCredit(a *flinks.Account) bool {
	return a.Category == "Credits" || strings.EqualFold(a.Type, "CreditCard")
}

func mapAccount(a *flinks.Account) models.Account {
	bal, _ := a.Balance.CurrentOrAvailable()
	if isCredit(a) {
		bal = bal.Neg()
	}
	row := models.Account{ProviderID: a.ID, Alias: opt(a.Title), Description: opt(cmp.Or(a.Type, a.AccountType)),
		Balance: bal, Currency: cmp.Or(a.Currency, "CAD"), Owners: models.StringList{}}
	if a.Holder != nil && a.Holder.Name != "" {
		isOwner, n := true, int32(1)
		row.Owners, row.IsOwner, row.NumOwners = models.StringList{a.Holder.Name}, &isOwner, &n
	}
	return row
}

func mapTransaction(a *flinks.Account, t flinks.Transaction) provider.Linked[models.AccountTransaction] {
	amount, ok := t.Amount()
	if !ok {
		amount = decimal.Zero
	}
	row := models.AccountTransaction{ProviderID: t.ID, Amount: amount, BalanceAfter: t.Balance,
		Currency: cmp.Or(a.Currency, "CAD"), OperationDate: models.DateOf(t.Date.Time),
		Description: provider.ScrubPAN(t.Description), BankTransactionID: opt(t.ID)}
	return provider.Linked[models.AccountTransaction]{Row: row, ParentRef: a.ID}
}

// identityOf maps the account holder (or the KYC delivery's holder).
func identityOf(h flinks.Holder) *models.Identity {
	id := &models.Identity{FullName: opt(h.Name)}
	if addr, err := json.Marshal(h.Address); err == nil && h.Address != (flinks.Address{}) {
		id.Address = addr
	}
	contact := map[string]string{}
	if h.Email != "" {
		contact["email"] = h.Email
	}
	if h.PhoneNumber != "" {
		contact["phone"] = h.PhoneNumber
	}
	if len(contact) > 0 {
		id.ContactInfo, _ = json.Marshal(contact)
	}
	return id
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isGUID(s string) bool { return guid.MatchString(s) }
