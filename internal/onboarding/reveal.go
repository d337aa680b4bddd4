package onboarding

import (
	"encoding/json"
	"slices"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/jwe"
)

// Opener decrypts end-to-end encrypted values (compact JWE to the keys the
// server publishes at /.well-known/jwks.json).
type Opener interface {
	Open(token string) ([]byte, error)
}

// reveal returns step data with every JWE-shaped string value decrypted,
// for the provider only, and the decrypted values: the plaintext is never
// stored (the session keeps a hash of the request as sent, and a provider
// answer echoing a value has it masked, see mask) nor logged. Without an
// opener, encrypted values are refused.
func (s *Service) reveal(data json.RawMessage) (json.RawMessage, []string, error) {
	if len(data) == 0 || string(data) == "null" {
		return data, nil, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, nil, apperr.Invalid("data must be a JSON object of the step's fields")
	}
	var plain []string
	v, err := s.decrypt(v, &plain)
	if err != nil || len(plain) == 0 {
		return data, nil, err
	}
	out, err := json.Marshal(v)
	return out, plain, err
}

// masked replaces a decrypted value the provider echoes in its public answer.
const masked = "[encrypted]"

// mask returns doc with every string equal to one of secrets masked.
func mask(doc json.RawMessage, secrets []string) json.RawMessage {
	if len(secrets) == 0 || len(doc) == 0 {
		return doc
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil // unreadable: keep none of it rather than risk a secret
	}
	out, err := json.Marshal(maskValue(v, secrets))
	if err != nil {
		return nil
	}
	return out
}

func maskValue(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		if slices.Contains(secrets, x) {
			return masked
		}
	case map[string]any:
		for k, e := range x {
			x[k] = maskValue(e, secrets)
		}
	case []any:
		for i, e := range x {
			x[i] = maskValue(e, secrets)
		}
	}
	return v
}

// decrypt decrypts the JWE strings in v, walking objects and lists, and
// appends each plaintext to plain.
func (s *Service) decrypt(v any, plain *[]string) (any, error) {
	switch x := v.(type) {
	case string:
		if !jwe.IsJWE(x) {
			return x, nil
		}
		if s.opts.Opener == nil {
			return nil, apperr.Invalid("encrypted values are not accepted by this server")
		}
		b, err := s.opts.Opener.Open(x)
		if err != nil {
			return nil, apperr.Invalid("an encrypted value could not be decrypted")
		}
		*plain = append(*plain, string(b))
		return string(b), nil
	case map[string]any:
		for k, e := range x {
			o, err := s.decrypt(e, plain)
			if err != nil {
				return nil, err
			}
			x[k] = o
		}
	case []any:
		for i, e := range x {
			o, err := s.decrypt(e, plain)
			if err != nil {
				return nil, err
			}
			x[i] = o
		}
	}
	return v, nil
}
