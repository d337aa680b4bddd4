package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// minRSABits is the smallest RSA verification key accepted (NIST SP 800-57).
const minRSABits = 2048

// staticKeys is a fixed key set: AUTH_PUBLIC_KEY, the dev key, or the last
// JWKS fetched. It is immutable once built.
type staticKeys []jose.JSONWebKey

// key selects by kid. A "kid" header is required when the set holds more
// than one key, because trying every key would turn one forged token into N
// signature checks and blur which key signed what. A set of exactly one
// kid-less key (a PEM from AUTH_PUBLIC_KEY) matches any kid, since identity
// providers stamp their own kids on tokens.
func (s staticKeys) key(_ context.Context, kid string) (jose.JSONWebKey, error) {
	if len(s) == 1 {
		if k := s[0]; kid == "" || k.KeyID == "" || k.KeyID == kid {
			return k, nil
		}
		return jose.JSONWebKey{}, errUnknownKID
	}
	if kid == "" {
		return jose.JSONWebKey{}, invalid("kid required")
	}
	for _, k := range s {
		if k.KeyID == kid {
			return k, nil
		}
	}
	return jose.JSONWebKey{}, errUnknownKID
}

// NewStaticKeyVerifier verifies tokens against a fixed public key
// (AUTH_PUBLIC_KEY): a PEM public key or certificate (RSA >= 2048 bits or EC
// P-256), or a JWK or JWKS JSON document. Private keys are refused so a
// signing secret is never configured where only a public key is needed.
func NewStaticKeyVerifier(pemOrJWK string, cfg JWTConfig) (Verifier, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	keys, err := parseStaticKeys(pemOrJWK)
	if err != nil {
		return nil, err
	}
	return &jwtVerifier{cfg: cfg, keys: keys}, nil
}

// parseStaticKeys dispatches on the input's shape.
func parseStaticKeys(s string) (staticKeys, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "-----BEGIN"):
		// Environment variables often carry PEM with literal "\n".
		if !strings.Contains(s, "\n") {
			s = strings.ReplaceAll(s, `\n`, "\n")
		}
		return parsePEMKey([]byte(s))
	case strings.HasPrefix(s, "{"):
		return parseKeySet([]byte(s), true)
	}
	return nil, errors.New("auth: public key: expected PEM or JWK/JWKS JSON")
}

// parsePEMKey reads exactly one PEM public key or certificate.
func parsePEMKey(data []byte) (staticKeys, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, errors.New("auth: public key: invalid PEM")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return nil, errors.New("auth: public key: want exactly one PEM block")
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("auth: public key: unsupported PEM type %q (private keys are refused)", block.Type)
	}
	if err != nil {
		return nil, errors.New("auth: public key: cannot parse PEM")
	}
	jwk := jose.JSONWebKey{Key: pub}
	if err := checkVerifyKey(jwk); err != nil {
		return nil, err
	}
	return staticKeys{jwk}, nil
}

// parseKeySet reads a JWKS ({"keys": [...]}) or a single JWK. With strict
// (configuration) any unusable key is an error; without it (a remote JWKS,
// which commonly also lists encryption or other-curve keys) unusable keys
// are skipped. Duplicate kids are an error or skipped in the same way.
func parseKeySet(data []byte, strict bool) (staticKeys, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New("auth: key set: invalid JSON")
	}
	raws := doc.Keys
	if raws == nil {
		raws = []json.RawMessage{data}
	}
	var keys staticKeys
	seen := map[string]bool{}
	for i, raw := range raws {
		var k jose.JSONWebKey
		err := k.UnmarshalJSON(raw)
		if err == nil {
			err = checkVerifyKey(k)
		}
		if err == nil && seen[k.KeyID] {
			err = errors.New("auth: key set: duplicate or missing kid")
		}
		if err != nil {
			if strict {
				return nil, fmt.Errorf("auth: key set: key %d: %w", i, err)
			}
			continue
		}
		seen[k.KeyID] = true
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("auth: key set: no usable signing keys")
	}
	if len(keys) > 1 && seen[""] {
		// A kid-less key in a multi-key set could never be selected.
		if strict {
			return nil, errors.New("auth: key set: every key needs a kid when there are several")
		}
		keys = dropKIDLess(keys)
	}
	return keys, nil
}

// dropKIDLess removes keys without a kid.
func dropKIDLess(keys staticKeys) staticKeys {
	out := keys[:0]
	for _, k := range keys {
		if k.KeyID != "" {
			out = append(out, k)
		}
	}
	return out
}

// checkVerifyKey accepts public signing keys we can use: RSA >= 2048 bits
// or EC P-256, not labelled for encryption or for another algorithm.
func checkVerifyKey(k jose.JSONWebKey) error {
	if !k.IsPublic() {
		return errors.New("private or symmetric key refused")
	}
	if k.Use != "" && k.Use != "sig" {
		return errors.New("key not for signing")
	}
	switch pub := k.Key.(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < minRSABits {
			return errors.New("RSA key under 2048 bits")
		}
		if k.Algorithm != "" && k.Algorithm != string(jose.RS256) {
			return errors.New("RSA key not labelled RS256")
		}
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return errors.New("EC key not on P-256")
		}
		if k.Algorithm != "" && k.Algorithm != string(jose.ES256) {
			return errors.New("EC key not labelled ES256")
		}
	default:
		return errors.New("unsupported key type")
	}
	return nil
}
