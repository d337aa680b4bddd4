package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DefaultLeeway is the clock-skew allowance for exp, nbf and iat when
// JWTConfig.Leeway is zero: enough for NTP-synchronised hosts, small enough
// that an expired token dies quickly.
const DefaultLeeway = 30 * time.Second

// maxSubjectLen bounds "sub": it becomes a database key, and no identity
// provider issues longer subjects.
const maxSubjectLen = 255

// allowedAlgs is the signature allow-list. Asymmetric only: HS256 would let
// anyone holding the public key forge tokens (algorithm confusion), and
// "none" is never acceptable.
var allowedAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// ErrKeySetUnavailable means the remote JWKS could not be fetched, so no
// token can be verified. It wraps ErrInvalidToken (callers that only know
// that sentinel fail closed with 401); callers that check it first can answer
// 503 instead, since the token itself may be fine.
var ErrKeySetUnavailable = fmt.Errorf("%w: signing keys unavailable", ErrInvalidToken)

// errUnknownKID signals a kid absent from the key set; the JWKS source
// reacts by refetching.
var errUnknownKID = fmt.Errorf("%w: unknown kid", ErrInvalidToken)

// JWTConfig holds the claim expectations shared by all verifiers.
type JWTConfig struct {
	// Issuer, when set, must equal the "iss" claim (AUTH_ISSUER).
	Issuer string
	// Audience, when set, must appear in the "aud" claim (AUTH_AUDIENCE).
	Audience string
	// Leeway is the allowed clock skew for exp/nbf/iat; zero means
	// DefaultLeeway. Negative values are rejected.
	Leeway time.Duration
	// Now is the clock, injectable for tests; nil means time.Now. The JWKS
	// verifier also uses it for its refetch rate limit and cache age.
	Now func() time.Time
	// RolesClaim names the claim holding roles; empty means "roles". Some
	// providers (Auth0) require namespaced custom claims.
	RolesClaim string
}

// normalized fills defaults and rejects nonsense.
func (c JWTConfig) normalized() (JWTConfig, error) {
	if c.Leeway < 0 {
		return c, errors.New("auth: negative leeway")
	}
	if c.Leeway == 0 {
		c.Leeway = DefaultLeeway
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.RolesClaim == "" {
		c.RolesClaim = "roles"
	}
	return c, nil
}

// keySource finds the verification key for a token's kid header.
type keySource interface {
	key(ctx context.Context, kid string) (jose.JSONWebKey, error)
}

// jwtVerifier is the Verifier behind every constructor; only the key source
// differs between static keys, JWKS and the dev key.
type jwtVerifier struct {
	cfg  JWTConfig
	keys keySource
}

// invalid wraps ErrInvalidToken with a fixed reason (never token text).
func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}

// Verify implements Verifier. The order matters: cheap size and header
// checks come before any key lookup (which may hit the network), and the
// signature is checked before any claim is trusted.
func (v *jwtVerifier) Verify(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrMissingToken
	}
	if len(token) > MaxTokenSize {
		return nil, invalid("token too large")
	}
	tok, err := jwt.ParseSigned(token, allowedAlgs)
	if err != nil {
		return nil, invalid("malformed token or unsupported algorithm")
	}
	if len(tok.Headers) != 1 {
		return nil, invalid("expected one signature")
	}
	h := tok.Headers[0]
	if err := checkHeader(h); err != nil {
		return nil, err
	}
	jwk, err := v.keys.key(ctx, h.KeyID)
	if err != nil {
		return nil, err
	}
	pub, err := keyForAlg(jwk, h.Algorithm)
	if err != nil {
		return nil, err
	}
	var std jwt.Claims
	var all map[string]json.RawMessage
	if err := tok.Claims(pub, &std, &all); err != nil {
		return nil, invalid("bad signature or claims")
	}
	return v.principal(std, all[v.cfg.RolesClaim])
}

// checkHeader rejects header features we do not implement. go-jose already
// refuses unknown "crit" entries, but "b64": false changes what is signed,
// so JWTs with any "crit" are refused outright (RFC 7797 §7).
func checkHeader(h jose.Header) error {
	if _, ok := h.ExtraHeaders["crit"]; ok {
		return invalid("critical header")
	}
	if typ, ok := h.ExtraHeaders[jose.HeaderType]; ok {
		s, _ := typ.(string)
		switch strings.ToLower(s) {
		case "jwt", "at+jwt", "application/at+jwt":
		default:
			return invalid("unexpected typ")
		}
	}
	return nil
}

// keyForAlg returns the raw public key if its type matches alg, so an
// RS256 header can never be checked against an EC key or vice versa.
func keyForAlg(jwk jose.JSONWebKey, alg string) (any, error) {
	if jwk.Algorithm != "" && jwk.Algorithm != alg {
		return nil, invalid("algorithm does not match key")
	}
	switch alg {
	case string(jose.RS256):
		if k, ok := jwk.Key.(*rsa.PublicKey); ok && k.N.BitLen() >= minRSABits {
			return k, nil
		}
	case string(jose.ES256):
		if k, ok := jwk.Key.(*ecdsa.PublicKey); ok && k.Curve == elliptic.P256() {
			return k, nil
		}
	}
	return nil, invalid("algorithm does not match key")
}

// principal validates the registered claims and builds the Principal.
func (v *jwtVerifier) principal(c jwt.Claims, rolesRaw json.RawMessage) (*Principal, error) {
	if c.Subject == "" || len(c.Subject) > maxSubjectLen || !utf8.ValidString(c.Subject) {
		return nil, invalid("missing or bad sub")
	}
	if c.Expiry == nil {
		return nil, invalid("missing exp")
	}
	exp := jwt.Expected{Issuer: v.cfg.Issuer, Time: v.cfg.Now()}
	if v.cfg.Audience != "" {
		exp.AnyAudience = jwt.Audience{v.cfg.Audience}
	}
	if err := c.ValidateWithLeeway(exp, v.cfg.Leeway); err != nil {
		return nil, invalid(claimReason(err))
	}
	roles, err := parseRoles(rolesRaw)
	if err != nil {
		return nil, err
	}
	return &Principal{UserID: c.Subject, Roles: roles, ExpiresAt: c.Expiry.Time()}, nil
}

// claimReason maps go-jose validation errors to stable reasons.
func claimReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrExpired):
		return "expired"
	case errors.Is(err, jwt.ErrNotValidYet):
		return "not valid yet"
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return "issued in the future"
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrInvalidAudience):
		return "wrong audience"
	}
	return "invalid claims"
}

// parseRoles reads the roles claim: a JSON array of strings, or one
// space-separated string (the OAuth "scope" style some providers use).
// Unknown roles are ignored and no known role means RoleUser, so a token can
// only gain privileges the issuer explicitly granted. A claim of another
// JSON type is refused rather than guessed at.
func parseRoles(raw json.RawMessage) ([]Role, error) {
	var names []string
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &names); err != nil {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, invalid("bad roles claim")
			}
			names = strings.Fields(s)
		}
	}
	var roles []Role
	for _, r := range knownRoles {
		for _, n := range names {
			if string(r) == n {
				roles = append(roles, r)
				break
			}
		}
	}
	if len(roles) == 0 {
		roles = []Role{RoleUser}
	}
	return roles, nil
}
