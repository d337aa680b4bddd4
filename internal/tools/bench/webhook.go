package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/providers/flinks"
)

// The kinds of webhook the mixed workload sends, as its output names them.
const (
	kindWebhook    = "webhook"               // a new delivery, signed: 200, stored and processed once
	kindWebhookDup = "webhook-duplicate"     // the previous delivery's bytes again: 200, no effect
	kindWebhookBad = "webhook-bad-signature" // signed with another secret: 401, nothing stored
)

// The Flinks wire format (providers.md §1; flinkssim sends the same).
const (
	flinksInstitution = "FlinksCapital"
	flinksUsername    = "greatday_nomfa"
)

// demoFlinksLogin is the LoginId of the demo user's Flinks credentials
// in a development server's sandbox (the simulator derives it from the
// default seed), so that deliveries are for credentials that exist.
var demoFlinksLogin = sandbox.DemoRef(sandbox.DefaultSeed, "flinks", sandbox.DemoExternalID)

// webhookPlan is the signed Flinks webhooks of the mixed workload: KYC
// deliveries for LoginID posted to URL as Flinks posts them, the body
// signed with base64(HMAC-SHA256(Secret, body)) in flinks-authenticity-key.
// The server deduplicates on the body's hash, so each new delivery has a
// RequestId of its own, derived from Run: a later run never repeats an
// earlier one's bodies.
type webhookPlan struct {
	URL     string
	Secret  []byte
	LoginID string
	// Every: request i is a webhook slot when i%Every == 0 (0: none),
	// unless it is a refresh (loadConfig.request).
	Every int
	// DupEvery: webhook j is a duplicate when j%DupEvery == DupEvery-1 and
	// webhook j-1 went out as a new delivery (0: none; else at least 2).
	DupEvery int
	// BadEvery: webhook j is badly signed when j%BadEvery == BadEvery-1
	// (0: none).
	BadEvery int
	Run      uuid.UUID // namespace of the run's RequestIds
	Start    time.Time // the deliveries' Login.LastRefresh
}

// call is one request of a load run: a GraphQL POST, or a webhook when
// sig is set.
type call struct {
	kind string
	body []byte
	sig  string // webhooks: the flinks-authenticity-key value
	want int    // webhooks: the status the server must answer
}

// webhook returns webhook slot j (from 0); prevSent reports whether slot
// j-1 went out as a webhook (a refresh may have taken it), which a
// duplicate needs: it resends that slot's body.
func (p *webhookPlan) webhook(j int64, prevSent bool) call {
	switch {
	case p.isBad(j):
		return call{kind: kindWebhookBad, body: p.body(j), sig: flinks.SignWebhook([]byte("not the secret"), p.body(j)),
			want: http.StatusUnauthorized}
	case p.DupEvery > 0 && j%int64(p.DupEvery) == int64(p.DupEvery)-1 && j > 0 && prevSent && !p.isBad(j-1):
		// j-1 is not a duplicate either: DupEvery >= 2.
		b := p.body(j - 1)
		return call{kind: kindWebhookDup, body: b, sig: flinks.SignWebhook(p.Secret, b), want: http.StatusOK}
	}
	b := p.body(j)
	return call{kind: kindWebhook, body: b, sig: flinks.SignWebhook(p.Secret, b), want: http.StatusOK}
}

// validate checks the webhook flags.
func (p *webhookPlan) validate() error {
	switch {
	case p.Every < 0:
		return usageError{"-webhook-every must not be negative"}
	case len(p.Secret) == 0:
		return usageError{"-webhook-secret (or $FLINKS_WEBHOOK_SECRET) is required to sign webhooks: start the server " +
			"with FLINKS_WEBHOOK_SECRET set (16 characters or more) and give the tool the same value, or pass -webhook-every 0"}
	case p.DupEvery < 0 || p.DupEvery == 1:
		return usageError{"-webhook-dup-every must be 0 or at least 2"}
	case p.BadEvery < 0:
		return usageError{"-webhook-bad-every must not be negative"}
	case p.LoginID == "":
		return usageError{"-webhook-login must not be empty"}
	}
	return checkLoopback("-webhook-url", p.URL)
}

func (p *webhookPlan) isBad(j int64) bool {
	return p.BadEvery > 0 && j%int64(p.BadEvery) == int64(p.BadEvery)-1
}

// kycDelivery is a Flinks KYC webhook body (flinkssim's wireKYC).
type kycDelivery struct {
	ResponseType   string      `json:"ResponseType"`
	HTTPStatusCode int         `json:"HttpStatusCode"`
	Holders        []kycHolder `json:"Holders"`
	Login          struct {
		Username           string `json:"Username"`
		IsScheduledRefresh bool   `json:"IsScheduledRefresh"`
		LastRefresh        string `json:"LastRefresh"`
		Type               string `json:"Type"`
		ID                 string `json:"Id"`
	} `json:"Login"`
	Institution string `json:"Institution"`
	RequestID   string `json:"RequestId"`
}

type kycHolder struct {
	Name    string `json:"Name"`
	Address struct {
		CivicAddress string  `json:"CivicAddress"`
		City         string  `json:"City"`
		Province     string  `json:"Province"`
		PostalCode   string  `json:"PostalCode"`
		POBox        *string `json:"POBox"`
		Country      string  `json:"Country"`
	} `json:"Address"`
	Email       string `json:"Email"`
	PhoneNumber string `json:"PhoneNumber"`
}

// body returns delivery n's bytes; the same n gives the same bytes. n -1
// is the probe's.
func (p *webhookPlan) body(n int64) []byte {
	d := kycDelivery{ResponseType: "KYC", HTTPStatusCode: http.StatusOK, Institution: flinksInstitution,
		RequestID: uuid.NewSHA1(p.Run, []byte(strconv.FormatInt(n, 10))).String()}
	d.Login.Username, d.Login.Type, d.Login.ID = flinksUsername, "Personal", p.LoginID
	d.Login.LastRefresh = p.Start.UTC().Format("2006-01-02T15:04:05.0000000")
	h := kycHolder{Name: "John Doe", Email: "johndoe@example.com", PhoneNumber: "(514) 555-0101"}
	h.Address.CivicAddress, h.Address.City, h.Address.Province = "1275 Avenue des Canadiens-de-Montréal", "Montréal", "QC"
	h.Address.PostalCode, h.Address.Country = "H3B 5E8", "CA"
	d.Holders = []kycHolder{h}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // plain strings: cannot fail
	}
	return b
}

// webhookURL is the server's Flinks webhook endpoint next to its GraphQL
// endpoint graphqlURL.
func webhookURL(graphqlURL string) string {
	u, err := url.Parse(graphqlURL)
	if err != nil {
		return ""
	}
	u.Path, u.RawQuery = "/webhooks/flinks", ""
	return u.String()
}

// sendWebhook posts one delivery; it succeeded when the server answered
// the status the call wants (401 for a bad signature).
func sendWebhook(ctx context.Context, client *http.Client, to string, c call) (outcome, int) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(c.body))
	if err != nil {
		return outcomeTransport, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(flinks.WebhookSignatureHeader, c.sig)
	res, err := client.Do(req)
	if err != nil {
		return outcomeTransport, 0
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return outcomeTransport, res.StatusCode
	}
	if res.StatusCode != c.want {
		return outcomeHTTP, res.StatusCode
	}
	return outcomeOK, res.StatusCode
}

// probeWebhook sends one new, well-signed delivery, which must be
// accepted: it fails fast on a secret that is not the server's.
func probeWebhook(ctx context.Context, client *http.Client, p *webhookPlan) error {
	b := p.body(-1)
	o, status := sendWebhook(ctx, client, p.URL, call{kind: kindWebhook, body: b, sig: flinks.SignWebhook(p.Secret, b), want: http.StatusOK})
	switch {
	case o == outcomeOK:
		return nil
	case status == http.StatusUnauthorized:
		return fmt.Errorf("probe webhook to %s refused (401): the tool's secret is not the server's FLINKS_WEBHOOK_SECRET", p.URL)
	case status == http.StatusNotFound:
		return fmt.Errorf("probe webhook to %s: 404, the server has no Flinks provider", p.URL)
	}
	return fmt.Errorf("probe webhook to %s failed (status %d)", p.URL, status)
}

// printWebhookExpectation says what the server's fingraph_webhooks_total
// counters should have gained from the run, to check that each delivery
// was taken exactly once. A delivery cut short by the end of the run may
// or may not have been taken.
func printWebhookExpectation(w io.Writer, r *loadResult) {
	ok := func(kind string) int {
		if k := r.Kinds[kind]; k != nil {
			return k.Completed
		}
		return 0
	}
	cut := 0
	for _, kind := range []string{kindWebhook, kindWebhookDup, kindWebhookBad} {
		if k := r.Kinds[kind]; k != nil {
			cut += k.CutShort
		}
	}
	fmt.Fprintf(w, "webhooks: the server's fingraph_webhooks_total{provider=\"flinks\"} should have gained "+
		"accepted %d (with the probe), duplicate %d, rejected_signature %d", ok(kindWebhook)+1, ok(kindWebhookDup), ok(kindWebhookBad))
	if cut > 0 {
		fmt.Fprintf(w, ", and up to %d more in all (webhooks cut short by the end of the run)", cut)
	}
	fmt.Fprintln(w)
}
