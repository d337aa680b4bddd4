package main

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCompareScheduleInterleaves(t *testing.T) {
	got := compareSchedule([]int{1, 8}, 3)
	want := []compareStep{
		{1, 0, 0}, {1, 0, 1}, {1, 1, 1}, {1, 1, 0}, {1, 2, 0}, {1, 2, 1},
		{8, 0, 0}, {8, 0, 1}, {8, 1, 1}, {8, 1, 0}, {8, 2, 0}, {8, 2, 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("schedule\n got %v\nwant %v", got, want)
	}
}

func TestDecodeNodeIDBothForms(t *testing.T) {
	fg := base64.RawURLEncoding.EncodeToString([]byte("Credentials:248fa4fc-f1b9"))
	pg := base64.StdEncoding.EncodeToString([]byte(`["Credential","248fa4fc-f1b9"]`))
	for _, s := range []string{fg, pg} {
		typ, id, ok := decodeNodeID(s)
		if !ok || typ != "credential" || id != "248fa4fc-f1b9" {
			t.Errorf("decodeNodeID(%q) = %q, %q, %v", s, typ, id, ok)
		}
	}
	// A row id with a colon keeps it; plain strings are not node IDs.
	if typ, id, ok := decodeNodeID(base64.RawURLEncoding.EncodeToString([]byte("AccountTransaction:a:b"))); !ok ||
		typ != "accounttransaction" || id != "a:b" {
		t.Errorf("colon id: %q %q %v", typ, id, ok)
	}
	for _, s := range []string{"demo-user", "", base64.StdEncoding.EncodeToString([]byte(`[1,2]`))} {
		if _, _, ok := decodeNodeID(s); ok {
			t.Errorf("decodeNodeID(%q) accepted", s)
		}
	}
}

// fgID and pgID are a row's global ID as fingraph and PostGraphile spell it.
func fgID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

func pgID(typ, id string) string {
	return base64.StdEncoding.EncodeToString([]byte(`["` + typ + `","` + id + `"]`))
}

// Two answers from differently shaped schemas match when they name the
// same rows, in any order; a missing or different row is reported.
func TestSameRows(t *testing.T) {
	fg := []byte(`{"data":{"me":{"credentials":{"nodes":[{"id":"` + fgID("Credentials", "c1") + `","accounts":{"nodes":[
		{"id":"` + fgID("Account", "a1") + `","transactions":{"nodes":[{"id":"` + fgID("AccountTransaction", "t1") + `"},{"id":"` + fgID("AccountTransaction", "t2") + `"}]}}]}}]}}}}`)
	pgBody := func(t2 string) []byte {
		return []byte(`{"data":{"userByRowId":{"credentialsByUserId":{"nodes":[{"id":"` + pgID("Credential", "c1") + `","accountsByCredentialsId":{"nodes":[
		{"id":"` + pgID("Account", "a1") + `","accountTransactionsByAccountId":{"nodes":[{"id":"` + pgID("AccountTransaction", t2) + `"},{"id":"` + pgID("AccountTransaction", "t1") + `"}]}}]}}]}}}}`)
	}
	a, err := nodeRows(fg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nodeRows(pgBody("t2"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := sameRows(a, b)
	if err != nil || got != "1 account, 2 accounttransaction, 1 credential" {
		t.Fatalf("sameRows = %q, %v", got, err)
	}
	c, _ := nodeRows(pgBody("t3"))
	if _, err := sameRows(a, c); err == nil || !strings.Contains(err.Error(), "not the same rows") {
		t.Errorf("different transaction: %v", err)
	}
	if _, err := nodeRows([]byte(`{"data":null,"errors":[{"message":"no"}]}`)); err == nil {
		t.Error("an errors entry was accepted")
	}
	empty, _ := nodeRows([]byte(`{"data":{"me":null}}`))
	if _, err := sameRows(empty, empty); err == nil {
		t.Error("answers without transactions were accepted")
	}
}

func rounds(tputs []float64, p99 time.Duration, errors int) []sideRound {
	var rs []sideRound
	for _, tp := range tputs {
		rs = append(rs, sideRound{completed: int(tp * 10), elapsed: 10 * time.Second, errors: errors,
			latencies: []time.Duration{p99 / 2, p99 / 2, p99}})
	}
	return rs
}

// The throughput ratio is the median of the per-round ratios (not the
// ratio of medians), and the target needs both >= 2x and p99 <= theirs.
func TestVerdict(t *testing.T) {
	fg := rounds([]float64{100, 300, 250}, 10*time.Millisecond, 0)
	pg := rounds([]float64{50, 100, 200}, 20*time.Millisecond, 0)
	v := verdictOf(fg, pg)
	// per-round ratios 2, 3, 1.25
	if v.throughputRatio != 2 || v.lo != 1.25 || v.hi != 3 || v.p99Ratio != 0.5 || !v.met {
		t.Errorf("verdict %+v", v)
	}
	if s := summarizeSide(fg); s.throughput != 250 || s.p50 != 5*time.Millisecond || s.p99 != 10*time.Millisecond || s.completed != 6500 {
		t.Errorf("summary %+v", s)
	}
	if v := verdictOf(fg, rounds([]float64{50, 100, 200}, 5*time.Millisecond, 0)); v.met || v.p99Ratio != 2 {
		t.Errorf("higher p99 met the target: %+v", v)
	}
	if v := verdictOf(rounds([]float64{100}, time.Millisecond, 0), rounds([]float64{60}, time.Second, 0)); v.met {
		t.Errorf("1.67x met the target: %+v", v)
	}
	if v := verdictOf(rounds([]float64{300}, time.Millisecond, 1), rounds([]float64{60}, time.Second, 0)); v.met {
		t.Errorf("a run with errors met the target: %+v", v)
	}
}

func TestHasErrorsAnywhere(t *testing.T) {
	if !hasErrorsAnywhere([]byte(`{"data":null,"errors":[{"message":"x"}]}`)) {
		t.Error("errors after data not seen")
	}
	if hasErrorsAnywhere([]byte(`{"data":{"description":"\"errors\": none"}}`)) {
		t.Error("an escaped string was taken for an errors member")
	}
}

// compare runs end to end against two stand-in servers: fingraph's and
// PostGraphile's answers over the same rows, PostGraphile without a token.
func TestCompareEndToEnd(t *testing.T) {
	txn := func(id func(string, string) string, typ string) string { return `{"id":"` + id(typ, "t1") + `"}` }
	var fgN, pgN atomic.Int64
	fg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fgN.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"data":{"me":{"credentials":{"nodes":[{"id":"` + fgID("Credentials", "c1") + `","transactions":[` + txn(fgID, "AccountTransaction") + `]}]}}}}`))
	}))
	defer fg.Close()
	pg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pgN.Add(1)
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "unexpected token", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"data":{"userByRowId":{"credentialsByUserId":{"nodes":[{"id":"` + pgID("Credential", "c1") + `","t":[` + txn(pgID, "AccountTransaction") + `]}]}}}}`))
	}))
	defer pg.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"compare", "-fingraph-url", fg.URL, "-postgraphile-url", pg.URL, "-token", "tok",
		"-c", "1,2", "-rounds", "2", "-duration", "50ms", "-warmup", "20ms"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	for _, want := range []string{"both answer the same rows: 1 accounttransaction, 1 credential",
		"2 rounds of 50ms", "c=1: fingraph/postgraphile throughput", "c=2: fingraph/postgraphile throughput"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if fgN.Load() < 5 || pgN.Load() < 5 {
		t.Errorf("requests: fingraph %d, postgraphile %d", fgN.Load(), pgN.Load())
	}
	// Different rows stop the run before any timing.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":{"x":[{"id":"` + pgID("AccountTransaction", "t2") + `"}]}}`))
	}))
	defer bad.Close()
	out.Reset()
	errOut.Reset()
	if code := run([]string{"compare", "-fingraph-url", fg.URL, "-postgraphile-url", bad.URL, "-token", "tok",
		"-rounds", "1", "-duration", "50ms"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "different rows") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
