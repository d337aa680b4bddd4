package finqwaresim

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

var (
	accountFilterKeys = []string{"account_id", "currency"}
	balanceFilterKeys = []string{"account_id", "type", "currency"}
	// transactionFilterKeys are the keys of providers.md §3.4.
	transactionFilterKeys = []string{"account_id", "currency", "status", "credit_debit_indicator", "category",
		"eq", "gte", "gt", "lte", "lt",
		"booking_date_eq", "booking_date_gte", "booking_date_gt", "booking_date_lte", "booking_date_lt",
		"timestamp_eq", "timestamp_gte", "timestamp_gt", "timestamp_lte", "timestamp_lt"}
)

// filter is a parsed filter: string equalities, amount and time
// comparisons, all combined with AND.
type filter struct {
	str     map[string]string
	amounts map[string]decimal.Decimal // op -> value
	times   map[string]time.Time       // key -> value
}

// parseFilter reads f["filter"], rejecting keys outside allowed and
// values of the wrong type with 400 invalid_field.
func parseFilter(f fields, allowed []string) (*filter, *apiError) {
	out := &filter{str: map[string]string{}, amounts: map[string]decimal.Decimal{}, times: map[string]time.Time{}}
	raw, ok := f["filter"]
	if !ok || string(raw) == "null" {
		return out, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		e := badRequest("invalid_field", "filter must be an object")
		return nil, &e
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			e := badRequest("invalid_field", "unknown filter key "+k)
			return nil, &e
		}
		if msg := out.add(k, m[k]); msg != "" {
			e := badRequest("invalid_field", "filter "+k+": "+msg)
			return nil, &e
		}
	}
	return out, nil
}

// add parses one filter value.
func (f *filter) add(k string, raw json.RawMessage) string {
	var s string
	isStr := json.Unmarshal(raw, &s) == nil
	switch {
	case k == "eq" || k == "gte" || k == "gt" || k == "lte" || k == "lt":
		if !isStr {
			var n json.Number
			if json.Unmarshal(raw, &n) != nil {
				return "must be a decimal"
			}
			s = n.String()
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			return "must be a decimal"
		}
		f.amounts[k] = d
	case strings.HasPrefix(k, "booking_date_") || strings.HasPrefix(k, "timestamp_"):
		t, ok := parseTime(s)
		if !isStr || !ok {
			return "must be a UTC datetime"
		}
		f.times[k] = t
	default:
		if !isStr {
			return "must be a string"
		}
		f.str[k] = s
	}
	return ""
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", time.DateOnly}

// parseTime reads RFC 3339, naive (UTC) and date-only values.
func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (f *filter) strEq(k, v string) bool {
	want, ok := f.str[k]
	return !ok || strings.EqualFold(want, v)
}

func (f *filter) matchAccount(a *simAccount) bool {
	return f.strEq("account_id", a.id) && f.strEq("currency", a.currency)
}

func (f *filter) matchBalance(a *simAccount, b balanceWire) bool {
	return f.strEq("account_id", a.id) && f.strEq("currency", a.currency) && f.strEq("type", b.Data.Type)
}

func (f *filter) matchTx(a *simAccount, t *simTx) bool {
	amt, cdi := money(t.cents)
	if !f.strEq("account_id", a.id) || !f.strEq("currency", a.currency) || !f.strEq("status", t.status) ||
		!f.strEq("credit_debit_indicator", cdi) || !f.strEq("category", t.category) {
		return false
	}
	d := decimal.RequireFromString(amt)
	for op, v := range f.amounts {
		if !compare(d.Cmp(v), op) {
			return false
		}
	}
	for k, v := range f.times {
		field, op, _ := strings.Cut(k, "_date_")
		if field == k { // timestamp_<op>
			_, op, _ = strings.Cut(k, "_")
			if !compare(t.stamp.Compare(v), op) {
				return false
			}
			continue
		}
		if !compare(t.booking.Compare(v), op) {
			return false
		}
	}
	return true
}

// compare applies op to a three-way comparison result.
func compare(c int, op string) bool {
	switch op {
	case "eq":
		return c == 0
	case "gte":
		return c >= 0
	case "gt":
		return c > 0
	case "lte":
		return c <= 0
	case "lt":
		return c < 0
	}
	return false
}
