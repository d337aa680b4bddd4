package flinks

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testUploadClientID     = "upload-client-1"
	testUploadClientSecret = "upl0ad-s3cret+/value"
)

// testPKI is a throw-away CA for the mTLS tests.
type testPKI struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	pool *x509.CertPool
}

func newTestPKI(t testing.TB, now time.Time) *testPKI {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p := &testPKI{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pool: x509.NewCertPool()}
	p.pool.AddCert(cert)
	return p
}

type certOpts struct {
	server              bool
	notBefore, notAfter time.Time
	keyFormat           string // "pkcs8" (default), "pkcs1" (RSA), "sec1" (EC)
	serial              int64
}

var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// issue returns a certificate and key PEM signed by the CA.
func (p *testPKI) issue(t testing.TB, o certOpts) ([]byte, []byte) {
	t.Helper()
	var key crypto.Signer
	if o.keyFormat == "pkcs1" {
		key = rsaKey()
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	if o.serial == 0 {
		o.serial = time.Now().UnixNano()
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(o.serial), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: o.notBefore, NotAfter: o.notAfter, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if o.server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, key.Public(), p.key)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	switch o.keyFormat {
	case "pkcs1":
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))}
	case "sec1":
		b, _ := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
		block = &pem.Block{Type: "EC PRIVATE KEY", Bytes: b}
	default:
		b, _ := x509.MarshalPKCS8PrivateKey(key)
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: b}
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(block)
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadEnv is an UploadClient wired to an mTLS httptest server.
type uploadEnv struct {
	client      *UploadClient
	mux         *http.ServeMux
	server      *httptest.Server
	pki         *testPKI
	clock       *fakeClock
	cfg         UploadConfig
	dir         string
	tokenCalls  atomic.Int32
	tokenStatus atomic.Int32 // non-zero: the token endpoint answers this status
	peerSerials sync.Map     // client certificate serials seen
}

// setupUpload starts an mTLS server trusting a fresh CA and a client with a certificate
// from it; /api/v1/token checks the seed's request and answers tok-1, tok-2, ...
func setupUpload(t *testing.T, opts ...UploadOption) *uploadEnv {
	t.Helper()
	clock := &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}
	e := &uploadEnv{mux: http.NewServeMux(), clock: clock, dir: t.TempDir()}
	e.pki = newTestPKI(t, clock.Now())
	valid := certOpts{notBefore: clock.Now().Add(-time.Hour), notAfter: clock.Now().AddDate(1, 0, 0)}
	srvCert, srvKey := e.pki.issue(t, certOpts{server: true, notBefore: valid.notBefore, notAfter: valid.notAfter})
	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	e.mux.HandleFunc("POST /api/v1/token", e.handleToken(t))
	e.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			e.peerSerials.Store(r.TLS.PeerCertificates[0].SerialNumber.Int64(), true)
		}
		e.mux.ServeHTTP(w, r)
	}))
	e.server.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: e.pki.pool, MinVersion: tls.VersionTLS12, Time: clock.Now}
	e.server.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	e.server.StartTLS()
	t.Cleanup(e.server.Close)
	certPEM, keyPEM := e.pki.issue(t, valid)
	e.cfg = UploadConfig{
		BaseURL: e.server.URL, ClientID: testUploadClientID, ClientSecret: testUploadClientSecret,
		CertFile: writeFile(t, filepath.Join(e.dir, "client.pem"), certPEM),
		KeyFile:  writeFile(t, filepath.Join(e.dir, "client.key"), keyPEM),
		CAFile:   writeFile(t, filepath.Join(e.dir, "ca.pem"), e.pki.pem),
	}
	all := append([]UploadOption{WithUploadClock(clock.Now), WithUploadSleeper(func(ctx context.Context, d time.Duration) error {
		clock.Advance(d)
		return ctx.Err()
	})}, opts...)
	c, err := NewUploadClient(e.cfg, all...)
	if err != nil {
		t.Fatalf("NewUploadClient: %v", err)
	}
	t.Cleanup(c.Close)
	e.client = c
	return e
}

func (e *uploadEnv) handleToken(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := e.tokenCalls.Add(1)
		testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
		id, secret, ok := r.BasicAuth()
		if !ok || id != testUploadClientID {
			t.Errorf("Basic auth id = %q, %v", id, ok)
		}
		// Raw, as the seed's examples (not form-encoded as RFC 6749 §2.3.1 has it).
		if secret != testUploadClientSecret {
			t.Errorf("Basic auth secret = %q", secret)
		}
		body, _ := io.ReadAll(r.Body)
		if string(body) != "grant_type=client_credentials&scope=ocr.write" {
			t.Errorf("token body = %q", body)
		}
		if s := e.tokenStatus.Load(); s != 0 {
			writeJSON(w, int(s), `{"error":"invalid_client","error_description":"secret `+testUploadClientSecret+`"}`)
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"access_token":"tok-%d","token_type":"Bearer","expires_in":300}`, n))
	}
}

// uploadHandler checks an upload request and answers with aggregation id agg.
func uploadHandler(t *testing.T, wantTok *atomic.Value, agg string, calls *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		testHeader(t, r, "Content-Type", "application/json")
		if want, _ := wantTok.Load().(string); want != "" {
			testHeader(t, r, "Authorization", "Bearer "+want)
		}
		var body struct {
			AggregationID string
			Files         []struct{ FileName, Content string }
			Tag           string
			ClientName    string
		}
		raw, _ := io.ReadAll(r.Body)
		if len(raw) > 1<<20 { // big files: check the framing only, decoding is slow under -race
			if !bytes.HasPrefix(raw, []byte(`{"Files":[{"FileName":`)) || !bytes.HasSuffix(raw, []byte(`"}]}`)) {
				t.Errorf("big upload body framing: %q...%q", raw[:40], raw[len(raw)-10:])
			}
			raw = []byte(`{"Files":[{"FileName":"x","Content":""}]}`)
		}
		if err := json.Unmarshal(raw, &body); err != nil || len(body.Files) != 1 {
			t.Errorf("upload body: %v, %d files", err, len(body.Files))
		}
		if _, err := base64.StdEncoding.DecodeString(body.Files[0].Content); err != nil {
			t.Errorf("content is not base64: %v", err)
		}
		if body.AggregationID == "" {
			body.AggregationID = agg
		}
		writeJSON(w, 200, `{"HttpStatusCode":200,"AggregationId":"`+body.AggregationID+`","Message":"The files were uploaded successfully. Please send the next file(s)."}`)
	}
}

// pdf returns a minimal PDF-looking file of n bytes.
func pdf(n int) []byte {
	b := make([]byte, n)
	copy(b, "%PDF-1.7\n")
	for i := 9; i < n; i++ {
		b[i] = 'a' + byte(i%26)
	}
	return b
}
