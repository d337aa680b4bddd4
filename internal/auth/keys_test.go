package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// selfSignedPEM returns a certificate PEM for the RSA test key.
func selfSignedPEM(t *testing.T) string {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"}, NotBefore: t0, NotAfter: t0.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey().PublicKey, rsaKey())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestStaticKeyFormats(t *testing.T) {
	rsaPEM := pemPublic(&rsaKey().PublicKey)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey().PublicKey)}))
	rsaJWK := string(must(jose.JSONWebKey{Key: &rsaKey().PublicKey, KeyID: "rsa-1", Algorithm: "RS256"}.MarshalJSON()))
	ecJWK := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1"}.MarshalJSON()))
	rsTok := sign(t, jose.RS256, rsaKey(), "rsa-1", claims(), nil)
	esTok := sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil)

	valid := []struct {
		name, input, token string
	}{
		{"PKIX RSA PEM", rsaPEM, rsTok},
		{"PKIX RSA PEM with escaped newlines", strings.ReplaceAll(rsaPEM, "\n", `\n`), rsTok},
		{"PKCS1 RSA PEM", pkcs1, rsTok},
		{"certificate PEM", selfSignedPEM(t), rsTok},
		{"EC PEM", pemPublic(&ecKey().PublicKey), esTok},
		{"single JWK", rsaJWK, rsTok},
		{"JWKS", string(jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey, "rsa-1": &rsaKey().PublicKey})), esTok},
		{"single-key JWKS, token without kid", `{"keys":[` + ecJWK + `]}`, sign(t, jose.ES256, ecKey(), "", claims(), nil)},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewStaticKeyVerifier(tc.input, cfg(newClock()))
			if err != nil {
				t.Fatalf("NewStaticKeyVerifier() = %v", err)
			}
			if _, err := v.Verify(context.Background(), tc.token); err != nil {
				t.Fatalf("Verify() = %v", err)
			}
		})
	}
}

func TestStaticKeyRejected(t *testing.T) {
	small := must(rsa.GenerateKey(rand.Reader, 1024))
	p384 := must(ecdsaP384())
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(ecKey()))}))
	privJWK := string(must(jose.JSONWebKey{Key: ecKey(), KeyID: "ec-1"}.MarshalJSON()))
	hmacJWK := string(must(json.Marshal(map[string]string{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0", "kid": "h"})))
	encJWK := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1", Use: "enc"}.MarshalJSON()))
	mislabelled := string(must(jose.JSONWebKey{Key: &rsaKey().PublicKey, KeyID: "r", Algorithm: "PS256"}.MarshalJSON()))
	kidless := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey}.MarshalJSON()))
	rsaJWK := string(must(jose.JSONWebKey{Key: &rsaKey().PublicKey, KeyID: "r"}.MarshalJSON()))
	dupKID := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "r"}.MarshalJSON()))

	inputs := map[string]string{
		"empty":               "",
		"garbage":             "hello",
		"bad PEM":             "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
		"private PEM":         privPEM,
		"two PEM blocks":      pemPublic(&rsaKey().PublicKey) + pemPublic(&ecKey().PublicKey),
		"RSA 1024":            pemPublic(&small.PublicKey),
		"EC P-384":            pemPublic(&p384.PublicKey),
		"private JWK":         privJWK,
		"symmetric JWK":       hmacJWK,
		"enc JWK":             encJWK,
		"mislabelled alg":     mislabelled,
		"empty JWKS":          `{"keys":[]}`,
		"bad JSON":            `{"keys":`,
		"kid-less in multi":   `{"keys":[` + kidless + `,` + rsaJWK + `]}`,
		"duplicate kid":       `{"keys":[` + dupKID + `,` + rsaJWK + `]}`,
		"JWKS with a private": `{"keys":[` + rsaJWK + `,` + privJWK + `]}`,
	}
	for name, in := range inputs {
		if _, err := NewStaticKeyVerifier(in, JWTConfig{}); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "MIG") || strings.Contains(err.Error(), `"d"`) {
			t.Errorf("%s: error echoes key material: %v", name, err)
		}
	}
}

func TestStaticSingleKeyKIDMismatch(t *testing.T) {
	jwk := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1"}.MarshalJSON()))
	v := must(NewStaticKeyVerifier(jwk, cfg(newClock())))
	verifyFails(t, v, sign(t, jose.ES256, ecKey(), "ec-9", claims(), nil), ErrInvalidToken)
}
