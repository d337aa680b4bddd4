package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// postgraphileNestedQuery is benchkit.NestedQuery in the schema
// PostGraphile's Amber preset generates from fingraph's tables: the
// user's credentials by id, their accounts by provider id then id, each
// account's 50 newest transactions (operation date, then id, descending),
// the same fields. PostGraphile has no viewer, so the user is named by
// its row id, and accounts and transactions are also filtered by
// user_id, as fingraph's owner checks do.
func postgraphileNestedQuery(userID string) string {
	u, _ := json.Marshal(userID)
	return strings.NewReplacer("$USER", string(u)).Replace(`query { userByRowId(rowId: $USER) {
  credentialsByUserId(first: 9, orderBy: [ROW_ID_ASC]) { nodes { id
    accountsByCredentialsId(first: 10, orderBy: [PROVIDER_ID_ASC, ROW_ID_ASC], condition: {userId: $USER}) { nodes { id iban balance
      accountTransactionsByAccountId(first: 50, orderBy: [OPERATION_DATE_DESC, ROW_ID_DESC], condition: {userId: $USER}) {
        nodes { id amount operationDate description } } } } } } } }`)
}

// decodeNodeID returns the type and row id of a global ID in either
// server's form: fingraph's base64url("Type:id") or PostGraphile's
// base64(`["Type","id"]`). The type is lower-cased without a plural "s"
// (fingraph says Credentials, PostGraphile Credential).
func decodeNodeID(s string) (typ, id string, ok bool) {
	var raw []byte
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.StdEncoding, base64.URLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			raw = b
			break
		}
	}
	if raw == nil {
		return "", "", false
	}
	var arr []any
	if json.Unmarshal(raw, &arr) == nil && len(arr) == 2 {
		t, ok1 := arr[0].(string)
		id, ok2 := arr[1].(string)
		if !ok1 || !ok2 {
			return "", "", false
		}
		raw = []byte(t + ":" + id)
	}
	typ, id, ok = strings.Cut(string(raw), ":")
	if !ok || typ == "" || id == "" {
		return "", "", false
	}
	return strings.TrimSuffix(strings.ToLower(typ), "s"), id, true
}

// nodeRows decodes a GraphQL response and returns the row ids of every
// "id" member that is a global ID, by type, sorted. It fails on an
// "errors" entry or a body that is not JSON.
func nodeRows(body []byte) (map[string][]string, error) {
	var r struct {
		Data   any             `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if len(r.Errors) > 0 && string(r.Errors) != "null" {
		return nil, fmt.Errorf("GraphQL errors: %.300s", r.Errors)
	}
	out := map[string][]string{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "id" {
					if typ, id, ok := decodeNodeID(s); ok {
						out[typ] = append(out[typ], id)
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(r.Data)
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out, nil
}

// sameRows checks that two responses name the same rows of every type
// and returns a summary such as "9 credential, 33 account, 1469
// accounttransaction". A response without any transaction is an error:
// the comparison would time empty answers.
func sameRows(a, b map[string][]string) (string, error) {
	types := slices.Sorted(maps.Keys(a))
	if !slices.Equal(types, slices.Sorted(maps.Keys(b))) {
		return "", fmt.Errorf("the answers name different types: %v vs %v", types, slices.Sorted(maps.Keys(b)))
	}
	var parts []string
	for _, t := range types {
		if len(a[t]) != len(b[t]) {
			return "", fmt.Errorf("%d %s rows vs %d", len(a[t]), t, len(b[t]))
		}
		if !slices.Equal(a[t], b[t]) {
			return "", fmt.Errorf("the same number of %s rows (%d) but not the same rows", t, len(a[t]))
		}
		parts = append(parts, fmt.Sprintf("%d %s", len(a[t]), t))
	}
	if len(a["accounttransaction"]) == 0 {
		return "", fmt.Errorf("no transactions in the answers")
	}
	return strings.Join(parts, ", "), nil
}
