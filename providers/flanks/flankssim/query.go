package flankssim

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// query is a parsed Mongo-style query object: every condition must hold (AND across
// keys). Keys are field names of the returned objects, dotted for nested fields
// ("transfer.ibanBeneficiary"). A list value means "one of" (the documented
// {"account_id": ["ES91..."]}); a scalar means equality; an object may use $in, $nin,
// $eq, $ne, $gt, $gte, $lt and $lte (dates compare as "YYYY-MM-DD" strings).
type query []condition

// condition is one operator applied to one field.
type condition struct {
	field string
	op    string
	args  []any // decoded with UseNumber
}

var rangeOps = map[string]bool{"$gt": true, "$gte": true, "$lt": true, "$lte": true}

// parseQuery reads the optional "query" field; a malformed query is a validation error.
func parseQuery(b requestBody, errs *[]fieldError) query {
	raw := map[string]any{}
	b.object("query", &raw, errs)
	fields := make([]string, 0, len(raw))
	for f := range raw {
		fields = append(fields, f)
	}
	sort.Strings(fields) // deterministic error details
	var q query
	for _, field := range fields {
		conds, ok := conditionsFor(field, raw[field])
		if !ok {
			*errs = append(*errs, fieldError{ErrorType: "value_error", Field: "query." + field})
			continue
		}
		q = append(q, conds...)
	}
	return q
}

func conditionsFor(field string, v any) ([]condition, bool) {
	switch x := v.(type) {
	case []any:
		return []condition{{field: field, op: "$in", args: x}}, true
	case map[string]any:
		var out []condition
		for op, arg := range x {
			c, ok := operatorCondition(field, op, arg)
			if !ok {
				return nil, false
			}
			out = append(out, c)
		}
		return out, len(out) > 0
	default:
		return []condition{{field: field, op: "$eq", args: []any{x}}}, true
	}
}

func operatorCondition(field, op string, arg any) (condition, bool) {
	switch {
	case op == "$in" || op == "$nin":
		list, ok := arg.([]any)
		return condition{field: field, op: op, args: list}, ok
	case op == "$eq" || op == "$ne" || rangeOps[op]:
		_, isList := arg.([]any)
		_, isObj := arg.(map[string]any)
		return condition{field: field, op: op, args: []any{arg}}, !isList && !isObj
	}
	return condition{}, false
}

// filterItems keeps the items matching every condition. Items are compared in their JSON
// form, so the query sees exactly the field names the client sees.
func filterItems[T any](items []T, q query) []T {
	if len(q) == 0 {
		if items == nil {
			return []T{}
		}
		return items
	}
	out := []T{}
	for _, it := range items {
		if q.matches(asJSONObject(it)) {
			out = append(out, it)
		}
	}
	return out
}

func asJSONObject(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func (q query) matches(obj map[string]any) bool {
	for _, c := range q {
		if !c.matches(lookupField(obj, c.field)) {
			return false
		}
	}
	return true
}

// lookupField follows a dotted path; a missing field is nil.
func lookupField(obj map[string]any, path string) any {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func (c condition) matches(v any) bool {
	switch c.op {
	case "$in", "$eq":
		return anyEqual(v, c.args)
	case "$nin", "$ne":
		return !anyEqual(v, c.args)
	}
	cmp, ok := compare(v, c.args[0])
	if !ok {
		return false
	}
	switch c.op {
	case "$gt":
		return cmp > 0
	case "$gte":
		return cmp >= 0
	case "$lt":
		return cmp < 0
	}
	return cmp <= 0
}

func anyEqual(v any, args []any) bool {
	for _, a := range args {
		if cmp, ok := compare(v, a); ok && cmp == 0 {
			return true
		}
		if v == nil && a == nil {
			return true
		}
	}
	return false
}

// compare orders two JSON scalars of the same kind: numbers exactly as decimals,
// strings lexically, booleans false < true.
func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return 0, false
		}
		dx, err1 := decimal.NewFromString(string(x))
		dy, err2 := decimal.NewFromString(string(y))
		return dx.Cmp(dy), err1 == nil && err2 == nil
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		return boolRank(x) - boolRank(y), true
	}
	return 0, false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
