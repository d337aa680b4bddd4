package main

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// link is one Flinks login a user connects; it is retried until the
// server acknowledges it, as a frontend retries a failed request.
type link struct {
	login, user string
	credsID     string // global ID, once acknowledged
}

// delivery is one webhook body; it is resent until a 2xx, as Flinks
// retries a failed delivery.
type delivery struct {
	login string
	body  []byte
	hash  string // hex SHA-256 of body, the server's dedupe key
	acked bool
	sends int
}

// ledger is what the clients were told: every acknowledged operation is
// an obligation the server must keep across crashes.
type ledger struct {
	mu         sync.Mutex
	links      []*link
	deliveries []*delivery
	uploads    []string // global IDs of acknowledged uploads
	refreshes  [2]int   // attempted, acknowledged
	seq        int
}

func (l *ledger) next() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return l.seq
}

// pendingLink returns a link not yet acknowledged, or nil.
func (l *ledger) pendingLink(rng *rand.Rand) *link {
	l.mu.Lock()
	defer l.mu.Unlock()
	var open []*link
	for _, k := range l.links {
		if k.credsID == "" {
			open = append(open, k)
		}
	}
	return pick(rng, open)
}

// ackedLink returns an acknowledged link, or nil.
func (l *ledger) ackedLink(rng *rand.Rand) *link {
	l.mu.Lock()
	defer l.mu.Unlock()
	var done []*link
	for _, k := range l.links {
		if k.credsID != "" {
			done = append(done, k)
		}
	}
	return pick(rng, done)
}

func (l *ledger) addLink(k *link) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.links = append(l.links, k)
}

func (l *ledger) ackLink(k *link, credsID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k.credsID = credsID
}

// pendingDelivery returns a delivery not yet acknowledged, or nil.
func (l *ledger) pendingDelivery(rng *rand.Rand) *delivery {
	l.mu.Lock()
	defer l.mu.Unlock()
	var open []*delivery
	for _, d := range l.deliveries {
		if !d.acked {
			open = append(open, d)
		}
	}
	return pick(rng, open)
}

func (l *ledger) addDelivery(login string, body []byte) *delivery {
	sum := sha256.Sum256(body)
	d := &delivery{login: login, body: body, hash: hex.EncodeToString(sum[:])}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deliveries = append(l.deliveries, d)
	return d
}

// sent records one attempt at d and whether the server answered 2xx.
func (l *ledger) sent(d *delivery, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d.sends++
	d.acked = d.acked || ok
}

func (l *ledger) addUpload(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uploads = append(l.uploads, id)
}

func (l *ledger) refreshed(ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refreshes[0]++
	if ok {
		l.refreshes[1]++
	}
}

// open counts the links and deliveries still waiting for an answer.
func (l *ledger) open() (links, deliveries int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.links {
		if k.credsID == "" {
			links++
		}
	}
	for _, d := range l.deliveries {
		if !d.acked {
			deliveries++
		}
	}
	return links, deliveries
}

// summary is a one-line account of the workload.
func (l *ledger) summary() (links, deliveries, acked, uploads, refreshes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.deliveries {
		if d.acked {
			acked++
		}
	}
	return len(l.links), len(l.deliveries), acked, len(l.uploads), l.refreshes[1]
}

func pick[T any](rng *rand.Rand, xs []*T) *T {
	if len(xs) == 0 {
		return nil
	}
	return xs[rng.IntN(len(xs))]
}
