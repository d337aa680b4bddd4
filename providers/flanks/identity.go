package flanks

import (
	"bytes"
	"context"
	"encoding/json"
)

// Identity is the credentials owner from POST /v0/bank/credentials/auth
// (https://docs.flanks.io/pages/data-model). Every field but ID may be empty.
type Identity struct {
	// ID equals the credentials token.
	ID       string `json:"_id"`
	Name     string `json:"name"`
	Surname1 string `json:"surname1"`
	Surname2 string `json:"surname2"`
	FullName string `json:"fullName"`
	// BirthDate is the owner's date of birth.
	BirthDate Date `json:"birthDate"`
	// Address is the postal address as sent: an object whose keys are not
	// documented (values may be null, numbers or text), or whatever else
	// the bank gave. Kept raw, like Investment.Detail, so nulls stay null
	// and numbers numbers.
	Address json.RawMessage `json:"address"`
	// ContactInfo holds email and/or phone, kept raw like Address: a
	// phone the bank does not know is null, not "".
	ContactInfo json.RawMessage `json:"contactInfo"`
	// IdentityDocument is the document number.
	IdentityDocument FlexString `json:"identityDocument"`
	// Gender is male or female.
	Gender     string `json:"gender"`
	Occupation string `json:"occupation"`
	Sector     string `json:"sector"`
}

// UnmarshalJSON also accepts a one-element array, as some SDKs model /auth
// as a list.
func (id *Identity) UnmarshalJSON(b []byte) error {
	type plain Identity
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []plain
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*id = Identity{}
		if len(list) > 0 {
			*id = Identity(list[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(id))
}

// Holder links a product to one of its holders, from
// POST /v0/bank/credentials/holder (https://docs.flanks.io/pages/data-model).
type Holder struct {
	ProductName string `json:"product_name"`
	Name        string `json:"name"`
	// ProductID is the _id from /account, /card, /portfolio or /liability.
	ProductID string `json:"product_id"`
	// Rel is the relation, e.g. Titular or Autorizado.
	Rel        string `json:"rel"`
	ExternalID string `json:"external_id"`
}

// GetIdentity calls POST /v0/bank/credentials/auth, which answers a single
// object (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) GetIdentity(ctx context.Context, req AggregationRequest) (*Identity, error) {
	id, err := aggregate[Identity](ctx, c, "/v0/bank/credentials/auth", req)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// ListHolders calls POST /v0/bank/credentials/holder; it takes no query
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListHolders(ctx context.Context, req AggregationRequest) ([]Holder, error) {
	return aggregate[[]Holder](ctx, c, "/v0/bank/credentials/holder", req)
}

// ListMiFIDRaw calls POST /v0/bank/credentials/mifid/raw (the endpoint
// detail's "credencial" spelling is a typo). The MiFID questionnaire data is
// free-form, so items are raw JSON; the list may be empty, and a single
// object is returned as a one-item list
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListMiFIDRaw(ctx context.Context, req AggregationRequest) ([]json.RawMessage, error) {
	raw, err := aggregate[json.RawMessage](ctx, c, "/v0/bank/credentials/mifid/raw", req)
	if err != nil {
		return nil, err
	}
	switch raw = bytes.TrimSpace(raw); {
	case isNull(raw):
		return nil, nil
	case raw[0] != '[':
		return []json.RawMessage{raw}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	return items, nil
}
