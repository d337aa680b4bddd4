package flinkssim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/fingraph/fingraph/providers/flinks"
)

// Delivery records one webhook attempt.
type Delivery struct {
	LoginID      string
	ResponseType string // "GetAccountsDetail" or "KYC"
	Attempt      int    // 1 for the first try
	StatusCode   int    // 0 when no answer came
	Err          string // transport error, if any
}

// Deliveries returns the webhook attempts made so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// WaitWebhooks blocks until every scheduled webhook delivery has finished (delivered, given
// up, or stopped), without cancelling any; tests use it with a non-blocking Options.Sleep.
func (s *Server) WaitWebhooks() { s.webhooks.Wait() }

// SetWebhook points deliveries at url, signed with secret, from now on: a
// server started after the simulator (its port unknown before) registers
// its endpoint this way, as an integrator does in Flinks' dashboard.
func (s *Server) SetWebhook(url string, secret []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.WebhookURL, s.opts.WebhookSecret = url, append([]byte(nil), secret...)
}

// webhookTarget returns where deliveries go and their signing secret.
func (s *Server) webhookTarget() (string, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.WebhookURL, s.opts.WebhookSecret
}

// ErrNoWebhookURL: FireWebhook without Options.WebhookURL.
var ErrNoWebhookURL = errors.New("flinkssim: no webhook URL configured")

// FireWebhook sends the login's GetAccountsDetail webhook once, now, whatever the state of
// its extraction, and reports a transport error or a non-2xx answer as an error.
func (s *Server) FireWebhook(loginID string) error {
	if url, _ := s.webhookTarget(); url == "" {
		return ErrNoWebhookURL
	}
	_, err := s.deliver(s.ctx, loginID, flinks.WebhookGetAccountsDetail, 1, -1)
	return err
}

// scheduleWebhook delivers a login's webhooks once its extraction is done: the KYC payload
// (Options.WebhookKYC) then GetAccountsDetail, each retried on non-2xx up to
// WebhookMaxRetries times, WebhookRetryInterval apart. A delivery stops when the login is
// deleted or refreshed again (gen), or the server closes.
func (s *Server) scheduleWebhook(loginID string, gen int) {
	if url, _ := s.webhookTarget(); url == "" {
		return
	}
	s.mu.Lock()
	lg, ok := s.logins[loginID]
	var wait = s.opts.ExtractionDelay
	if ok {
		wait = lg.readyAt.Sub(s.now())
	}
	s.mu.Unlock()
	s.webhooks.Add(1)
	go func() {
		defer s.webhooks.Done()
		if err := s.opts.Sleep(s.ctx, max(wait, 0)); err != nil {
			return
		}
		types := []string{flinks.WebhookGetAccountsDetail}
		if s.opts.WebhookKYC {
			types = []string{flinks.WebhookKYC, flinks.WebhookGetAccountsDetail}
		}
		for _, typ := range types {
			for attempt := 1; attempt <= 1+s.opts.WebhookMaxRetries; attempt++ {
				if attempt > 1 && s.opts.Sleep(s.ctx, s.opts.WebhookRetryInterval) != nil {
					return
				}
				done, err := s.deliver(s.ctx, loginID, typ, attempt, gen)
				if done || err == nil {
					break
				}
			}
		}
	}()
}

// deliver makes one attempt; done reports that retrying is pointless (login gone or
// refreshed, server closing). gen -1 skips the refresh check.
func (s *Server) deliver(ctx context.Context, loginID, typ string, attempt, gen int) (done bool, err error) {
	s.mu.Lock()
	lg, ok := s.logins[loginID]
	if !ok || (gen >= 0 && lg.gen != gen) {
		s.mu.Unlock()
		if !ok {
			return true, ErrUnknownLogin
		}
		return true, errors.New("flinkssim: login refreshed since")
	}
	var payload any
	if typ == flinks.WebhookKYC {
		payload = wireKYC{ResponseType: typ, HTTPStatusCode: 200, Holders: []wireHolder{lg.data.holder.wire()},
			Login: s.wireLoginLocked(lg), Institution: Institution, RequestID: lg.requestID}
	} else {
		d := s.renderLocked(lg, lg.requestID, fullQuery)
		d.ResponseType = typ
		payload = d
	}
	s.mu.Unlock()
	body, err := json.Marshal(payload)
	if err != nil {
		return true, err
	}
	status, err := s.post(ctx, body)
	d := Delivery{LoginID: loginID, ResponseType: typ, Attempt: attempt, StatusCode: status}
	if err != nil {
		d.Err = err.Error()
	}
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		return true, ctx.Err()
	case err != nil:
		return false, err
	case status/100 != 2:
		return false, fmt.Errorf("flinkssim: webhook answered %d", status)
	}
	return true, nil
}

// post sends one signed delivery.
func (s *Server) post(ctx context.Context, body []byte) (int, error) {
	url, secret := s.webhookTarget()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if len(secret) > 0 {
		req.Header.Set(flinks.WebhookSignatureHeader, flinks.SignWebhook(secret, body))
	}
	resp, err := s.opts.WebhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
