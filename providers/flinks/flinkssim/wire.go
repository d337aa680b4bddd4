package flinkssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The simulator's JSON is written from these structs, on purpose independent of the
// client's types: field names, order and casing follow the documented samples
// (providers.md §1.4-§1.10), so a client that drifts from them fails here.

// money is an amount in cents, written as a JSON number with two decimals ("2150.00").
type money int64

// MarshalJSON implements json.Marshaler.
func (m money) MarshalJSON() ([]byte, error) {
	sign, v := "", int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Appendf(nil, "%s%d.%02d", sign, v/100, v%100), nil
}

func moneyPtr(v int64) *money { m := money(v); return &m }

// netTime is a .NET datetime without a zone and with 7 fractional digits.
type netTime time.Time

// MarshalJSON implements json.Marshaler.
func (t netTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format("2006-01-02T15:04:05.0000000"))
}

type wireLink struct {
	Rel     string  `json:"rel"`
	Href    string  `json:"href"`
	Example *string `json:"example"`
}

type wireLogin struct {
	Username           string  `json:"Username"`
	IsScheduledRefresh bool    `json:"IsScheduledRefresh"`
	LastRefresh        netTime `json:"LastRefresh"`
	Type               string  `json:"Type"`
	ID                 string  `json:"Id"`
}

type wireTx struct {
	Date        string  `json:"Date"`
	Code        *string `json:"Code"`
	Description string  `json:"Description"`
	Debit       *money  `json:"Debit"`
	Credit      *money  `json:"Credit"`
	Balance     money   `json:"Balance"`
	ID          string  `json:"Id"`
}

type wireBalance struct {
	Available *money `json:"Available"`
	Current   *money `json:"Current"`
	Limit     *money `json:"Limit"`
}

type wireAddress struct {
	CivicAddress string  `json:"CivicAddress"`
	City         string  `json:"City"`
	Province     string  `json:"Province"`
	PostalCode   string  `json:"PostalCode"`
	POBox        *string `json:"POBox"`
	Country      string  `json:"Country"`
}

type wireHolder struct {
	Name        string      `json:"Name"`
	Address     wireAddress `json:"Address"`
	Email       string      `json:"Email"`
	PhoneNumber string      `json:"PhoneNumber"`
}

type wireAccount struct {
	Transactions           *[]wireTx    `json:"Transactions,omitempty"` // absent unless asked for
	TransitNumber          *string      `json:"TransitNumber"`
	InstitutionNumber      *string      `json:"InstitutionNumber"`
	OverdraftLimit         money        `json:"OverdraftLimit"`
	Title                  string       `json:"Title"`
	AccountNumber          *string      `json:"AccountNumber"`
	LastFourDigits         *string      `json:"LastFourDigits"`
	Balance                *wireBalance `json:"Balance,omitempty"`
	Category               string       `json:"Category"`
	Type                   string       `json:"Type"`
	Currency               string       `json:"Currency"`
	Holder                 *wireHolder  `json:"Holder,omitempty"`
	AccountType            *string      `json:"AccountType"`
	EftEligibleRatio       *float64     `json:"EftEligibleRatio,omitempty"`
	ETransferEligibleRatio *float64     `json:"ETransferEligibleRatio,omitempty"`
	ID                     string       `json:"Id"`
}

// wireDetail is the GetAccountsDetail 200 body, and with ResponseType the webhook payload.
type wireDetail struct {
	ResponseType    string        `json:"ResponseType,omitempty"`
	HTTPStatusCode  int           `json:"HttpStatusCode"`
	Accounts        []wireAccount `json:"Accounts"`
	InstitutionName string        `json:"InstitutionName"`
	Login           wireLogin     `json:"Login"`
	InstitutionID   int           `json:"InstitutionId"`
	Institution     string        `json:"Institution"`
	RequestID       string        `json:"RequestId"`
}

// wireKYC is the KYC webhook payload (https://docs.flinks.com/reference/kyc).
type wireKYC struct {
	ResponseType   string       `json:"ResponseType"`
	HTTPStatusCode int          `json:"HttpStatusCode"`
	Holders        []wireHolder `json:"Holders"`
	Login          wireLogin    `json:"Login"`
	Institution    string       `json:"Institution"`
	RequestID      string       `json:"RequestId"`
}

// wirePending is a 202 body (OPERATION_PENDING, or OPERATION_DISPATCHED with partial
// accounts).
type wirePending struct {
	FlinksCode     string        `json:"FlinksCode"`
	Links          []wireLink    `json:"Links"`
	HTTPStatusCode int           `json:"HttpStatusCode"`
	Message        string        `json:"Message"`
	RequestID      string        `json:"RequestId"`
	Accounts       []wireAccount `json:"Accounts,omitempty"`
}

type wireAuthorize struct {
	HTTPStatusCode     int             `json:"HttpStatusCode"`
	Links              []wireLink      `json:"Links"`
	Login              *wireLogin      `json:"Login,omitempty"`
	SecurityChallenges []wireChallenge `json:"SecurityChallenges,omitempty"`
	Institution        string          `json:"Institution"`
	RequestID          string          `json:"RequestId"`
}

type wireChallenge struct {
	Type   string `json:"Type"`
	Prompt string `json:"Prompt"`
}

// wireError is the Flinks error envelope.
type wireError struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	Message        string `json:"Message,omitempty"`
	FlinksCode     string `json:"FlinksCode,omitempty"`
	RequestID      string `json:"RequestId,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"HttpStatusCode":500}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeFlinks writes the error envelope.
func writeFlinks(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, wireError{HTTPStatusCode: status, Message: msg, FlinksCode: code})
}

func strPtr(s string) *string { return &s }
