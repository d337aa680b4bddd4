package flanks

import (
	"cmp"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"
)

// ContentEncryption is the JWE "enc" algorithm.
type ContentEncryption string

// Content encryptions accepted by WithJWE. Flanks documents A256CBC-HS512
// (https://docs.flanks.io/pages/flanks-apis/request-encryption).
const (
	EncA256CBCHS512 ContentEncryption = "A256CBC-HS512"
	EncA256GCM      ContentEncryption = "A256GCM"
)

// JWEConfig configures request encryption: each body is sent as a compact
// JWE (alg RSA-OAEP-256, typ JWE, kid of a key from the JWKS) with
// Content-Type application/jose
// (https://docs.flanks.io/pages/flanks-apis/request-encryption).
type JWEConfig struct {
	// JWKSURL publishes the accepted keys. Default DefaultJWKSURL.
	JWKSURL string
	// Enc is the content encryption. Default EncA256CBCHS512.
	Enc ContentEncryption
	// CacheTTL is how long a fetched JWKS is used before a refresh.
	// Default 1 h, minimum 1 min.
	CacheTTL time.Duration
}

// minKeyRefresh bounds JWKS fetches: at most one per minute, except the
// first refresh after the server rejects a kid.
const minKeyRefresh = time.Minute

func (cfg JWEConfig) withDefaults() (JWEConfig, error) {
	cfg.JWKSURL = cmp.Or(cfg.JWKSURL, DefaultJWKSURL)
	cfg.Enc = cmp.Or(cfg.Enc, EncA256CBCHS512)
	cfg.CacheTTL = cmp.Or(cfg.CacheTTL, time.Hour)
	if u, err := url.Parse(cfg.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return cfg, errors.New("flanks: JWKS URL must be an absolute http(s) URL")
	}
	if cfg.Enc != EncA256CBCHS512 && cfg.Enc != EncA256GCM {
		return cfg, fmt.Errorf("flanks: unsupported JWE enc %q", cfg.Enc)
	}
	if cfg.CacheTTL < minKeyRefresh {
		return cfg, errors.New("flanks: JWKS cache TTL below one minute")
	}
	return cfg, nil
}

// encKey is the public key the client encrypts to.
type encKey struct {
	kid string
	pub *rsa.PublicKey
}

// keyCache holds the chosen JWKS key. gen increments on every successful
// fetch, so a rejection of an older key does not trigger a second refresh.
type keyCache struct {
	cfg         JWEConfig
	mu          sync.Mutex
	key         *encKey
	gen         uint64
	fetchedAt   time.Time
	lastAttempt time.Time
	lastForced  time.Time
	forced      bool
	lastErr     error
	group       singleflight.Group
}

func newKeyCache(cfg JWEConfig) *keyCache { return &keyCache{cfg: cfg} }

func (k *keyCache) needsFetch(now time.Time) bool {
	switch {
	case k.forced:
		return true
	case k.key != nil && now.Sub(k.fetchedAt) < k.cfg.CacheTTL:
		return false
	default:
		return k.lastAttempt.IsZero() || now.Sub(k.lastAttempt) >= minKeyRefresh
	}
}

// reject marks the key of generation gen as unknown to the server. It
// reports whether resending can help: a newer key exists, or a refresh is
// allowed now.
func (k *keyCache) reject(gen uint64, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != gen {
		return true
	}
	if !k.lastForced.IsZero() && now.Sub(k.lastForced) < minKeyRefresh {
		return false
	}
	k.forced, k.lastForced = true, now
	return true
}

func (k *keyCache) snapshot() (*encKey, uint64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		return nil, 0, fmt.Errorf("flanks: no JWE key: %w", cmp.Or(k.lastErr, errors.New("JWKS not fetched")))
	}
	return k.key, k.gen, nil
}

// encrypt seals plaintext as a compact JWE for the current key.
func (c *Client) encrypt(ctx context.Context, plaintext []byte) (string, uint64, error) {
	key, gen, err := c.encryptionKey(ctx)
	if err != nil {
		return "", 0, err
	}
	enc, err := jose.NewEncrypter(jose.ContentEncryption(c.jwe.cfg.Enc),
		jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.pub, KeyID: key.kid},
		(&jose.EncrypterOptions{}).WithType("JWE"))
	if err != nil {
		return "", 0, fmt.Errorf("jwe: %w", err)
	}
	obj, err := enc.Encrypt(plaintext)
	if err != nil {
		return "", 0, fmt.Errorf("jwe: %w", err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return "", 0, fmt.Errorf("jwe: %w", err)
	}
	return s, gen, nil
}

// encryptionKey returns the cached key, fetching the JWKS when needed with
// one fetch for all concurrent callers.
func (c *Client) encryptionKey(ctx context.Context) (*encKey, uint64, error) {
	k := c.jwe
	k.mu.Lock()
	need := k.needsFetch(c.now())
	k.mu.Unlock()
	if need {
		ch := k.group.DoChan("jwks", func() (any, error) {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cmp.Or(c.callTimeout, defaultHTTPTimeout))
			defer cancel()
			c.refreshKeys(fctx)
			return nil, nil
		})
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-ch:
		}
	}
	return k.snapshot()
}

// refreshKeys fetches the JWKS. On failure the previous key stays in use.
func (c *Client) refreshKeys(ctx context.Context) {
	k := c.jwe
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	r := &request{method: http.MethodGet, url: k.cfg.JWKSURL, idempotent: true}
	err := c.do(ctx, r, &set)
	var key *encKey
	if err == nil {
		key, err = selectKey(set.Keys)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lastAttempt, k.forced = c.now(), false
	if err != nil {
		k.lastErr = err
		return
	}
	k.key, k.lastErr, k.fetchedAt = key, nil, k.lastAttempt
	k.gen++
}

// selectKey picks the first RSA encryption key with a kid; keys of other
// types (or that go-jose cannot parse) are skipped, since "all the keys
// present there can be used".
func selectKey(keys []json.RawMessage) (*encKey, error) {
	for _, raw := range keys {
		var jwk jose.JSONWebKey
		if jwk.UnmarshalJSON(raw) != nil || jwk.KeyID == "" {
			continue
		}
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok || pub.N.BitLen() < 2048 {
			continue
		}
		if (jwk.Use != "" && jwk.Use != "enc") || (jwk.Algorithm != "" && jwk.Algorithm != string(jose.RSA_OAEP_256)) {
			continue
		}
		return &encKey{kid: jwk.KeyID, pub: pub}, nil
	}
	return nil, errors.New("flanks: JWKS has no usable RSA-OAEP-256 key")
}
