package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// workload drives the server as its clients do: users linking Flinks
// logins and refreshing them, Flinks delivering signed webhooks, and a
// user uploading statements.
type workload struct {
	c      *client
	p      *provider
	l      *ledger
	tokens map[string]string // by user id
	users  []string          // users who link and refresh
	upUser string            // the user who uploads (whose uploads become credentials)
}

// op is one kind of client operation.
type op func(ctx context.Context, rng *rand.Rand)

// run runs workers clients of each kind until ctx ends; seed makes each
// client's choices and pauses reproducible.
func (w *workload) run(ctx context.Context, seed uint64, workers int) {
	var wg sync.WaitGroup
	for k, f := range []op{w.linkOnce, w.webhookOnce, w.refreshOnce, w.uploadOnce} {
		for i := range workers {
			rng := rand.New(rand.NewPCG(seed, uint64(k*100+i)))
			wg.Go(func() {
				for ctx.Err() == nil {
					f(ctx, rng)
					sleep(ctx, time.Duration(10+rng.IntN(60))*time.Millisecond)
				}
			})
		}
	}
	wg.Wait()
}

// linkOnce retries an unacknowledged link, or connects a new login.
func (w *workload) linkOnce(ctx context.Context, rng *rand.Rand) {
	k := w.l.pendingLink(rng)
	if k == nil {
		scenario := flinkssim.UserGreatdayNoMFA
		if rng.IntN(3) == 0 {
			scenario = flinkssim.UserPending // answers 202 first: a poll job finishes it
		}
		login, err := w.p.linkCode(scenario)
		if err != nil {
			return
		}
		k = &link{login: login, user: w.users[rng.IntN(len(w.users))]}
		w.l.addLink(k)
	}
	w.linkOnceFor(ctx, k)
}

// webhookOnce resends an unacknowledged delivery, or sends a new one for
// a linked login. Each new body carries a sequence number, so it is a
// distinct event for the server's dedupe (the hash of the body).
func (w *workload) webhookOnce(ctx context.Context, rng *rand.Rand) {
	d := w.l.pendingDelivery(rng)
	if d == nil || rng.IntN(4) == 0 {
		k := w.l.ackedLink(rng)
		if k == nil {
			return
		}
		body, err := w.p.delivery(k.login)
		if err != nil {
			return
		}
		d = w.l.addDelivery(k.login, tagged(body, w.l.next()))
	}
	status, _ := w.c.webhook(ctx, w.p.secret, d.body)
	w.l.sent(d, status/100 == 2)
}

// tagged adds a top-level field to a JSON object body.
func tagged(body []byte, seq int) []byte {
	body = bytes.TrimSpace(body)
	return append([]byte(fmt.Sprintf(`{"CrashTestDelivery":%d,`, seq)), body[1:]...)
}

// refreshOnce refreshes a linked connection.
func (w *workload) refreshOnce(ctx context.Context, rng *rand.Rand) {
	k := w.l.ackedLink(rng)
	if k == nil {
		return
	}
	err := w.c.graphql(ctx, w.tokens[k.user], `mutation($id:ID!){refreshCredentials(id:$id){id}}`,
		map[string]any{"id": k.credsID}, nil)
	w.l.refreshed(err == nil)
}

// uploadOnce uploads one or two statements. A failed upload is not
// retried: a client would send a new upload, and only acknowledged ones
// are owed.
func (w *workload) uploadOnce(ctx context.Context, rng *rand.Rand) {
	if rng.IntN(8) != 0 {
		return // uploads are rarer than the rest
	}
	files := make([][]byte, 1+rng.IntN(2))
	for i := range files {
		files[i] = statementPDF(w.l.next())
	}
	if id, err := w.c.upload(ctx, w.tokens[w.upUser], files); err == nil && id != "" {
		w.l.addUpload(id)
	}
}

// statementPDF is a small PDF, distinct per n.
func statementPDF(n int) []byte {
	return fmt.Appendf(nil, "%%PDF-1.4\n%% crashtest statement %d\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n", n)
}

// announce queues one new delivery per linked login, as Flinks sends one
// when an extraction ends: connections whose data is still pending (the
// server fetches lazily) get it pushed, so every link must end synced.
func (w *workload) announce() error {
	w.l.mu.Lock()
	var logins []string
	for _, k := range w.l.links {
		if k.credsID != "" {
			logins = append(logins, k.login)
		}
	}
	w.l.mu.Unlock()
	for _, login := range logins {
		body, err := w.p.delivery(login)
		if err != nil {
			return fmt.Errorf("render the webhook of login %s: %w", login, err)
		}
		w.l.addDelivery(login, tagged(body, w.l.next()))
	}
	return nil
}

// drain retries every unacknowledged link and delivery against a
// running server until all are acknowledged or ctx ends.
func (w *workload) drain(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(0, 0))
	for {
		links, deliveries := w.l.open()
		if links == 0 && deliveries == 0 {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("after the last restart, %d links and %d webhooks were still refused", links, deliveries)
		}
		if k := w.l.pendingLink(rng); k != nil {
			w.linkOnceFor(ctx, k)
		}
		if d := w.l.pendingDelivery(rng); d != nil {
			status, _ := w.c.webhook(ctx, w.p.secret, d.body)
			w.l.sent(d, status/100 == 2)
		}
		sleep(ctx, 20*time.Millisecond)
	}
}

// linkOnceFor sends k's linkCredentials once; a 200 with credentials
// acknowledges it.
func (w *workload) linkOnceFor(ctx context.Context, k *link) {
	var out struct {
		LinkCredentials struct{ Credentials *struct{ ID string } } `json:"linkCredentials"`
	}
	err := w.c.graphql(ctx, w.tokens[k.user], `mutation($c:String!){linkCredentials(provider:FLINKS,code:$c){credentials{id}}}`,
		map[string]any{"c": k.login}, &out)
	if err == nil && out.LinkCredentials.Credentials != nil {
		w.l.ackLink(k, out.LinkCredentials.Credentials.ID)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
