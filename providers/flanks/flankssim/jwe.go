package flankssim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// The JWE algorithms the simulator accepts. The seed names RSA-OAEP-256 with A256CBC-HS512;
// A256GCM is accepted too because fingraph's own JWE code (Powens style) uses it.
var (
	allowedKeyAlgs = []jose.KeyAlgorithm{jose.RSA_OAEP_256}
	allowedEncs    = []jose.ContentEncryption{jose.A256CBC_HS512, jose.A256GCM}
)

// defaultKID is the key id of the key New generates when none is supplied.
const defaultKID = "flankssim-enc-1"

// keyring holds the RSA private keys a JWE body may be encrypted to.
type keyring struct {
	keys  []jose.JSONWebKey
	byKID map[string]*rsa.PrivateKey
}

// newKeyring validates the supplied keys, or generates one when there are none.
func newKeyring(keys []jose.JSONWebKey) (*keyring, error) {
	if len(keys) == 0 {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("flankssim: generate RSA key: %w", err)
		}
		keys = []jose.JSONWebKey{{Key: priv, KeyID: defaultKID}}
	}
	k := &keyring{byKID: map[string]*rsa.PrivateKey{}}
	for _, jwk := range keys {
		priv, ok := jwk.Key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("flankssim: JWE key %q is %T, want *rsa.PrivateKey", jwk.KeyID, jwk.Key)
		}
		if jwk.KeyID == "" {
			return nil, errors.New("flankssim: JWE key without KeyID")
		}
		if _, dup := k.byKID[jwk.KeyID]; dup {
			return nil, fmt.Errorf("flankssim: duplicate JWE key id %q", jwk.KeyID)
		}
		k.byKID[jwk.KeyID] = priv
		k.keys = append(k.keys, jose.JSONWebKey{
			Key: priv, KeyID: jwk.KeyID, Use: "enc", Algorithm: string(jose.RSA_OAEP_256),
		})
	}
	return k, nil
}

// publicSet is the JWKS the simulator publishes: public halves only.
func (k *keyring) publicSet() jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{}
	for _, jwk := range k.keys {
		set.Keys = append(set.Keys, jwk.Public())
	}
	return set
}

// JWKS returns the public keys published at /.well-known/jwks.json.
func (s *Server) JWKS() jose.JSONWebKeySet { return s.keys.publicSet() }

func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.keys.publicSet())
}

// jweHeader is the part of the protected header checked before go-jose sees the token,
// so that each rejection can say which parameter is wrong.
type jweHeader struct {
	Alg  string          `json:"alg"`
	Enc  string          `json:"enc"`
	Kid  *string         `json:"kid"`
	Zip  json.RawMessage `json:"zip"`
	Crit json.RawMessage `json:"crit"`
}

// jweError is a rejection of a JWE body; its text is the client-facing "error" message
// ("Invalid JWE ..."), hence capitalised like the upstream's messages.
type jweError string

func (e jweError) Error() string { return string(e) }

func jweErrorf(format string, args ...any) error { return jweError(fmt.Sprintf(format, args...)) }

// decrypt opens a compact JWE and returns its plaintext.
func (k *keyring) decrypt(compact string) ([]byte, error) {
	h, err := peekHeader(compact)
	if err != nil {
		return nil, err
	}
	priv, err := k.checkHeader(h)
	if err != nil {
		return nil, err
	}
	// The allow-lists repeat the checks above on purpose: go-jose must never be asked to
	// process an algorithm we did not mean to accept.
	obj, err := jose.ParseEncryptedCompact(compact, allowedKeyAlgs, allowedEncs)
	if err != nil {
		return nil, jweErrorf("Invalid JWE: %v", err)
	}
	plain, err := obj.Decrypt(priv)
	if err != nil {
		return nil, jweError("Invalid JWE: decryption failed")
	}
	return plain, nil
}

// peekHeader decodes the protected header of a compact JWE without decrypting it.
func peekHeader(compact string) (jweHeader, error) {
	var h jweHeader
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return h, jweError("Invalid JWE: compact serialization must have five parts")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return h, jweError("Invalid JWE: protected header is not base64url")
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, jweError("Invalid JWE: protected header is not a JSON object")
	}
	return h, nil
}

// checkHeader enforces the algorithm allow-lists, refuses compression and critical
// extensions, and selects the private key named by kid.
func (k *keyring) checkHeader(h jweHeader) (*rsa.PrivateKey, error) {
	if h.Alg != string(jose.RSA_OAEP_256) {
		return nil, jweErrorf("Invalid JWE alg %q: only RSA-OAEP-256 is accepted", h.Alg)
	}
	if h.Enc != string(jose.A256CBC_HS512) && h.Enc != string(jose.A256GCM) {
		return nil, jweErrorf("Invalid JWE enc %q: only A256CBC-HS512 and A256GCM are accepted", h.Enc)
	}
	if h.Zip != nil {
		return nil, jweError("Invalid JWE zip header: compressed payloads are not accepted")
	}
	if h.Crit != nil {
		return nil, jweError("Invalid JWE crit header: no critical extensions are supported")
	}
	if h.Kid == nil || *h.Kid == "" {
		return nil, jweError("Invalid JWE kid: missing, use a kid from /.well-known/jwks.json")
	}
	priv, ok := k.byKID[*h.Kid]
	if !ok {
		return nil, jweErrorf("Invalid JWE kid %q: not in /.well-known/jwks.json", *h.Kid)
	}
	return priv, nil
}
