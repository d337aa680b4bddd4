package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/providers/flinks"
)

// expectation is what the simulator holds for one login: the rows a
// complete write of its products must leave.
type expectation struct{ accounts, txns int }

// checker holds one run's verdict.
type checker struct {
	s          *snapshot
	l          *ledger
	users      []string
	upUser     string
	expect     func(login string) (expectation, error)
	violations []string
}

func (c *checker) fail(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

// all runs every invariant and returns the violations, sorted.
func (c *checker) all() []string {
	c.jobs()
	c.webhooks()
	c.links()
	c.products()
	c.uploads()
	sort.Strings(c.violations)
	return c.violations
}

// jobs: no River job was given up on.
func (c *checker) jobs() {
	for _, j := range c.s.jobs {
		if j.state == "discarded" || j.state == "cancelled" {
			c.fail("job lost: River job %d (%s, %s) %s after %d attempts; errors: %.300s",
				j.id, j.kind, j.args, j.state, j.attempt, j.errors.String)
		}
	}
}

// webhooks: every acknowledged delivery is stored once, processed without
// error, by exactly one job that completed; nothing else was stored.
func (c *checker) webhooks() {
	sent := map[string]bool{}
	jobsOf := c.webhookJobs()
	for _, d := range c.l.deliveries {
		sent[d.hash] = true
		if !d.acked {
			continue
		}
		h, ok := c.s.hooks[d.hash]
		switch {
		case !ok:
			c.fail("webhook lost: delivery %s… for login %s was answered 2xx but is not stored", d.hash[:12], d.login)
			continue
		case !h.processed:
			c.fail("webhook not processed: event %s (login %s)", h.id, d.login)
		case h.lastError != "":
			c.fail("webhook failed: event %s (login %s) finished with %q", h.id, d.login, h.lastError)
		}
		js := jobsOf[h.id]
		if len(js) != 1 || js[0].state != "completed" {
			c.fail("webhook event %s has %d process_webhook jobs (want exactly 1, completed): %v", h.id, len(js), js)
		}
	}
	for hash, h := range c.s.hooks {
		if !sent[hash] {
			c.fail("webhook stored that nobody sent: event %s (body %s…)", h.id, hash[:12])
		}
	}
}

// webhookJobs groups process_webhook jobs by their event id.
func (c *checker) webhookJobs() map[string][]jobRow {
	out := map[string][]jobRow{}
	for _, j := range c.s.jobs {
		if j.kind != "process_webhook" {
			continue
		}
		var a struct {
			EventID string `json:"event_id"`
		}
		if err := json.Unmarshal([]byte(j.args), &a); err != nil {
			c.fail("process_webhook job %d has unreadable args %q", j.id, j.args)
			continue
		}
		out[a.EventID] = append(out[a.EventID], j)
	}
	return out
}

// links: each user has exactly the credentials their acknowledged links
// returned: none lost, none doubled.
func (c *checker) links() {
	want := map[string]string{} // credentials key → user
	for _, k := range c.l.links {
		if key := c.key(k.credsID, "Credentials"); key != "" {
			want[key] = k.user
		}
	}
	for key, user := range want {
		if got, ok := c.s.creds[key]; !ok {
			c.fail("link lost: credentials %s of user %s were acknowledged but are gone", key, user)
		} else if got.user != user {
			c.fail("link moved: credentials %s belong to %s, acknowledged to %s", key, got.user, user)
		}
	}
	for key, cr := range c.s.creds {
		if _, ok := want[key]; !ok && cr.user != c.upUser {
			c.fail("link doubled: credentials %s of user %s match no acknowledged link", key, cr.user)
		}
	}
}

// key decodes a global ID of type typ to its row key ("" when invalid).
func (c *checker) key(id, typ string) string {
	if id == "" {
		return ""
	}
	t, key, err := finance.ParseGlobalID(id)
	if err != nil || t != typ {
		c.fail("the server returned a malformed %s ID %q", typ, id)
		return ""
	}
	return key
}

// products: no product is half-written. Rows never exist without a sync
// record that says they were fetched, and every linked login's rows are
// exactly the simulator's (a partial or doubled write shows as a count).
func (c *checker) products() {
	for id := range c.s.creds {
		for p, n := range map[string]int{"accounts": c.s.accounts[id], "transactions": c.s.txns[id]} {
			if rec, ok := c.s.syncs[id][p]; n > 0 && (!ok || !rec.fetched) {
				c.fail("half-written: credentials %s have %d %s rows but their sync record says never fetched (%+v)", id, n, p, rec)
			}
		}
	}
	for _, k := range c.l.links {
		key := c.key(k.credsID, "Credentials")
		if key == "" {
			continue
		}
		want, err := c.expect(k.login)
		if err != nil {
			c.fail("cannot read login %s at the simulator: %v", k.login, err)
			continue
		}
		if c.s.creds[key].pending {
			c.fail("never synced: credentials %s (login %s) still pending after all jobs ended", key, k.login)
		}
		c.product(key, "accounts", c.s.accounts[key], want.accounts)
		c.product(key, "transactions", c.s.txns[key], want.txns)
	}
}

// product checks one product of a linked connection once all work ended:
// synced and complete.
func (c *checker) product(key, p string, got, want int) {
	rec, ok := c.s.syncs[key][p]
	switch {
	case !ok || !rec.fetched:
		c.fail("never synced: credentials %s %s has no fetched sync record (%+v) after all jobs ended", key, p, rec)
	case got != want:
		c.fail("half-written: credentials %s has %d %s rows, the provider %d (sync %+v)", key, got, p, want, rec)
	}
}

// uploads: every acknowledged upload completed, its files sent and their
// content deleted, and became one connection of its user.
func (c *checker) uploads() {
	for _, gid := range c.l.uploads {
		key := c.key(gid, "StatementUpload")
		if key == "" {
			continue
		}
		u, ok := c.s.uploads[key]
		if !ok {
			c.fail("upload lost: %s was acknowledged but is not stored", key)
			continue
		}
		// A kill between the provider accepting the completion and the
		// commit leaves a login the server cannot learn (the provider has
		// no lookup and refuses a second completion): the upload then
		// fails visibly with completion_unknown, which is allowed; any
		// other end is a lost upload.
		if u.status != "completed" && (u.status != "failed" || u.code != "completion_unknown") {
			c.fail("upload %s ended %s (code %q, %d failed runs of its step%s)", key, u.status, u.code, u.attempts, c.allSent(key))
		}
		for i, f := range c.s.files[key] {
			if f.status != "sent" || f.hasContent {
				c.fail("upload %s file %d is %s, content kept: %v", key, i, f.status, f.hasContent)
			}
		}
		if cr, ok := c.s.creds[u.creds.String]; u.status == "completed" && (!ok || cr.user != c.upUser) {
			c.fail("upload %s completed without its credentials (%q)", key, u.creds.String)
		}
	}
	c.uploadCreds()
}

// allSent notes an upload whose files were all sent: then only its
// completion upstream is failing.
func (c *checker) allSent(key string) string {
	fs := c.s.files[key]
	for _, f := range fs {
		if f.status != "sent" {
			return ""
		}
	}
	if len(fs) == 0 {
		return ""
	}
	return "; every file was sent, completing the upload upstream keeps failing"
}

// uploadCreds: each connection of the uploading user comes from exactly
// one upload.
func (c *checker) uploadCreds() {
	from := map[string]int{}
	for _, u := range c.s.uploads {
		if u.creds.Valid {
			from[u.creds.String]++
		}
	}
	for id, cr := range c.s.creds {
		if cr.user == c.upUser && from[id] != 1 {
			c.fail("upload credentials %s come from %d uploads (want 1)", id, from[id])
		}
	}
}

// expectFrom reads a login's rows from the webhook body the simulator
// renders for it.
func expectFrom(p *provider) func(string) (expectation, error) {
	return func(login string) (expectation, error) {
		body, err := p.delivery(login)
		if err != nil {
			return expectation{}, err
		}
		ev, err := flinks.ParseWebhook(body)
		if err != nil || ev.Detail == nil {
			return expectation{}, fmt.Errorf("unreadable delivery: %v", err)
		}
		e := expectation{accounts: len(ev.Detail.Accounts)}
		for _, a := range ev.Detail.Accounts {
			e.txns += len(a.Transactions)
		}
		return e, nil
	}
}
