package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/fingraph/fingraph/internal/keyfile"
)

const (
	// DevKeyFile is the dev signing key's file name inside the data dir.
	DevKeyFile = "auth-dev-key.json"
	// DevIssuer is the "iss" Mint stamps and the dev verifier requires, so a
	// dev token is never accepted by a production verifier configured with a
	// real issuer, and vice versa.
	DevIssuer = "fingraph-dev"
	// DevAudience is the "aud" Mint stamps and the dev verifier requires.
	DevAudience = "fingraph"
	// maxDevKeyFile bounds the key file read.
	maxDevKeyFile = 64 << 10
)

// DevKey is the development ES256 signing key, persisted in the data dir so
// tokens minted by `fingraph token` survive server restarts. Never use it in
// production: anyone who can read the data dir can mint admin tokens.
type DevKey struct {
	jwk    jose.JSONWebKey // private, kid = RFC 7638 thumbprint
	signer jose.Signer
	now    func() time.Time // injectable for tests
}

// LoadOrCreateDevKey loads dataDir/auth-dev-key.json (a private JWK), or
// creates it: P-256 key, kid = base64url SHA-256 JWK thumbprint (RFC 7638),
// file mode 0600 in a 0700 dir. Creation writes a temp file and links it
// into place without clobbering, so concurrent starts share one key.
func LoadOrCreateDevKey(dataDir string) (*DevKey, error) {
	path := filepath.Join(dataDir, DevKeyFile)
	data, err := readBounded(path, maxDevKeyFile)
	if errors.Is(err, os.ErrNotExist) {
		if data, err = createDevKeyFile(path); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		return nil, errors.New("auth: dev key: invalid JWK file")
	}
	return newDevKey(jwk)
}

// createDevKeyFile generates a key and installs it at path, returning the
// file contents that won (ours, or a concurrent creator's).
func createDevKeyFile(path string) ([]byte, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth: dev key: %w", err)
	}
	jwk := jose.JSONWebKey{Key: priv, Algorithm: string(jose.ES256), Use: "sig"}
	if jwk.KeyID, err = thumbprintKID(jwk); err != nil {
		return nil, err
	}
	data, err := jwk.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("auth: dev key: %w", err)
	}
	won, err := keyfile.WriteExclusive(path, data)
	if err != nil {
		return nil, err
	}
	if !won {
		return readBounded(path, maxDevKeyFile)
	}
	return data, nil
}

// newDevKey validates a loaded key and prepares its signer.
func newDevKey(jwk jose.JSONWebKey) (*DevKey, error) {
	priv, ok := jwk.Key.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		return nil, errors.New("auth: dev key: want an EC P-256 private key")
	}
	// The kid must be the thumbprint so it is stable and self-certifying;
	// a mismatch means the file was edited.
	if want, err := thumbprintKID(jwk); err != nil || jwk.KeyID != want {
		return nil, errors.New("auth: dev key: kid is not the key thumbprint")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jwk},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("auth: dev key: %w", err)
	}
	return &DevKey{jwk: jwk, signer: signer, now: time.Now}, nil
}

// thumbprintKID returns the RFC 7638 SHA-256 thumbprint, base64url.
func thumbprintKID(jwk jose.JSONWebKey) (string, error) {
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("auth: dev key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// KeyID returns the key's kid (its thumbprint).
func (k *DevKey) KeyID() string { return k.jwk.KeyID }

// PublicJWKS returns the public half, e.g. to configure another service's
// AUTH_PUBLIC_KEY with the dev key.
func (k *DevKey) PublicJWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.jwk.Public()}}
}

// devClaims are the non-registered claims Mint adds.
type devClaims struct {
	Roles []Role `json:"roles,omitempty"`
}

// Mint signs a token for userID with the given roles, valid from now for
// ttl, with iss "fingraph-dev", aud "fingraph", iat, nbf, exp and a random
// jti. Unknown roles are refused here (unlike in Verify) because a typo in a
// dev command should fail loudly rather than silently mint a "user" token.
func (k *DevKey) Mint(userID string, roles []Role, ttl time.Duration) (string, error) {
	if userID == "" || len(userID) > maxSubjectLen {
		return "", errors.New("auth: mint: bad user ID")
	}
	if ttl <= 0 {
		return "", errors.New("auth: mint: ttl must be positive")
	}
	for _, r := range roles {
		if !slices.Contains(knownRoles, r) {
			return "", fmt.Errorf("auth: mint: unknown role %q", r)
		}
	}
	now := k.now()
	std := jwt.Claims{
		Issuer:    DevIssuer,
		Audience:  jwt.Audience{DevAudience},
		Subject:   userID,
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		Expiry:    jwt.NewNumericDate(now.Add(ttl)),
		ID:        randomHex(16),
	}
	tok, err := jwt.Signed(k.signer).Claims(std).Claims(devClaims{Roles: roles}).Serialize()
	if err != nil {
		return "", fmt.Errorf("auth: mint: %w", err)
	}
	return tok, nil
}

// Verifier returns a verifier for tokens minted by this key. It always
// checks the dev issuer and audience.
func (k *DevKey) Verifier() Verifier {
	return &jwtVerifier{
		cfg:  JWTConfig{Issuer: DevIssuer, Audience: DevAudience, Leeway: DefaultLeeway, Now: k.now, RolesClaim: "roles"},
		keys: staticKeys{k.jwk.Public()},
	}
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// readBounded reads a key file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	return keyfile.Read(path, limit)
}
