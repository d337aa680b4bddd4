package flinkssim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flinks"
)

type uploadEnv struct {
	*env
	url    string
	cfg    flinks.UploadConfig
	upload *flinks.UploadClient
}

// newUploadEnv starts the data API and the mTLS Upload API on one fake clock and builds
// an UploadClient from files written like a sandbox would.
func newUploadEnv(t *testing.T, opts Options, uopts ...flinks.UploadOption) *uploadEnv {
	t.Helper()
	e := &uploadEnv{env: newEnv(t, opts)}
	e.url = NewUploadTestServer(t, e.sim)
	certPEM, keyPEM, err := e.sim.IssueClientCertificate(ClientCertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	e.cfg = flinks.UploadConfig{BaseURL: e.url, ClientID: DefaultUploadClientID, ClientSecret: DefaultUploadClientSecret,
		CertFile: write(t, dir, "client.pem", certPEM), KeyFile: write(t, dir, "client.key", keyPEM),
		CAFile: write(t, dir, "ca.pem", e.sim.CACertPEM())}
	all := append([]flinks.UploadOption{flinks.WithUploadClock(e.clock.Now)}, uopts...)
	if e.upload, err = flinks.NewUploadClient(e.cfg, all...); err != nil {
		t.Fatalf("NewUploadClient: %v", err)
	}
	t.Cleanup(e.upload.Close)
	return e
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pdfBytes(text string) []byte { return []byte("%PDF-1.7\n" + text + "\n%%EOF\n") }

func (e *uploadEnv) send(t *testing.T, name string, data []byte, agg string) *flinks.UploadResult {
	t.Helper()
	res, err := e.upload.Upload(context.Background(), flinks.UploadFile{Name: name, Data: bytes.NewReader(data)}, agg, "tag", "ACME")
	if err != nil {
		t.Fatalf("Upload(%s): %v", name, err)
	}
	return res
}

func TestUploadFlowClean(t *testing.T) {
	e := newUploadEnv(t, Options{ExtractionDelay: time.Minute})
	ctx := context.Background()
	first := e.send(t, "statement_january.pdf", pdfBytes("jan"), "")
	second := e.send(t, "statement_february.png", []byte("\x89PNG\r\n\x1a\nfeb"), first.AggregationID)
	if second.AggregationID != first.AggregationID {
		t.Fatalf("aggregation changed: %s -> %s", first.AggregationID, second.AggregationID)
	}
	done, err := e.upload.Complete(ctx, first.AggregationID)
	if err != nil || done.AggregationID != first.AggregationID || done.LoginID() == "" {
		t.Fatalf("Complete = %+v, %v", done, err)
	}
	if n := e.sim.Requests(EndpointUploadToken); n != 1 {
		t.Errorf("%d token requests for 3 calls; want 1", n)
	}
	fa, err := e.client.GetFraudAnalysis(ctx, done.LoginID())
	if err != nil || fa.Completed() || len(fa.DocumentAnalysis) != 2 || fa.DocumentAnalysis[0].Status != StatusProcessing {
		t.Fatalf("early fraud analysis = %+v, %v", fa, err)
	}
	e.clock.Advance(time.Minute)
	fa, err = e.client.GetFraudAnalysis(ctx, done.LoginID())
	if err != nil || !fa.Completed() || fa.FraudDetected() || fa.Message != "No Fraud Signal Detected" ||
		fa.Login.LoginID != done.LoginID() || fa.DocumentAnalysis[0].FullAnalysis[0].DocumentType != flinks.DocumentTypeBankStatement {
		t.Fatalf("fraud analysis = %+v, %v", fa, err)
	}
	// The upload's login is served by the data API.
	rid := e.authorize(t, done.LoginID())
	d, err := e.client.GetAccountsDetail(ctx, allData(rid))
	if err != nil || len(d.Accounts) != 1 || len(d.Accounts[0].Transactions) == 0 {
		t.Fatalf("upload login data: %v", err)
	}
	if _, err := e.upload.Complete(ctx, first.AggregationID); !errors.Is(err, flinks.ErrInvalidRequest) {
		t.Fatalf("second Complete: %v", err)
	}
}

func TestUploadFlowFraudFound(t *testing.T) {
	e := newUploadEnv(t, Options{Seed: 5})
	ctx := context.Background()
	res := e.send(t, "statement_FRAUD.pdf", pdfBytes("edited"), "")
	e.send(t, "clean.pdf", pdfBytes("ok"), res.AggregationID)
	done, err := e.upload.Complete(ctx, res.AggregationID)
	if err != nil {
		t.Fatal(err)
	}
	fa, err := e.client.GetFraudAnalysis(ctx, done.LoginID())
	if err != nil || !fa.Completed() || !fa.FraudDetected() || fa.Message != "" {
		t.Fatalf("fraud analysis = %+v, %v", fa, err)
	}
	if n := len(fa.DocumentAnalysis[1].FullAnalysis[0].FraudSignals); n != 0 {
		t.Errorf("the clean file has %d signals", n)
	}
	for _, s := range fa.Signals() {
		if s.Type == "" || s.PageNumber < 1 || s.Count < 1 || len(s.UnderlyingData) == 0 || s.UnderlyingData[0].Details[0].Value == "" {
			t.Errorf("signal %+v", s)
		}
	}
	// The content marker works too, whatever the name.
	res = e.send(t, "march.pdf", pdfBytes("x "+FraudContentMarker), "")
	done, _ = e.upload.Complete(ctx, res.AggregationID)
	if fa, err := e.client.GetFraudAnalysis(ctx, done.LoginID()); err != nil || !fa.FraudDetected() {
		t.Fatalf("content marker: %+v, %v", fa, err)
	}
}

func TestFraudAnalysisAuth(t *testing.T) {
	e := newUploadEnv(t, Options{})
	ctx := context.Background()
	res := e.send(t, "a.pdf", pdfBytes("a"), "")
	done, _ := e.upload.Complete(ctx, res.AggregationID)
	bad, _ := flinks.NewClient(e.base, flinks.WithAPISecret("wrong"))
	if _, err := bad.GetFraudAnalysis(ctx, done.LoginID()); !errors.Is(err, flinks.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := e.client.GetFraudAnalysis(ctx, "0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"); !errors.Is(err, flinks.ErrInvalidLogin) {
		t.Fatalf("unknown login: %v", err)
	}
	if _, err := e.client.GetFraudAnalysis(ctx, e.login(t, UserGreatday)); !errors.Is(err, flinks.ErrNotFound) {
		t.Fatalf("connect login: %v", err)
	}
}

func TestUploadTokenRenewedAfterExpiry(t *testing.T) {
	e := newUploadEnv(t, Options{})
	e.send(t, "a.pdf", pdfBytes("a"), "")
	e.clock.Advance(DefaultUploadTokenTTL)
	e.send(t, "b.pdf", pdfBytes("b"), "")
	if n := e.sim.Requests(EndpointUploadToken); n != 2 {
		t.Fatalf("%d token requests; want a renewal", n)
	}
	if n := e.sim.Requests(EndpointUpload); n != 2 {
		t.Fatalf("%d upload requests; the client renewed late", n)
	}
}

// TestUploadTokenExpiryEnforced: the client's clock lags, so it still trusts a token the
// simulator's clock expired; the 401 makes it fetch a new one and resend once.
func TestUploadTokenExpiryEnforced(t *testing.T) {
	frozen := newClock()
	e := newUploadEnv(t, Options{}, flinks.WithUploadClock(frozen.Now))
	e.send(t, "a.pdf", pdfBytes("a"), "")
	e.clock.Advance(DefaultUploadTokenTTL + time.Second)
	e.send(t, "b.pdf", pdfBytes("b"), "")
	if tok, up := e.sim.Requests(EndpointUploadToken), e.sim.Requests(EndpointUpload); tok != 2 || up != 3 {
		t.Fatalf("%d token and %d upload requests; want 2 and 3 (one refused)", tok, up)
	}
}

func TestUploadWrongClientSecret(t *testing.T) {
	e := newUploadEnv(t, Options{})
	cfg := e.cfg
	cfg.ClientSecret = "wrong+secret"
	c, err := flinks.NewUploadClient(cfg, flinks.WithUploadClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Upload(context.Background(), flinks.UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdfBytes("a"))}, "", "", "")
	if !errors.Is(err, flinks.ErrUnauthorized) || strings.Contains(err.Error(), "wrong+secret") || e.sim.Requests(EndpointUpload) != 0 {
		t.Fatalf("err = %v", err)
	}
}

func TestUploadCertificateReloadAgainstSimulator(t *testing.T) {
	e := newUploadEnv(t, Options{})
	e.send(t, "a.pdf", pdfBytes("a"), "")
	old := e.upload.Certificate().SerialNumber
	certPEM, keyPEM, err := e.sim.IssueClientCertificate(ClientCertOptions{CommonName: "rotated", RSA: true, PKCS1: true})
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Dir(e.cfg.CertFile), "client.pem", certPEM)
	write(t, filepath.Dir(e.cfg.KeyFile), "client.key", keyPEM)
	if changed, err := e.upload.ReloadIfChanged(); !changed || err != nil {
		t.Fatalf("ReloadIfChanged = %v, %v", changed, err)
	}
	if got := e.upload.Certificate(); got.SerialNumber.Cmp(old) == 0 || got.Subject.CommonName != "rotated" {
		t.Fatalf("certificate not swapped: %v", got.Subject)
	}
	e.send(t, "b.pdf", pdfBytes("b"), "")
}

// mtlsClient is a plain client for the failure matrix.
func mtlsClient(roots []byte, certPEM, keyPEM []byte, maxVersion uint16) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(roots)
	cfg := &tls.Config{RootCAs: pool, MaxVersion: maxVersion, MinVersion: tls.VersionTLS10}
	if certPEM != nil {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			panic(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

func tokenRequest(c *http.Client, base string, form url.Values) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, base+EndpointUploadToken, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultUploadClientID, DefaultUploadClientSecret)
	resp, err := c.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

var goodForm = url.Values{"grant_type": {"client_credentials"}, "scope": {"ocr.write"}}

func TestMTLSMatrix(t *testing.T) {
	e := newUploadEnv(t, Options{})
	ca := e.sim.CACertPEM()
	certPEM, keyPEM, _ := e.sim.IssueClientCertificate(ClientCertOptions{})
	other, _ := New(Options{})
	otherCert, otherKey, _ := other.IssueClientCertificate(ClientCertOptions{})
	expiredCert, expiredKey, _ := e.sim.IssueClientCertificate(ClientCertOptions{
		NotBefore: e.clock.Now().AddDate(-2, 0, 0), NotAfter: e.clock.Now().AddDate(-1, 0, 0)})

	resp, err := tokenRequest(mtlsClient(ca, certPEM, keyPEM, 0), e.url, goodForm)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("control: a trusted certificate must work: %v", err)
	}
	for name, c := range map[string]*http.Client{
		"no client certificate":            mtlsClient(ca, nil, nil, 0),
		"certificate from an untrusted CA": mtlsClient(ca, otherCert, otherKey, 0),
		"expired certificate":              mtlsClient(ca, expiredCert, expiredKey, 0),
		"TLS 1.1 at most":                  mtlsClient(ca, certPEM, keyPEM, tls.VersionTLS11),
		"server from an untrusted CA":      mtlsClient(other.CACertPEM(), certPEM, keyPEM, 0),
	} {
		if resp, err := tokenRequest(c, e.url, goodForm); err == nil {
			t.Errorf("%s: got %d; want a TLS failure", name, resp.StatusCode)
		}
	}
	// The client library refuses the same cases on its side.
	cfg := e.cfg
	cfg.CAFile = write(t, t.TempDir(), "other-ca.pem", other.CACertPEM())
	c, err := flinks.NewUploadClient(cfg, flinks.WithUploadClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Upload(context.Background(), flinks.UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdfBytes("a"))}, "", "", ""); !errors.Is(err, flinks.ErrUpstream) {
		t.Errorf("client with an untrusted server: %v", err)
	}
	cfg = e.cfg
	cfg.CertFile = write(t, t.TempDir(), "expired.pem", expiredCert)
	cfg.KeyFile = write(t, t.TempDir(), "expired.key", expiredKey)
	if _, err := flinks.NewUploadClient(cfg, flinks.WithUploadClock(e.clock.Now)); !errors.Is(err, flinks.ErrCertExpired) {
		t.Errorf("expired certificate at load: %v", err)
	}
}

func TestUploadTokenEndpointChecks(t *testing.T) {
	e := newUploadEnv(t, Options{})
	cert, key, _ := e.sim.IssueClientCertificate(ClientCertOptions{})
	c := mtlsClient(e.sim.CACertPEM(), cert, key, 0)
	for name, tt := range map[string]struct {
		form   url.Values
		status int
	}{
		"no scope":        {url.Values{"grant_type": {"client_credentials"}}, 400},
		"other scope":     {url.Values{"grant_type": {"client_credentials"}, "scope": {"ocr.read"}}, 400},
		"password grant":  {url.Values{"grant_type": {"password"}, "scope": {"ocr.write"}}, 400},
		"both right":      {goodForm, 200},
		"scope among two": {url.Values{"grant_type": {"client_credentials"}, "scope": {"other ocr.write"}}, 200},
	} {
		resp, err := tokenRequest(c, e.url, tt.form)
		if err != nil || resp.StatusCode != tt.status {
			t.Errorf("%s: %v %v; want %d", name, resp.StatusCode, err, tt.status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+EndpointUploadToken, strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(DefaultUploadClientID, DefaultUploadClientSecret)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("JSON token request: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("JSON token request: %d", resp.StatusCode)
	}
}

// rawUpload posts an upload body with a fresh token, bypassing the client's checks.
func rawUpload(t *testing.T, c *http.Client, base, path string, body any) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+EndpointUploadToken, strings.NewReader(goodForm.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultUploadClientID, DefaultUploadClientSecret)
	tr, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(tr.Body).Decode(&tok)
	tr.Body.Close()
	if tok.ExpiresIn != 300 {
		t.Errorf("expires_in = %d; want 300", tok.ExpiresIn)
	}
	b, _ := json.Marshal(body)
	req, _ = http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	ur, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer ur.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(ur.Body).Decode(&out)
	return ur.StatusCode, out
}

func file(name string, data []byte) map[string]any {
	return map[string]any{"FileName": name, "Content": base64.StdEncoding.EncodeToString(data)}
}

func padPDF(n int) []byte {
	b := bytes.Repeat([]byte{'x'}, n)
	copy(b, "%PDF-")
	return b
}

// TestSimulatorLimits checks the simulator's own limits (lowered so the test stays small)
// at the limit and one past, and its type checks.
func TestSimulatorLimits(t *testing.T) {
	e := newUploadEnv(t, Options{MaxFileSize: 1000, MaxUploadSize: 2500})
	cert, key, _ := e.sim.IssueClientCertificate(ClientCertOptions{})
	c := mtlsClient(e.sim.CACertPEM(), cert, key, 0)
	up := func(agg string, f map[string]any) (int, map[string]any) {
		body := map[string]any{"Files": []any{f}}
		if agg != "" {
			body["AggregationId"] = agg
		}
		return rawUpload(t, c, e.url, EndpointUpload, body)
	}
	if st, _ := up("", file("big.pdf", padPDF(1001))); st != 413 {
		t.Errorf("file one past the limit: %d", st)
	}
	st, out := up("", file("a.pdf", padPDF(1000)))
	if st != 200 {
		t.Fatalf("file at the limit: %d %v", st, out)
	}
	agg := out["AggregationId"].(string)
	if st, _ := up(agg, file("b.pdf", padPDF(1000))); st != 200 {
		t.Fatalf("second file: %d", st)
	}
	if st, _ := up(agg, file("c.pdf", padPDF(501))); st != 413 {
		t.Errorf("upload one past the limit: %d", st)
	}
	if st, _ := up(agg, file("c.pdf", padPDF(500))); st != 200 {
		t.Errorf("upload at the limit: %d", st)
	}
	for name, f := range map[string]map[string]any{
		"pdf name, png bytes": file("x.pdf", []byte("\x89PNG\r\n\x1a\nxx")),
		"pdf name, text":      file("x.pdf", []byte("hello")),
		"docx":                file("x.docx", []byte("PK\x03\x04")),
		"not base64":          {"FileName": "x.pdf", "Content": "%%%"},
		"path in name":        file("../x.pdf", padPDF(10)),
	} {
		if st, _ := up("", f); st != 400 {
			t.Errorf("%s: %d; want 400", name, st)
		}
	}
	if st, _ := rawUpload(t, c, e.url, EndpointUpload, map[string]any{"Files": []any{file("a.pdf", padPDF(5)), file("b.pdf", padPDF(5))}}); st != 400 {
		t.Errorf("two files in a request: %d", st)
	}
	if st, _ := up("0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44", file("a.pdf", padPDF(5))); st != 400 {
		t.Errorf("unknown aggregation: %d", st)
	}
	// The seed's unprefixed path is served too.
	if st, _ := rawUpload(t, c, e.url, "/upload", map[string]any{"Files": []any{file("a.tif", []byte("II*\x00data"))}}); st != 200 {
		t.Errorf("/upload: %d", st)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+EndpointUpload, strings.NewReader(`{}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("no bearer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no bearer: %d", resp.StatusCode)
	}
	if o := withDefaults(Options{}); o.MaxFileSize != 18_000_000 || o.MaxUploadSize != 180_000_000 || o.UploadTokenTTL != 300*time.Second {
		t.Errorf("default limits %d/%d/%v differ from the seed", o.MaxFileSize, o.MaxUploadSize, o.UploadTokenTTL)
	}
}
