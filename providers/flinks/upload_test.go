package flinks

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

const testAggregation = "d521ae0d-9cf1-40e1-a1ee-474983800601"

func TestUploadAndComplete(t *testing.T) {
	e := setupUpload(t)
	var tok atomic.Value
	tok.Store("tok-1")
	var uploads atomic.Int32
	e.mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) {
		uploads.Add(1)
		testHeader(t, r, "Authorization", "Bearer tok-1")
		want := `{"Files":[{"FileName":"statement_january.pdf","Content":"` + "JVBERi0xLjcKamtsbW4=" + `"}],"Tag":"t1","ClientName":"ACME"}`
		if uploads.Load() == 2 {
			want = `{"AggregationId":"` + testAggregation + `","Files":[{"FileName":"feb.png","Content":"iVBORw0KGgo="}]}`
		}
		testJSONBody(t, r, want)
		writeJSON(w, 200, `{"HttpStatusCode":200,"AggregationId":"`+testAggregation+`","Message":"The files were uploaded successfully. Please send the next file(s)."}`)
	})
	e.mux.HandleFunc("POST /api/v1/upload/complete", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer tok-1")
		testJSONBody(t, r, `{"AggregationId":"`+testAggregation+`"}`)
		writeJSON(w, 200, `{"HttpStatusCode":200,"AggregationId":"`+testAggregation+`","Login":{"Id":"aabf32b7-2f4e-4248-8895-b47b7ebc5a3c"},"Message":"All files were uploaded successfully. The OCR process will start shortly."}`)
	})
	ctx := context.Background()
	res, err := e.client.Upload(ctx, UploadFile{Name: "statement_january.pdf", ContentType: "application/pdf",
		Data: bytes.NewReader(pdf(14))}, "", "t1", "ACME")
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if res.AggregationID != testAggregation || res.FileType != FileTypePDF || res.Size != 14 || res.FileName != "statement_january.pdf" {
		t.Fatalf("result = %+v", res)
	}
	if _, err := e.client.Upload(ctx, UploadFile{Name: "feb", Data: bytes.NewReader([]byte("\x89PNG\r\n\x1a\n"))}, res.AggregationID, "", ""); err != nil {
		t.Fatalf("second Upload: %v", err)
	}
	done, err := e.client.Complete(ctx, res.AggregationID)
	if err != nil || done.LoginID() != "aabf32b7-2f4e-4248-8895-b47b7ebc5a3c" {
		t.Fatalf("Complete = %+v, %v", done, err)
	}
	if n := e.tokenCalls.Load(); n != 1 {
		t.Errorf("%d token calls for three API calls; want 1", n)
	}
}

func TestUploadTokenRenewal(t *testing.T) {
	e := setupUpload(t)
	var calls atomic.Int32
	var tok atomic.Value
	e.mux.HandleFunc("POST /api/v1/upload", uploadHandler(t, &tok, testAggregation, &calls))
	ctx := context.Background()
	up := func() {
		t.Helper()
		if _, err := e.client.Upload(ctx, UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", ""); err != nil {
			t.Fatalf("Upload: %v", err)
		}
	}
	tok.Store("tok-1")
	up()
	e.clock.Advance(269 * time.Second) // still 1 s before the 30 s safety margin
	up()
	if n := e.tokenCalls.Load(); n != 1 {
		t.Fatalf("%d token calls within the lifetime; want 1", n)
	}
	e.clock.Advance(2 * time.Second)
	tok.Store("tok-2")
	up()
	if n := e.tokenCalls.Load(); n != 2 {
		t.Fatalf("%d token calls after expiry; want 2", n)
	}
}

func TestUploadTokenSharedByConcurrentCalls(t *testing.T) {
	e := setupUpload(t)
	var calls atomic.Int32
	var tok atomic.Value
	tok.Store("tok-1")
	e.mux.HandleFunc("POST /api/v1/upload", uploadHandler(t, &tok, testAggregation, &calls))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.client.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", ""); err != nil {
				t.Errorf("Upload: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := e.tokenCalls.Load(); n != 1 || calls.Load() != 8 {
		t.Fatalf("%d token calls for %d uploads; want 1", n, calls.Load())
	}
}

func TestUpload401DropsTokenAndResendsOnce(t *testing.T) {
	e := setupUpload(t)
	var calls atomic.Int32
	revoked := "tok-1"
	e.mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") == "Bearer "+revoked {
			writeJSON(w, 401, `{"HttpStatusCode":401,"Message":"The access token is missing, invalid or expired"}`)
			return
		}
		writeJSON(w, 200, `{"HttpStatusCode":200,"AggregationId":"`+testAggregation+`"}`)
	})
	ctx := context.Background()
	if _, err := e.client.Upload(ctx, UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", ""); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if calls.Load() != 2 || e.tokenCalls.Load() != 2 {
		t.Fatalf("%d uploads, %d token calls; want 2 and 2", calls.Load(), e.tokenCalls.Load())
	}
	// A 401 that persists is returned after exactly one resend.
	revoked = "tok-2"
	e.mux.HandleFunc("POST /api/v1/upload/complete", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 401, `{"HttpStatusCode":401,"Message":"nope"}`)
	})
	calls.Store(0)
	_, err := e.client.Complete(ctx, testAggregation)
	if !errors.Is(err, ErrUnauthorized) || calls.Load() != 2 {
		t.Fatalf("err = %v after %d calls; want ErrUnauthorized after 2", err, calls.Load())
	}
}

func TestUploadTokenErrors(t *testing.T) {
	e := setupUpload(t)
	var calls atomic.Int32
	e.mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	e.tokenStatus.Store(401)
	_, err := e.client.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", "")
	if !errors.Is(err, ErrUnauthorized) || calls.Load() != 0 || e.tokenCalls.Load() != 1 {
		t.Fatalf("err = %v, %d uploads, %d token calls", err, calls.Load(), e.tokenCalls.Load())
	}
	if strings.Contains(err.Error(), testUploadClientSecret) {
		t.Fatalf("error %q holds the client secret", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Path != "/api/v1/token" || !strings.Contains(apiErr.Message, "invalid_client") {
		t.Fatalf("APIError = %+v", apiErr)
	}
	// 5xx on the token endpoint is retried (it is idempotent).
	e.tokenCalls.Store(0)
	e.tokenStatus.Store(503)
	_, err = e.client.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", "")
	if !errors.Is(err, ErrUpstream) || e.tokenCalls.Load() != 3 {
		t.Fatalf("err = %v after %d token calls; want ErrUpstream after 3", err, e.tokenCalls.Load())
	}
}

func TestUploadIsNotRetried(t *testing.T) {
	e := setupUpload(t, WithUploadGuards(guard.Policy{}))
	var calls atomic.Int32
	e.mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, `{"HttpStatusCode":503}`)
	})
	_, err := e.client.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, "", "", "")
	if !errors.Is(err, ErrUpstream) || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls; want ErrUpstream after exactly 1", err, calls.Load())
	}
}

func TestUploadErrorMapping(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   error
	}{
		{400, `{"HttpStatusCode":400,"Message":"Unknown AggregationId"}`, ErrInvalidRequest},
		{403, `{"HttpStatusCode":403}`, ErrForbidden},
		{413, `{"HttpStatusCode":413,"Message":"too big"}`, ErrUploadTooLarge},
		{500, `oops`, ErrUpstream},
		{200, `{"HttpStatusCode":200}`, ErrMalformedResponse},
		{200, `{"HttpStatusCode":200,"AggregationId":"other"}`, ErrMalformedResponse},
		{200, `{"HttpStatusCode":`, ErrMalformedResponse},
	}
	for _, tt := range tests {
		e := setupUpload(t)
		e.mux.HandleFunc("POST /api/v1/upload", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
		_, err := e.client.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(20))}, testAggregation, "", "")
		if !errors.Is(err, tt.want) {
			t.Errorf("%d %s: err = %v; want %v", tt.status, tt.body, err, tt.want)
		}
	}
}

// TestUploadLimits checks every limit at the limit and one past it, before anything is
// sent.
func TestUploadLimits(t *testing.T) {
	e := setupUpload(t)
	var calls atomic.Int32
	var tok atomic.Value
	e.mux.HandleFunc("POST /api/v1/upload", uploadHandler(t, &tok, testAggregation, &calls))
	ctx := context.Background()
	send := func(name string, data []byte, agg string) error {
		_, err := e.client.Upload(ctx, UploadFile{Name: name, Data: bytes.NewReader(data)}, agg, "", "")
		return err
	}
	// Per file: exactly 18,000,000 bytes goes out; one more byte does not.
	if err := send("big.pdf", pdf(MaxUploadFileSize), ""); err != nil {
		t.Fatalf("file at the limit: %v", err)
	}
	before := calls.Load()
	if err := send("big.pdf", pdf(MaxUploadFileSize+1), ""); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("file over the limit: %v", err)
	}
	// Per upload: the session total may reach 180,000,000 bytes, not pass it.
	const agg = "0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"
	e.client.addUploadedBytes(agg, MaxUploadTotalSize-100)
	if err := send("c.pdf", pdf(101), agg); !errors.Is(err, ErrUploadTooLarge) {
		t.Fatalf("upload one byte over: %v", err)
	}
	if calls.Load() != before {
		t.Fatal("a refused file was sent")
	}
	if err := send("c.pdf", pdf(100), agg); err != nil {
		t.Fatalf("upload at the limit: %v", err)
	}
	if e.client.uploadedBytes(agg) != MaxUploadTotalSize {
		t.Fatalf("session total = %d", e.client.uploadedBytes(agg))
	}
	if err := send("d.pdf", pdf(9), agg); !errors.Is(err, ErrUploadTooLarge) {
		t.Fatalf("upload past a full session: %v", err)
	}
	// Types by content, not by name.
	for _, tc := range []struct {
		name, ct string
		data     []byte
		want     error
	}{
		{"statement.pdf", "", []byte("just text, no PDF"), ErrUnsupportedFileType},
		{"statement.pdf", "", []byte("\x89PNG\r\n\x1a\nxx"), ErrFileTypeMismatch},
		{"scan.png", "application/pdf", []byte("\x89PNG\r\n\x1a\nxx"), ErrFileTypeMismatch},
		{"scan.docx", "", []byte("PK\x03\x04"), ErrUnsupportedFileType},
		{"empty.pdf", "", nil, ErrEmptyFile},
	} {
		_, err := e.client.Upload(ctx, UploadFile{Name: tc.name, ContentType: tc.ct, Data: bytes.NewReader(tc.data)}, "", "", "")
		if !errors.Is(err, tc.want) {
			t.Errorf("%s (%q): err = %v; want %v", tc.name, tc.ct, err, tc.want)
		}
	}
	if calls.Load() != before+1 {
		t.Fatalf("%d requests; refused files must not be sent", calls.Load()-before)
	}
}

func TestDetectFileType(t *testing.T) {
	tests := map[string]struct {
		data []byte
		want string
	}{
		"pdf":      {[]byte("%PDF-1.4\n..."), FileTypePDF},
		"png":      {[]byte("\x89PNG\r\n\x1a\n...."), FileTypePNG},
		"jpeg":     {[]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, FileTypeJPEG},
		"tiff le":  {[]byte("II*\x00\x08\x00"), FileTypeTIFF},
		"tiff be":  {[]byte("MM\x00*\x00\x08"), FileTypeTIFF},
		"pdf-ish":  {[]byte("%PDF"), ""},
		"gif":      {[]byte("GIF89a"), ""},
		"html":     {[]byte("<html>%PDF-</html>"), ""},
		"zip/docx": {[]byte("PK\x03\x04"), ""},
	}
	for name, tt := range tests {
		got, err := DetectFileType(tt.data)
		if got != tt.want || (tt.want == "") != errors.Is(err, ErrUnsupportedFileType) {
			t.Errorf("%s: DetectFileType = %q, %v; want %q", name, got, err, tt.want)
		}
	}
	if _, err := DetectFileType(nil); !errors.Is(err, ErrEmptyFile) {
		t.Errorf("empty: %v", err)
	}
}

func TestUploadFileName(t *testing.T) {
	tests := []struct {
		name, typ, want string
		err             error
	}{
		{"statement_january.pdf", FileTypePDF, "statement_january.pdf", nil},
		{"../../etc/passwd", FileTypePDF, "passwd.pdf", nil},
		{`C:\Users\me\scan.TIFF`, FileTypeTIFF, "scan.TIFF", nil},
		{"photo.jpeg", FileTypeJPEG, "photo.jpeg", nil},
		{"photo.jpg", FileTypePNG, "", ErrFileTypeMismatch},
		{"relevé été.pdf", FileTypePDF, "relev_ _t_.pdf", nil},
		{"", FileTypePNG, "document.png", nil},
		{"...", FileTypePDF, "document.pdf", nil},
		{"report.docx", FileTypePDF, "report.docx.pdf", nil},
		{"a\r\nb.pdf", FileTypePDF, "a__b.pdf", nil},
		{strings.Repeat("x", 300) + ".pdf", FileTypePDF, strings.Repeat("x", 96) + ".pdf", nil},
	}
	for _, tt := range tests {
		got, err := UploadFileName(tt.name, tt.typ)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("UploadFileName(%q, %s) = %q, %v; want %q, %v", tt.name, tt.typ, got, err, tt.want, tt.err)
		}
	}
}

func TestUploadConfigValidation(t *testing.T) {
	e := setupUpload(t)
	now := e.clock.Now()
	dir := t.TempDir()
	good := e.cfg
	expiredCert, expiredKey := e.pki.issue(t, certOpts{notBefore: now.AddDate(-2, 0, 0), notAfter: now.AddDate(-1, 0, 0)})
	futureCert, futureKey := e.pki.issue(t, certOpts{notBefore: now.Add(time.Hour), notAfter: now.AddDate(1, 0, 0)})
	otherCert, _ := e.pki.issue(t, certOpts{notBefore: now.Add(-time.Hour), notAfter: now.AddDate(1, 0, 0)})
	encrypted := []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
	w := func(name string, data []byte) string { return writeFile(t, filepath.Join(dir, name), data) }
	tests := []struct {
		name  string
		edit  func(c *UploadConfig)
		input UploadInput
		want  error
	}{
		{"cert file missing", func(c *UploadConfig) { c.CertFile = filepath.Join(dir, "nope.pem") }, InputCert, ErrFileUnreadable},
		{"cert not set", func(c *UploadConfig) { c.CertFile = "" }, InputCert, ErrConfigMissing},
		{"cert is a directory", func(c *UploadConfig) { c.CertFile = dir }, InputCert, ErrFileUnreadable},
		{"cert not PEM", func(c *UploadConfig) { c.CertFile = w("garbage.pem", []byte("hello")) }, InputCert, ErrNotPEM},
		{"cert file holds a key", func(c *UploadConfig) { c.CertFile = c.KeyFile }, InputCert, ErrNotPEM},
		{"cert expired", func(c *UploadConfig) {
			c.CertFile, c.KeyFile = w("exp.pem", expiredCert), w("exp.key", expiredKey)
		}, InputCert, ErrCertExpired},
		{"cert not yet valid", func(c *UploadConfig) {
			c.CertFile, c.KeyFile = w("fut.pem", futureCert), w("fut.key", futureKey)
		}, InputCert, ErrCertNotYetValid},
		{"key missing", func(c *UploadConfig) { c.KeyFile = filepath.Join(dir, "nope.key") }, InputKey, ErrFileUnreadable},
		{"key not PEM", func(c *UploadConfig) { c.KeyFile = w("bad.key", []byte("-----BEGIN X-----")) }, InputKey, ErrNotPEM},
		{"key file holds a certificate", func(c *UploadConfig) { c.KeyFile = c.CertFile }, InputKey, ErrNotPEM},
		{"key encrypted", func(c *UploadConfig) { c.KeyFile = w("enc.key", encrypted) }, InputKey, ErrKeyUnsupported},
		{"key of another certificate", func(c *UploadConfig) { c.CertFile = w("other.pem", otherCert) }, InputKey, ErrKeyMismatch},
		{"ca not PEM", func(c *UploadConfig) { c.CAFile = w("ca.txt", []byte("nope")) }, InputCA, ErrNotPEM},
		{"ca missing", func(c *UploadConfig) { c.CAFile = filepath.Join(dir, "none.pem") }, InputCA, ErrFileUnreadable},
		{"client id missing", func(c *UploadConfig) { c.ClientID = " " }, InputClientID, ErrConfigMissing},
		{"client secret missing", func(c *UploadConfig) { c.ClientSecret = "" }, InputClientSecret, ErrConfigMissing},
		{"plain http URL", func(c *UploadConfig) { c.BaseURL = "http://upload.example" }, InputUploadURL, ErrInvalidUploadURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			_, err := NewUploadClient(cfg, WithUploadClock(e.clock.Now))
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Input != tt.input || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v; want input %s, %v", err, tt.input, tt.want)
			}
			if strings.Contains(err.Error(), testUploadClientSecret) || strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Fatalf("error %q leaks a secret", err)
			}
		})
	}
}

func TestUploadKeyFormats(t *testing.T) {
	e := setupUpload(t)
	now := e.clock.Now()
	var calls atomic.Int32
	var tok atomic.Value
	e.mux.HandleFunc("POST /api/v1/upload", uploadHandler(t, &tok, testAggregation, &calls))
	for _, format := range []string{"pkcs1", "sec1", "pkcs8"} {
		certPEM, keyPEM := e.pki.issue(t, certOpts{notBefore: now.Add(-time.Hour), notAfter: now.AddDate(1, 0, 0), keyFormat: format})
		cfg := e.cfg
		cfg.CertFile = writeFile(t, filepath.Join(e.dir, format+".pem"), certPEM)
		cfg.KeyFile = writeFile(t, filepath.Join(e.dir, format+".key"), keyPEM)
		c, err := NewUploadClient(cfg, WithUploadClock(e.clock.Now))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if _, err := c.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(10))}, "", "", ""); err != nil {
			t.Fatalf("%s upload: %v", format, err)
		}
		c.Close()
	}
}

func TestUploadCertificateReload(t *testing.T) {
	e := setupUpload(t)
	now := e.clock.Now()
	var calls atomic.Int32
	var tok atomic.Value
	e.mux.HandleFunc("POST /api/v1/upload", uploadHandler(t, &tok, testAggregation, &calls))
	ctx := context.Background()
	up := func() error {
		_, err := e.client.Upload(ctx, UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(10))}, "", "", "")
		return err
	}
	if err := up(); err != nil {
		t.Fatal(err)
	}
	oldSerial := e.client.Certificate().SerialNumber.Int64()
	if changed, err := e.client.ReloadIfChanged(); changed || err != nil {
		t.Fatalf("unchanged files: changed=%v, %v", changed, err)
	}
	// A broken file on reload keeps the current certificate.
	if err := os.WriteFile(e.cfg.CertFile, []byte("half-written"), 0o600); err != nil {
		t.Fatal(err)
	}
	var ce *ConfigError
	if err := e.client.Reload(); !errors.As(err, &ce) || ce.Input != InputCert {
		t.Fatalf("Reload of a broken file: %v", err)
	}
	if err := up(); err != nil || e.client.Certificate().SerialNumber.Int64() != oldSerial {
		t.Fatalf("the broken reload replaced the certificate: %v", err)
	}
	// Rotate: the next connection presents the new certificate.
	certPEM, keyPEM := e.pki.issue(t, certOpts{notBefore: now.Add(-time.Hour), notAfter: now.AddDate(2, 0, 0), serial: 4242})
	writeFile(t, e.cfg.CertFile, certPEM)
	writeFile(t, e.cfg.KeyFile, keyPEM)
	ticks := make(chan time.Time)
	errs := make(chan error, 1)
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.client.watch(wctx, ticks, func(err error) { errs <- err })
	}()
	ticks <- e.clock.Now()
	ticks <- e.clock.Now() // the second tick is taken only after the first reload ran
	stop()
	<-done
	select {
	case err := <-errs:
		t.Fatalf("watch: %v", err)
	default:
	}
	if got := e.client.Certificate().SerialNumber.Int64(); got != 4242 {
		t.Fatalf("certificate serial after reload = %d; want 4242", got)
	}
	if err := up(); err != nil {
		t.Fatalf("upload after reload: %v", err)
	}
	if _, seen := e.peerSerials.Load(int64(4242)); !seen {
		t.Fatal("the server never saw the reloaded certificate")
	}
}

func TestUploadRequiresTrustedServer(t *testing.T) {
	e := setupUpload(t)
	cfg := e.cfg
	cfg.CAFile = "" // system roots do not know the test CA
	c, err := NewUploadClient(cfg, WithUploadClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Upload(context.Background(), UploadFile{Name: "a.pdf", Data: bytes.NewReader(pdf(10))}, "", "", "")
	if err == nil || !errors.Is(err, ErrUpstream) || e.tokenCalls.Load() != 0 {
		t.Fatalf("err = %v with %d token calls; want a TLS failure before any request", err, e.tokenCalls.Load())
	}
}

func TestUploadClientStringHidesSecrets(t *testing.T) {
	e := setupUpload(t)
	if s := e.client.String() + e.client.GoString(); strings.Contains(s, testUploadClientSecret) {
		t.Fatal(s)
	}
}
