package flinks

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Flinks serves PascalCase JSON from .NET: datetimes without a zone and with
// up to 7 fractional digits, nullable strings and numbers, and (in one
// fixture) a Holder given as a plain string. The types below decode all of
// these; unknown fields are ignored
// (https://help.flinks.com/support/solutions/articles/43000705311).

var (
	errBadDate     = errors.New("flinks: invalid date")
	errBadDateTime = errors.New("flinks: invalid datetime")
)

// netLayout is the .NET round-trip form without a zone, e.g.
// "2019-05-09T13:47:46.5227901".
const netLayout = "2006-01-02T15:04:05.9999999"

// dateTimeLayouts are tried in order. Parsing accepts any number of
// fractional digits after the seconds, even when the layout has none.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime, time.DateOnly}

// DateTime is a Flinks timestamp such as Login.LastRefresh
// ("2024-03-18T14:02:11.4411021"). A value without a zone is taken as UTC;
// null and "" decode as the zero DateTime.
type DateTime struct {
	time.Time
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	s, ok, err := jsonText(b)
	if err != nil || !ok {
		*d = DateTime{}
		return err
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			*d = DateTime{t}
			return nil
		}
	}
	return errBadDateTime
}

// MarshalJSON writes the .NET form (UTC, no zone), or null.
func (d DateTime) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.UTC().Format(netLayout))
}

// Date is a calendar date such as Transaction.Date ("2024-03-15"); a
// datetime form keeps only its date, and null or "" decode as the zero Date.
type Date struct {
	time.Time
}

// NewDate returns the Date for year, month and day in UTC.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// String formats the date as YYYY-MM-DD, or "" when absent.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, ok, err := jsonText(b)
	if err != nil || !ok {
		*d = Date{}
		return err
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", time.RFC3339Nano, "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, dd := t.Date()
			*d = NewDate(y, m, dd)
			return nil
		}
	}
	return errBadDate
}

// MarshalJSON writes YYYY-MM-DD or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// FlexString is a string field Flinks may serve as a string, a number or
// null (account and institution numbers); numbers keep their literal text.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	s, _, err := jsonText(b)
	*f = FlexString(s)
	return err
}

// flexInt decodes an integer sent as a number, a numeric string or null.
type flexInt int

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s, ok, err := jsonText(b)
	if err != nil || !ok {
		*f = 0
		return err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("flinks: invalid integer")
	}
	*f = flexInt(n)
	return nil
}

// jsonText returns a JSON scalar's text: a string's value or a number's
// literal; ok is false for null and "".
func jsonText(b []byte) (string, bool, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, bytes.Equal(b, []byte("null")):
		return "", false, nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, err
		}
		s = strings.TrimSpace(s)
		return s, s != "", nil
	case b[0] == '{', b[0] == '[':
		return "", false, errors.New("flinks: expected a scalar")
	default:
		return string(b), true, nil
	}
}

// Link is an item of a Flinks answer's Links list.
type Link struct {
	Rel     string          `json:"rel"`
	Href    string          `json:"href"`
	Example json.RawMessage `json:"example,omitempty"`
}

// Login describes a Flinks login (a connection to one bank user).
type Login struct {
	ID                 string   `json:"Id"`
	Username           string   `json:"Username"`
	IsScheduledRefresh bool     `json:"IsScheduledRefresh"`
	LastRefresh        DateTime `json:"LastRefresh"`
	Type               string   `json:"Type"`
}

// Balance is an account's balances; each may be null.
type Balance struct {
	Available decimal.NullDecimal `json:"Available"`
	Current   decimal.NullDecimal `json:"Current"`
	Limit     decimal.NullDecimal `json:"Limit"`
}

// CurrentOrAvailable returns Current when present, else Available.
func (b *Balance) CurrentOrAvailable() (decimal.Decimal, bool) {
	switch {
	case b == nil:
		return decimal.Decimal{}, false
	case b.Current.Valid:
		return b.Current.Decimal, true
	case b.Available.Valid:
		return b.Available.Decimal, true
	}
	return decimal.Decimal{}, false
}

// Address is a holder's postal address.
type Address struct {
	CivicAddress string `json:"CivicAddress"`
	City         string `json:"City"`
	Province     string `json:"Province"`
	PostalCode   string `json:"PostalCode"`
	POBox        string `json:"POBox"`
	Country      string `json:"Country"`
}

// IsZero reports whether no field is set.
func (a Address) IsZero() bool { return a == Address{} }

// String joins the non-empty parts on one line.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{a.CivicAddress, a.POBox, a.City, a.Province, a.PostalCode, a.Country} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Holder is an account holder's identity. Flinks serves it as an object;
// a summary fixture has a plain string, decoded as Name.
type Holder struct {
	Name        string  `json:"Name"`
	Address     Address `json:"Address"`
	Email       string  `json:"Email"`
	PhoneNumber string  `json:"PhoneNumber"`
}

// IsZero reports whether no field is set.
func (h Holder) IsZero() bool { return h == Holder{} }

// UnmarshalJSON accepts an object, a string (the name) or null.
func (h *Holder) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return err
		}
		*h = Holder{Name: name}
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*h = Holder{}
		return nil
	}
	type plain Holder
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*h = Holder(p)
	return nil
}

// Transaction is one account transaction. Exactly one of Debit (money out)
// and Credit (money in) is normally set; Balance is the running balance
// after it.
type Transaction struct {
	ID          string              `json:"Id"`
	Date        Date                `json:"Date"`
	Code        FlexString          `json:"Code"`
	Description string              `json:"Description"`
	Debit       decimal.NullDecimal `json:"Debit"`
	Credit      decimal.NullDecimal `json:"Credit"`
	Balance     decimal.NullDecimal `json:"Balance"`
}

// Amount returns the signed amount from the holder's point of view:
// Credit positive, Debit negative (Credit - Debit when both are set). The
// scale Flinks served is kept ("120.50" stays -120.50; see AmountString).
// ok is false when neither is set.
func (t Transaction) Amount() (amount decimal.Decimal, ok bool) {
	switch {
	case t.Credit.Valid && t.Debit.Valid:
		return t.Credit.Decimal.Sub(t.Debit.Decimal), true
	case t.Credit.Valid:
		return t.Credit.Decimal, true
	case t.Debit.Valid:
		return t.Debit.Decimal.Neg(), true
	}
	return decimal.Decimal{}, false
}

// AmountString formats d with the scale it was served with ("2150.00"),
// where decimal.Decimal.String would drop trailing zeros ("2150").
func AmountString(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// Account is one bank account of a login
// (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail).
type Account struct {
	ID                string              `json:"Id"`
	Title             string              `json:"Title"`
	AccountNumber     FlexString          `json:"AccountNumber"`
	LastFourDigits    FlexString          `json:"LastFourDigits"`
	TransitNumber     FlexString          `json:"TransitNumber"`
	InstitutionNumber FlexString          `json:"InstitutionNumber"`
	OverdraftLimit    decimal.NullDecimal `json:"OverdraftLimit"`
	Balance           *Balance            `json:"Balance"`
	// Category is Operations, Credits, Products or Other.
	Category string `json:"Category"`
	// Type is e.g. Chequing, Savings, CreditCard.
	Type         string        `json:"Type"`
	Currency     string        `json:"Currency"`
	AccountType  string        `json:"AccountType"`
	Holder       *Holder       `json:"Holder"`
	Transactions []Transaction `json:"Transactions"`
	// EftEligibleRatio and ETransferEligibleRatio come with
	// GetAccountsSummary only.
	EftEligibleRatio       decimal.NullDecimal `json:"EftEligibleRatio"`
	ETransferEligibleRatio decimal.NullDecimal `json:"ETransferEligibleRatio"`
}

// AccountsDetail is the 200 answer of GetAccountsDetail and
// GetAccountsDetailAsync, and the GetAccountsDetail webhook payload.
type AccountsDetail struct {
	HTTPStatusCode  int        `json:"HttpStatusCode"`
	Accounts        []Account  `json:"Accounts"`
	InstitutionName string     `json:"InstitutionName"`
	Login           *Login     `json:"Login"`
	InstitutionID   FlexString `json:"InstitutionId"`
	Institution     string     `json:"Institution"`
	RequestID       string     `json:"RequestId"`
}

// Holder returns the first account holder that is set.
func (d *AccountsDetail) Holder() (Holder, bool) {
	return firstHolder(d.Accounts)
}

// LoginID returns Login.Id, or "".
func (d *AccountsDetail) LoginID() string {
	if d == nil || d.Login == nil {
		return ""
	}
	return d.Login.ID
}

func firstHolder(accounts []Account) (Holder, bool) {
	for _, a := range accounts {
		if a.Holder != nil && !a.Holder.IsZero() {
			return *a.Holder, true
		}
	}
	return Holder{}, false
}
