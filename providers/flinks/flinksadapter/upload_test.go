package flinksadapter_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
	"github.com/fingraph/fingraph/providers/guard"
)

// fakeClock is a settable clock shared by the simulator and the clients.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// uploadSim is a simulator serving the data and Upload APIs, with a client
// certificate from its CA written to files.
type uploadSim struct {
	sim                *flinkssim.Server
	dataURL, uploadURL string
	dir                string
	cert, key, ca      string
}

// startUploadSim starts the simulator's data and Upload APIs.
func startUploadSim(t *testing.T, o flinkssim.Options) *uploadSim {
	t.Helper()
	if o.HistoryDays == 0 {
		o.HistoryDays = 30
	}
	sim, dataURL := flinkssim.NewTestServer(t, o)
	e := &uploadSim{sim: sim, dataURL: dataURL, uploadURL: flinkssim.NewUploadTestServer(t, sim), dir: t.TempDir()}
	certPEM, keyPEM, err := sim.IssueClientCertificate(flinkssim.ClientCertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.cert = writeTestFile(t, e.dir, "client.pem", certPEM)
	e.key = writeTestFile(t, e.dir, "client.key", keyPEM)
	e.ca = writeTestFile(t, e.dir, "ca.pem", sim.CACertPEM())
	return e
}

func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// env is the server environment pointing at the simulator.
func (e *uploadSim) env() map[string]string {
	return map[string]string{
		"FLINKS_BASE_URL": e.dataURL, "FLINKS_SECRET_KEY": flinkssim.DefaultSecretKey, "FLINKS_API_KEY": flinkssim.DefaultAPIKey,
		"FLINKS_UPLOAD_URL": e.uploadURL, "FLINKS_UPLOAD_CLIENT_ID": flinkssim.DefaultUploadClientID,
		"FLINKS_UPLOAD_CLIENT_SECRET": flinkssim.DefaultUploadClientSecret, "FLINKS_UPLOAD_CERT": e.cert,
		"FLINKS_UPLOAD_KEY": e.key, "FLINKS_UPLOAD_CA": e.ca, "FLINKS_API_SECRET": flinkssim.DefaultAPISecret,
		"FLINKS_TIMEOUT": "20s", "FLINKS_UPLOAD_TIMEOUT": "20s",
	}
}

// loadConfig loads and validates the Flinks section from env.
func loadConfig(env map[string]string) (*flinksadapter.Config, error) {
	r := config.NewReader(func(k string) string { return env[k] })
	var c flinksadapter.Config
	c.Load(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return &c, c.Validate(config.EnvProduction)
}

// adapter builds the adapter the way the server does, from the
// environment; with clock, its Upload API client uses that clock.
func (e *uploadSim) adapter(t *testing.T, clock *fakeClock) *flinksadapter.Adapter {
	t.Helper()
	cfg, err := loadConfig(e.env())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var a *flinksadapter.Adapter
	if clock == nil {
		a, err = cfg.New(guard.Hooks{})
	} else {
		a, err = newAdapterWithClock(cfg, clock)
	}
	if err != nil {
		t.Fatalf("adapter: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if !a.UploadsConfigured() {
		t.Fatal("uploads not configured")
	}
	return a
}

func newAdapterWithClock(cfg *flinksadapter.Config, clock *fakeClock) (*flinksadapter.Adapter, error) {
	client, err := cfg.NewClient(guard.Hooks{})
	if err != nil {
		return nil, err
	}
	up, err := cfg.NewUploadClient(guard.Hooks{}, flinks.WithUploadClock(clock.Now))
	if err != nil {
		return nil, err
	}
	return flinksadapter.NewWithUploads(client, flinksadapter.Options{Now: clock.Now}, up, flinksadapter.UploadOptions{}), nil
}

// Minimal files of each accepted type (only the magic bytes matter).
var (
	pdfFile  = []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	pngFile  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	jpegFile = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}
	tiffFile = []byte("II*\x00\x08\x00\x00\x00")
)

// upload checks a file and uploads it into session.
func upload(t *testing.T, a *flinksadapter.Adapter, session, name string, data []byte) string {
	t.Helper()
	typ, err := a.CheckStatement(name, data, int64(len(data)))
	if err != nil {
		t.Fatalf("CheckStatement(%s): %v", name, err)
	}
	id, err := a.UploadStatement(context.Background(), session,
		provider.StatementFile{Name: name, Type: typ, Size: int64(len(data)), Body: bytes.NewReader(data)}, "tag-1", "ACME Lending")
	if err != nil {
		t.Fatalf("UploadStatement(%s): %v", name, err)
	}
	if id == "" || (session != "" && id != session) {
		t.Fatalf("UploadStatement(%s) session %q after %q", name, id, session)
	}
	return id
}

// TestUploadCompleteFraudAnalysis runs the whole path for the clean and
// the "fraud found" shapes: two files in one session, Complete into a
// pending login whose data the adapter then fetches, and the fraud
// analysis polled until Done.
func TestUploadCompleteFraudAnalysis(t *testing.T) {
	for _, tc := range []struct {
		name, second string
		fraud        bool
	}{
		{"clean", "february.png", false},
		{"fraud found", "february-fraud.png", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			clock := newFakeClock()
			e := startUploadSim(t, flinkssim.Options{Now: clock.Now, ExtractionDelay: time.Minute})
			a := e.adapter(t, clock)

			session := upload(t, a, "", "january.pdf", pdfFile)
			upload(t, a, session, tc.second, pngFile)
			link, err := a.CompleteStatements(ctx, session)
			if err != nil {
				t.Fatalf("CompleteStatements: %v", err)
			}
			if link.Ref == "" || link.Ref == session {
				t.Fatalf("link ref %q (session %q)", link.Ref, session)
			}
			var st struct {
				Institution  string     `json:"institution"`
				PendingSince *time.Time `json:"pending_since"`
			}
			if err := json.Unmarshal(link.State, &st); err != nil || st.Institution != "FlinksUpload" ||
				st.PendingSince == nil || !st.PendingSince.Equal(clock.Now()) {
				t.Fatalf("link state %s: %v", link.State, err)
			}
			creds := &models.Credentials{Provider: models.ProviderFlinks, ProviderRef: link.Ref, ProviderState: link.State}
			if s, _ := a.Status(ctx, creds); !s.Pending {
				t.Fatal("a completed upload is not pending while Flinks extracts")
			}

			fa := pollFraud(t, a, clock, link.Ref)
			checkFraud(t, fa, tc.fraud)

			// The ref is the login of the data API: its extracted data is served.
			rows, err := a.Fetch(ctx, creds, models.ProductAccounts)
			if err != nil || len(rows.Accounts) == 0 {
				t.Fatalf("fetch of the upload login: %v", err)
			}
		})
	}
}

// pollFraud polls the fraud analysis as a caller would, the clock moving
// by the poll interval, until Done.
func pollFraud(t *testing.T, a *flinksadapter.Adapter, clock *fakeClock, ref string) *provider.FraudAnalysis {
	t.Helper()
	for polls := 1; ; polls++ {
		fa, err := a.FraudAnalysis(context.Background(), ref)
		if err != nil {
			t.Fatalf("FraudAnalysis: %v", err)
		}
		if fa.Done {
			if polls == 1 {
				t.Fatal("done at the first poll; the extraction delay did not apply")
			}
			return fa
		}
		if len(fa.Documents) != 2 || fa.Documents[0].Status != flinkssim.StatusProcessing {
			t.Fatalf("running analysis %+v", fa)
		}
		if polls > 5 {
			t.Fatal("not done after 5 polls")
		}
		clock.Advance(a.FraudPollInterval())
	}
}

func checkFraud(t *testing.T, fa *provider.FraudAnalysis, fraud bool) {
	t.Helper()
	if len(fa.Documents) != 2 {
		t.Fatalf("%d documents, want 2", len(fa.Documents))
	}
	for i, d := range fa.Documents {
		if d.Status != "COMPLETED" || len(d.Results) != 1 || d.Results[0].DocumentType != flinks.DocumentTypeBankStatement {
			t.Fatalf("document %d: %+v", i, d)
		}
	}
	if !fraud {
		if fa.Message != "No Fraud Signal Detected" || len(fa.Documents[0].Results[0].Signals) != 0 ||
			len(fa.Documents[1].Results[0].Signals) != 0 {
			t.Fatalf("clean analysis %+v", fa)
		}
		if b, _ := json.Marshal(fa); !bytes.Contains(b, []byte(`"signals":[]`)) {
			t.Fatalf("empty signals do not encode as []: %s", b)
		}
		return
	}
	if fa.Message != "" || len(fa.Documents[0].Results[0].Signals) != 0 {
		t.Fatalf("fraud analysis: message %q, signals of the clean file %+v", fa.Message, fa.Documents[0].Results[0].Signals)
	}
	sigs := fa.Documents[1].Results[0].Signals
	if len(sigs) == 0 {
		t.Fatal("no signals for the fraud file")
	}
	for _, s := range sigs {
		if s.Type == "" || s.PageNumber < 1 || s.Count < 1 || len(s.Details) == 0 || s.Details[0].Value == "" ||
			s.Details[0].SpecificType == "" || s.Details[0].DataType == "" {
			t.Fatalf("signal %+v", s)
		}
	}
}

// TestCheckStatement: the type comes from the content, the size limit is
// 18,000,000 bytes inclusive, and refusals are user errors naming the
// file but never its content.
func TestCheckStatement(t *testing.T) {
	a := flinksadapter.New(nil, flinksadapter.Options{})
	for _, tc := range []struct {
		name     string
		head     []byte
		size     int64
		wantType string // "" expects a refusal
		wantMsg  string
	}{
		{"statement.pdf", pdfFile, int64(len(pdfFile)), flinks.FileTypePDF, ""},
		{"scan.png", pngFile, 1000, flinks.FileTypePNG, ""},
		{"scan.jpg", jpegFile, 1000, flinks.FileTypeJPEG, ""},
		{"scan.jpeg", jpegFile, 1000, flinks.FileTypeJPEG, ""},
		{"scan.tiff", tiffFile, 1000, flinks.FileTypeTIFF, ""},
		{"MM-scan.tif", []byte("MM\x00*\x00\x00\x00\x08"), 1000, flinks.FileTypeTIFF, ""},
		{"no extension", pdfFile, 1000, flinks.FileTypePDF, ""},
		{"statement.txt", pdfFile, 1000, flinks.FileTypePDF, ""}, // an unknown extension gets the type's
		{"at-limit.pdf", pdfFile, flinks.MaxUploadFileSize, flinks.FileTypePDF, ""},
		{"over-limit.pdf", pdfFile, flinks.MaxUploadFileSize + 1, "", `"over-limit.pdf" is larger than 18 MB`},
		{"empty.pdf", nil, 0, "", `"empty.pdf" is empty`},
		{"text.pdf", []byte("SECRET-ACCOUNT 12345 not a pdf"), 30, "", `"text.pdf" is not a PDF, PNG, JPEG or TIFF file`},
		{"image.pdf", pngFile, 1000, "", `"image.pdf" is a PNG file but its name says otherwise`},
		{"no-head.pdf", nil, 1000, "", `"no-head.pdf" is not a PDF`},
		{`C:\Users\me\bank.pdf`, nil, 0, "", `"bank.pdf" is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, err := a.CheckStatement(tc.name, tc.head, tc.size)
			if tc.wantType != "" {
				if err != nil || typ != tc.wantType {
					t.Fatalf("CheckStatement = %q, %v; want %s", typ, err, tc.wantType)
				}
				return
			}
			var f *provider.Failure
			if !errors.As(err, &f) || f.Kind != apperr.ErrInvalidInput || f.Code != provider.CodeInvalid ||
				!strings.HasPrefix(f.Public, tc.wantMsg) {
				t.Fatalf("CheckStatement = %q, %#v; want an invalid input %q", typ, err, tc.wantMsg)
			}
			if !errors.Is(err, apperr.ErrInvalidInput) || strings.Contains(f.Public, "SECRET-ACCOUNT") {
				t.Fatalf("public message %q", f.Public)
			}
		})
	}
	if got := a.MaxStatementBytes(); got != 180_000_000 {
		t.Fatalf("MaxStatementBytes = %d", got)
	}
}

// TestUploadRefusesWhatCheckWouldRefuse: the client checks the body it
// sends, so a body other than the one checked is a user error too.
func TestUploadRefusesWhatCheckWouldRefuse(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	a := e.adapter(t, nil)
	ctx := context.Background()
	for _, f := range []provider.StatementFile{
		{Name: "a.pdf", Type: flinks.FileTypePDF, Body: bytes.NewReader(pngFile)},
		{Name: "a.pdf", Type: flinks.FileTypePDF, Body: bytes.NewReader(nil)},
		{Name: "a.pdf", Type: flinks.FileTypePDF},
		{Name: "a.txt", Type: flinks.FileTypePDF, Body: bytes.NewReader([]byte("plain text"))},
	} {
		_, err := a.UploadStatement(ctx, "", f, "", "")
		if !errors.Is(err, apperr.ErrInvalidInput) {
			t.Fatalf("UploadStatement(%s): %v; want invalid input", f.Name, err)
		}
	}
	if n := e.sim.Requests(flinkssim.EndpointUpload); n != 0 {
		t.Fatalf("%d uploads reached Flinks", n)
	}
	if _, err := a.CompleteStatements(ctx, ""); !errors.Is(err, apperr.ErrInvalidInput) {
		t.Fatalf("CompleteStatements without a session: %v", err)
	}
}

// TestUploadTokenReuseAndRenewal: one token serves a whole session; a new
// one is fetched once it expired (the simulator enforces the expiry too).
func TestUploadTokenReuseAndRenewal(t *testing.T) {
	clock := newFakeClock()
	e := startUploadSim(t, flinkssim.Options{Now: clock.Now, UploadTokenTTL: 300 * time.Second})
	a := e.adapter(t, clock)
	session := upload(t, a, "", "a.pdf", pdfFile)
	upload(t, a, session, "b.pdf", pdfFile)
	if _, err := a.CompleteStatements(context.Background(), session); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Requests(flinkssim.EndpointUploadToken); n != 1 {
		t.Fatalf("%d token requests for three calls; want 1", n)
	}
	clock.Advance(301 * time.Second)
	upload(t, a, "", "c.pdf", pdfFile)
	if n := e.sim.Requests(flinkssim.EndpointUploadToken); n != 2 {
		t.Fatalf("%d token requests after expiry; want 2", n)
	}
	if n := e.sim.Requests(flinkssim.EndpointUpload); n != 3 {
		t.Fatalf("%d upload requests; want 3 (an expired token was sent)", n)
	}
}

// otherCA issues a client certificate from a CA the simulator does not
// trust.
func otherCA(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "intruder"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})
}

// rawClient is an HTTPS client trusting the simulator CA, with tweaks.
func (e *uploadSim) rawClient(t *testing.T, tweak func(*tls.Config)) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(e.sim.CACertPEM())
	cfg := &tls.Config{RootCAs: roots}
	tweak(cfg)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// postToken posts a token request, reading the answer so that a TLS 1.3
// refusal of the client certificate (sent after the handshake) shows.
func postToken(hc *http.Client, url string) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/token", strings.NewReader("grant_type=client_credentials&scope=ocr.write"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(flinkssim.DefaultUploadClientID, flinkssim.DefaultUploadClientSecret)
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(res.Body)
	return res.StatusCode, err
}

// TestUploadMutualTLSFailures: the Upload API takes no connection without
// a client certificate from Flinks' CA, nor below TLS 1.2.
func TestUploadMutualTLSFailures(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	valid, err := tls.LoadX509KeyPair(e.cert, e.key)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("control", func(t *testing.T) {
		status, err := postToken(e.rawClient(t, func(c *tls.Config) { c.Certificates = []tls.Certificate{valid} }), e.uploadURL)
		if err != nil || status != http.StatusOK {
			t.Fatalf("a valid client: %d, %v", status, err)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		status, err := postToken(e.rawClient(t, func(*tls.Config) {}), e.uploadURL)
		if err == nil {
			t.Fatalf("answered %d without a client certificate", status)
		}
		t.Logf("refused: %v", err)
	})
	t.Run("TLS 1.1", func(t *testing.T) {
		status, err := postToken(e.rawClient(t, func(c *tls.Config) {
			c.Certificates = []tls.Certificate{valid}
			c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
		}), e.uploadURL)
		if err == nil {
			t.Fatalf("answered %d over TLS 1.1", status)
		}
		if !strings.Contains(err.Error(), "protocol version") {
			t.Fatalf("TLS 1.1 refused for another reason: %v", err)
		}
		t.Logf("refused: %v", err)
	})
	t.Run("certificate from another CA", func(t *testing.T) {
		certPEM, keyPEM := otherCA(t)
		env := e.env()
		env["FLINKS_UPLOAD_CERT"] = writeTestFile(t, t.TempDir(), "other.pem", certPEM)
		env["FLINKS_UPLOAD_KEY"] = writeTestFile(t, t.TempDir(), "other.key", keyPEM)
		cfg, err := loadConfig(env) // a well-formed certificate: only Flinks can refuse it
		if err != nil {
			t.Fatal(err)
		}
		a, err := cfg.New(guard.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		_, err = a.UploadStatement(context.Background(), "",
			provider.StatementFile{Name: "a.pdf", Type: flinks.FileTypePDF, Body: bytes.NewReader(pdfFile)}, "", "")
		var f *provider.Failure
		if !errors.As(err, &f) || f.Kind != apperr.ErrUpstreamUnavailable {
			t.Fatalf("UploadStatement with a foreign certificate: %v", err)
		}
		checkNoSecrets(t, err)
		t.Logf("refused: %v", err)
		if n := e.sim.Requests(flinkssim.EndpointUpload); n != 0 {
			t.Fatalf("%d uploads got through", n)
		}
	})
}

// checkNoSecrets fails when err's message holds a configured secret.
func checkNoSecrets(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{flinkssim.DefaultUploadClientSecret, flinkssim.DefaultAPISecret, flinkssim.DefaultSecretKey,
		"wrong-upload-secret", "wrong-api-secret"} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error leaks a secret: %v", err)
		}
	}
}

// TestUploadRefusedCredentials: refused Upload API credentials or API
// secret are our configuration's fault, reported without the secret.
func TestUploadRefusedCredentials(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	ctx := context.Background()
	good := e.adapter(t, nil)
	session := upload(t, good, "", "a.pdf", pdfFile)
	link, err := good.CompleteStatements(ctx, session)
	if err != nil {
		t.Fatal(err)
	}

	env := e.env()
	env["FLINKS_UPLOAD_CLIENT_SECRET"], env["FLINKS_API_SECRET"] = "wrong-upload-secret", "wrong-api-secret"
	cfg, err := loadConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := cfg.New(guard.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.UploadStatement(ctx, "", provider.StatementFile{Name: "a.pdf", Body: bytes.NewReader(pdfFile)}, "", "")
	var f *provider.Failure
	if !errors.As(err, &f) || f.Code != provider.CodeUnauthorized {
		t.Fatalf("upload with a wrong client secret: %v", err)
	}
	checkNoSecrets(t, err)
	_, err = bad.FraudAnalysis(ctx, link.Ref)
	if !errors.As(err, &f) || f.Code != provider.CodeUnauthorized {
		t.Fatalf("fraud analysis with a wrong API secret: %v", err)
	}
	checkNoSecrets(t, err)
	if strings.Contains(err.Error(), link.Ref) {
		t.Fatalf("error holds the login id: %v", err)
	}
}

// TestFraudAnalysisErrors: a login without an upload, and a ref that is
// not a LoginId.
func TestFraudAnalysisErrors(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	a := e.adapter(t, nil)
	ctx := context.Background()
	id, err := e.sim.CreateLogin(flinkssim.UserGreatdayNoMFA, flinkssim.TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.FraudAnalysis(ctx, id); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("fraud analysis of a Connect login: %v", err)
	}
	if _, err := a.FraudAnalysis(ctx, "not-a-login"); !errors.Is(err, apperr.ErrInvalidInput) {
		t.Fatalf("fraud analysis of a bad ref: %v", err)
	}
}

// TestUploadsNotConfigured: an adapter without the Upload API still is a
// StatementUploader (Go's static view) but says so and refuses with
// UNSUPPORTED.
func TestUploadsNotConfigured(t *testing.T) {
	a, _ := newAdapter(t, flinkssim.Options{}, flinksadapter.Options{})
	ctx := context.Background()
	if a.UploadsConfigured() {
		t.Fatal("UploadsConfigured without an upload client")
	}
	var up provider.StatementUploader = a
	_, err1 := up.UploadStatement(ctx, "", provider.StatementFile{Name: "a.pdf", Body: bytes.NewReader(pdfFile)}, "", "")
	_, err2 := up.CompleteStatements(ctx, "agg")
	_, err3 := up.FraudAnalysis(ctx, "aabf32b7-2f4e-4248-8895-b47b7ebc5a3c")
	for _, err := range []error{err1, err2, err3} {
		var f *provider.Failure
		if !errors.As(err, &f) || f.Kind != apperr.ErrUnsupported {
			t.Fatalf("without uploads: %v", err)
		}
	}
	if err := a.ReloadCertificates(); err != nil {
		t.Fatal(err)
	}
	a.WatchCertificates(ctx, nil) // returns at once
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCertificateReloadAndClose: a reload keeps the current certificate
// when the new files are bad, the watcher stops with its context, and
// Close ends uploads.
func TestCertificateReloadAndClose(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	a := e.adapter(t, nil)
	if err := a.ReloadCertificates(); err != nil {
		t.Fatalf("reload of valid files: %v", err)
	}
	certPEM, keyPEM, err := e.sim.IssueClientCertificate(flinkssim.ClientCertOptions{
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, e.dir, "client.pem", certPEM)
	writeTestFile(t, e.dir, "client.key", keyPEM)
	if err := a.ReloadCertificates(); !errors.Is(err, flinks.ErrCertExpired) {
		t.Fatalf("reload of an expired certificate: %v", err)
	}
	upload(t, a, "", "a.pdf", pdfFile) // still the valid certificate

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		a.WatchCertificates(ctx, func(error) {})
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("WatchCertificates did not return after its context ended")
	}

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if a.UploadsConfigured() {
		t.Fatal("uploads configured after Close")
	}
	_, err = a.UploadStatement(context.Background(), "", provider.StatementFile{Name: "a.pdf", Body: bytes.NewReader(pdfFile)}, "", "")
	if !errors.Is(err, apperr.ErrUnsupported) {
		t.Fatalf("upload after Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}
