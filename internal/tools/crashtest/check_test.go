package main

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/models"
)

// A healthy fixture: one acknowledged link with its rows, one processed
// webhook with its completed job, one completed upload.
func fixture() (*snapshot, *ledger) {
	creds := &models.Credentials{ID: "c1"}
	up := &models.StatementUpload{ID: "u1"}
	d := (&ledger{}).addDelivery("L1", []byte(`{"a":1}`))
	d.acked = true
	l := &ledger{links: []*link{{login: "L1", user: "alice", credsID: creds.GlobalID()}},
		deliveries: []*delivery{d}, uploads: []string{up.GlobalID()}}
	s := &snapshot{
		creds: map[string]credRow{"c1": {user: "alice"}, "c2": {user: "up"}},
		syncs: map[string]map[string]syncRow{"c1": {"accounts": {status: "ok", fetched: true},
			"transactions": {status: "ok", fetched: true}}},
		accounts: map[string]int{"c1": 2}, txns: map[string]int{"c1": 10},
		hooks:   map[string]hookRow{d.hash: {id: "e1", processed: true}},
		jobs:    []jobRow{{id: 1, kind: "process_webhook", state: "completed", args: `{"event_id":"e1"}`}},
		uploads: map[string]uploadRow{"u1": {status: "completed", creds: sql.NullString{String: "c2", Valid: true}}},
		files:   map[string][]fileRow{"u1": {{status: "sent"}}},
	}
	return s, l
}

func verdict(s *snapshot, l *ledger) []string {
	c := &checker{s: s, l: l, users: []string{"alice"}, upUser: "up",
		expect: func(string) (expectation, error) { return expectation{accounts: 2, txns: 10}, nil }}
	return c.all()
}

// TestCheckerHealthy: the fixture passes, so each broken variant below
// fails for its own reason.
func TestCheckerHealthy(t *testing.T) {
	s, l := fixture()
	if v := verdict(s, l); len(v) != 0 {
		t.Fatalf("healthy fixture: %v", v)
	}
}

// TestCheckerFinds breaks one invariant at a time and expects the checker
// to name it.
func TestCheckerFinds(t *testing.T) {
	for name, c := range map[string]struct {
		breakIt func(*snapshot, *ledger)
		want    string
	}{
		"lost webhook":        {func(s *snapshot, l *ledger) { s.hooks = map[string]hookRow{} }, "webhook lost"},
		"unprocessed webhook": {func(s *snapshot, l *ledger) { s.hooks[l.deliveries[0].hash] = hookRow{id: "e1"} }, "not processed"},
		"webhook run twice": {func(s *snapshot, l *ledger) {
			s.jobs = append(s.jobs, jobRow{id: 2, kind: "process_webhook", state: "completed", args: `{"event_id":"e1"}`})
		}, "2 process_webhook jobs"},
		"discarded job":   {func(s *snapshot, l *ledger) { s.jobs[0].state = "discarded" }, "job lost"},
		"lost link":       {func(s *snapshot, l *ledger) { delete(s.creds, "c1") }, "link lost"},
		"doubled link":    {func(s *snapshot, l *ledger) { s.creds["c3"] = credRow{user: "alice"} }, "link doubled"},
		"half accounts":   {func(s *snapshot, l *ledger) { s.txns["c1"] = 4 }, "half-written"},
		"rows, no record": {func(s *snapshot, l *ledger) { delete(s.syncs, "c1") }, "half-written"},
		"still pending":   {func(s *snapshot, l *ledger) { s.creds["c1"] = credRow{user: "alice", pending: true} }, "still pending"},
		"lost upload":     {func(s *snapshot, l *ledger) { delete(s.uploads, "u1") }, "upload lost"},
		"failed upload":   {func(s *snapshot, l *ledger) { s.uploads["u1"] = uploadRow{status: "failed", code: "invalid"} }, "ended failed"},
		"file kept":       {func(s *snapshot, l *ledger) { s.files["u1"][0].hasContent = true }, "content kept"},
	} {
		t.Run(name, func(t *testing.T) {
			s, l := fixture()
			c.breakIt(s, l)
			v := strings.Join(verdict(s, l), "\n")
			if !strings.Contains(v, c.want) {
				t.Fatalf("want a violation containing %q, got:\n%s", c.want, v)
			}
		})
	}
}

// TestUnfinished: waiting work is reported, finished and periodic work is
// not.
func TestUnfinished(t *testing.T) {
	s, _ := fixture()
	s.jobs = append(s.jobs, jobRow{id: 3, kind: "sweep", state: "available"})
	if u := unfinished(s); len(u) != 0 {
		t.Fatalf("unfinished = %v", u)
	}
	s.jobs = append(s.jobs, jobRow{id: 4, kind: "poll_fetch", state: "running"})
	s.outbox = 1
	if u := unfinished(s); len(u) != 2 {
		t.Fatalf("unfinished = %v, want the running job and the outbox", u)
	}
}

// TestCompletionUnknownAllowed: an upload that failed visibly because its
// completion was lost in a kill is not a violation (the provider cannot
// say which login it became); its credentials row is then absent too.
func TestCompletionUnknownAllowed(t *testing.T) {
	s, l := fixture()
	s.uploads["u1"] = uploadRow{status: "failed", code: "completion_unknown"}
	delete(s.creds, "c2")
	if v := verdict(s, l); len(v) != 0 {
		t.Fatalf("completion_unknown reported: %v", v)
	}
}
