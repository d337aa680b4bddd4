package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// statementsEnv polls the analysis and the extraction fast.
var statementsEnv = map[string]string{"FLINKS_FRAUD_POLL_INTERVAL": "100ms", "FLINKS_POLL_INTERVAL": "100ms"}

type namedFile struct {
	name    string
	content []byte
}

// uploadStatements posts uploadStatements as a GraphQL multipart request.
func (s *testServer) uploadStatements(t *testing.T, token string, files []namedFile, preflight bool) (gqlResponse, int) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	vars := make([]any, len(files))
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($f: [Upload!]!) { uploadStatements(files: $f, tag: "t1", clientName: "Ann") { id status files { name type size status } } }`,
		"variables": map[string]any{"f": vars},
	})
	check(t, w.WriteField("operations", string(ops)))
	m := map[string][]string{}
	for i := range files {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.f.%d", i)}
	}
	mb, _ := json.Marshal(m)
	check(t, w.WriteField("map", string(mb)))
	for i, f := range files {
		part, err := w.CreateFormFile(fmt.Sprint(i), f.name)
		check(t, err)
		_, _ = part.Write(f.content)
	}
	check(t, w.Close())
	h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": w.FormDataContentType()}
	if preflight {
		h["GraphQL-Require-Preflight"] = "1"
	}
	r := s.do(t, http.MethodPost, "/graphql", body.String(), h)
	var out gqlResponse
	_ = json.Unmarshal([]byte(r.body), &out)
	return out, r.status
}

// uploadView is what the tests read of a StatementUpload.
type uploadView struct {
	ID, Status    string
	AggregationID *string
	Files         []struct {
		Name, Type, Status string
		Size               int
	}
	FraudAnalysis *struct {
		Done, FraudDetected bool
		Documents           []struct {
			Status  string
			Results []struct {
				DocumentType string
				Signals      []struct {
					Type       string
					PageNumber int
				}
			}
		}
	}
	Credentials *struct{ ID, Provider string }
}

func (s *testServer) readUpload(t *testing.T, token, id string) (*uploadView, gqlResponse) {
	t.Helper()
	var out struct{ Node *uploadView }
	r := s.gql(t, token, `query($id: ID!) { node(id: $id) { ... on StatementUpload { id status aggregationId
	  files { name type size status }
	  fraudAnalysis { done fraudDetected documents { status results { documentType signals { type pageNumber } } } }
	  credentials { id provider } } } }`, map[string]any{"id": id}, &out)
	return out.Node, r
}

// TestUploadStatementsEndToEnd: two statements go through the multipart
// mutation, the job sends each once over mutual TLS with one token,
// completes, polls the fraud analysis (one file carries fraud), and the
// login's accounts join the graph; the contents are gone; analysts read,
// other users do not; deleting the credentials deletes the upload.
func TestUploadStatementsEndToEnd(t *testing.T) {
	eachDB(t, statementsEnv, func(t *testing.T, s *testServer) {
		sim := s.flinks().Server()
		files := []namedFile{{"january.pdf", pdf}, {"february-" + flinkssim.FraudNameMarker + ".pdf", pdf}}
		r, status := s.uploadStatements(t, s.token, files, true)
		if status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("upload: %d %+v", status, r.Errors)
		}
		var up struct{ UploadStatements uploadView }
		check(t, json.Unmarshal(r.Data, &up))
		if len(up.UploadStatements.Files) != 2 || up.UploadStatements.Files[0].Type != "PDF" || up.UploadStatements.Files[1].Size != len(pdf) {
			t.Fatalf("upload answer: %+v", up)
		}
		id := up.UploadStatements.ID
		done := waitUpload(t, s, id)
		fa := done.FraudAnalysis
		if done.Status != "COMPLETED" || done.AggregationID == nil || done.Credentials == nil || done.Credentials.Provider != "FLINKS" ||
			fa == nil || !fa.Done || !fa.FraudDetected || len(fa.Documents) != 2 {
			t.Fatalf("completed upload: %+v", done)
		}
		for _, f := range done.Files {
			if f.Status != "SENT" {
				t.Fatalf("file %+v", f)
			}
		}
		if u, c, tok := sim.Requests(flinkssim.EndpointUpload), sim.Requests(flinkssim.EndpointUploadComplete),
			sim.Requests(flinkssim.EndpointUploadToken); u != 2 || c != 1 || tok != 1 {
			t.Fatalf("%d uploads, %d completes, %d tokens upstream", u, c, tok)
		}
		var kept int64
		check(t, s.app.DB.Gorm.Table("statement_files").Where("content IS NOT NULL").Count(&kept).Error)
		if kept != 0 {
			t.Fatalf("%d files kept their content", kept)
		}
		if v := s.waitAccounts(t, done.Credentials.ID); len(v.Accounts.Nodes) == 0 {
			t.Fatal("no accounts from the statements")
		}
		if got, _ := s.readUpload(t, s.tokenFor(t, "al", auth.RoleAnalyst), id); got == nil || got.ID != id {
			t.Fatal("an analyst cannot read the upload")
		}
		if got, _ := s.readUpload(t, s.tokenFor(t, "mallory"), id); got != nil {
			t.Fatal("another user reads the upload")
		}
		s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { deletedId } }`,
			map[string]any{"id": done.Credentials.ID}, nil)
		var left int64
		check(t, s.app.DB.Gorm.Table("statement_uploads").Count(&left).Error)
		if left != 0 {
			t.Fatalf("%d uploads survive their credentials' deletion", left)
		}
	})
}

func waitUpload(t *testing.T, s *testServer, id string) *uploadView {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		u, r := s.readUpload(t, s.token, id)
		if len(r.Errors) > 0 {
			t.Fatalf("read upload: %+v", r.Errors)
		}
		if u.Status == "COMPLETED" || u.Status == "FAILED" {
			return u
		}
		if time.Now().After(deadline) {
			t.Fatalf("upload still %s after 90 s", u.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestUploadStatementsRefusals: bytes that are not a statement type (the
// name says PDF), no preflight header (CSRF), and an analyst all fail
// before anything is stored or sent.
func TestUploadStatementsRefusals(t *testing.T) {
	s := newServer(t, migrations.SQLite, statementsEnv)
	sim := s.flinks().Server()
	r, _ := s.uploadStatements(t, s.token, []namedFile{{"statement.pdf", []byte("GIF89a this is an image, not a PDF")}}, true)
	if len(r.Errors) != 1 || code(r.Errors[0]) != "BAD_USER_INPUT" {
		t.Fatalf("a GIF named .pdf: %+v", r.Errors)
	}
	if _, status := s.uploadStatements(t, s.token, []namedFile{{"a.pdf", pdf}}, false); status != http.StatusBadRequest {
		t.Fatalf("no preflight header: %d", status)
	}
	r, _ = s.uploadStatements(t, s.tokenFor(t, "al", auth.RoleAnalyst), []namedFile{{"a.pdf", pdf}}, true)
	if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" {
		t.Fatalf("an analyst's upload: %+v", r.Errors)
	}
	var n int64
	check(t, s.app.DB.Gorm.Table("statement_uploads").Count(&n).Error)
	if n != 0 || sim.Requests(flinkssim.EndpointUpload) != 0 {
		t.Fatalf("%d uploads stored, %d sent after refusals", n, sim.Requests(flinkssim.EndpointUpload))
	}
}
