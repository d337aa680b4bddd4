package finqware

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// gatedReader yields its data only after gate closes, so a client that
// buffered the whole body before sending would never get the fields to
// the server. The timeout is a failsafe against a hang, not a wait.
type gatedReader struct {
	gate <-chan struct{}
	data io.Reader
}

func (g *gatedReader) Read(p []byte) (int, error) {
	select {
	case <-g.gate:
		return g.data.Read(p)
	case <-time.After(10 * time.Second):
		return 0, errors.New("gate never opened: the body was not streamed")
	}
}

func TestUploadStepFileStreamsMultipart(t *testing.T) {
	client, mux := setup(t)
	gate := make(chan struct{})
	const content = "%PDF-1.7 passport scan"
	mux.HandleFunc("/v1/steps/st-1/upload", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != defaultUserAgent {
			t.Errorf("method %s, headers %v", r.Method, r.Header)
		}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		fields := map[string]string{}
		for _, name := range []string{"client_id", "nonce"} {
			p, err := mr.NextPart()
			if err != nil || p.FormName() != name || p.FileName() != "" {
				t.Errorf("part %v %v, want field %s", p, err, name)
				return
			}
			b, _ := io.ReadAll(p)
			fields[name] = string(b)
		}
		file, err := mr.NextPart()
		if err != nil {
			t.Errorf("file part: %v", err)
			return
		}
		close(gate) // the fields and the file header arrived before any file byte was read
		b, _ := io.ReadAll(file)
		if file.FormName() != "file" || file.FileName() != "passport.pdf" || file.Header.Get("Content-Type") != "application/pdf" ||
			string(b) != content {
			t.Errorf("file part %q %q %q: %q", file.FormName(), file.FileName(), file.Header.Get("Content-Type"), b)
		}
		if _, err := mr.NextPart(); err != io.EOF {
			t.Errorf("extra part: %v", err)
		}
		if fields["client_id"] != testClientID || fields["nonce"] != testNonce {
			t.Errorf("fields %v", fields)
		}
		respond(w, 200, `{"upload_id": "u-1", "step_id": "st-1", "nonce": "n-next", "status": "SESSION_IN_PROGRESS",
			"file_name": "passport.pdf", "content_type": "application/pdf", "size": 22}`)
	})
	res, err := client.UploadStepFile(context.Background(), "st-1", UploadRequest{Nonce: testNonce, FileName: "passport.pdf",
		ContentType: "application/pdf", Body: &gatedReader{gate: gate, data: strings.NewReader(content)}})
	if err != nil {
		t.Fatal(err)
	}
	want := UploadResult{UploadID: "u-1", StepID: "st-1", Nonce: "n-next", Status: SessionInProgress,
		FileName: "passport.pdf", ContentType: "application/pdf", Size: 22}
	if *res != want {
		t.Fatalf("result %+v", res)
	}
}

func TestUploadDefaultsAndReaderErrors(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/v1/steps/st-2/upload", func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" && (p.FileName() != "upload" || p.Header.Get("Content-Type") != "application/octet-stream") {
				t.Errorf("defaults: %q %q", p.FileName(), p.Header.Get("Content-Type"))
			}
			_, _ = io.Copy(io.Discard, p)
		}
		respond(w, 200, `{"upload_id": "u", "nonce": "n"}`)
	})
	if _, err := client.UploadStepFile(context.Background(), "st-2", UploadRequest{Nonce: "n", Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk on fire")
	_, err := client.UploadStepFile(context.Background(), "st-2", UploadRequest{Nonce: "n", Body: io.MultiReader(
		strings.NewReader("partial"), errReader{boom})})
	if !errors.Is(err, boom) || errors.Is(err, ErrUpstream) {
		t.Fatalf("reader error: %v", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
