package flinks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// The Upload API token (shared/seeds/004): POST /api/v1/token over the same mTLS
// connection, Basic client_id:client_secret, form grant_type=client_credentials and
// scope=ocr.write, answered {access_token, token_type: Bearer, expires_in: 300}. The token
// is cached and shared by every call until tokenExpirySkew before it expires, fetched by
// one caller at a time (singleflight), and dropped when the API answers 401.
//
// golang.org/x/oauth2/clientcredentials builds and parses the token request; its HTTP
// client (passed in a long-lived context as oauth2.HTTPClient) sends through the
// UploadClient's httpx.Caller, so the request shares the guards and the mTLS transport.

const tokenLabel = "POST " + uploadTokenPath

// tokenErrSlot receives the transport error of a token request, which oauth2 would
// otherwise flatten into text.
type tokenErrSlot struct{ err error }

type tokenErrKey struct{}

// tokenFetchError marks an error of the token step inside an upload call, so the call
// returns it as is rather than as a transport error of the upload.
type tokenFetchError struct{ err error }

func (e *tokenFetchError) Error() string { return e.err.Error() }
func (e *tokenFetchError) Unwrap() error { return e.err }

// tokenRoundTrip is the oauth2 HTTP client's transport: it sends the token request
// through the caller. The token request is idempotent (a repeat only mints another token;
// the unused one expires), and exempt from the retry budget since every call waits on it.
func (u *UploadClient) tokenRoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	res, err := u.caller.Do(r.Context(), httpx.Call{
		Label: tokenLabel, Idempotent: true, Unbudgeted: true,
		Build: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, r.Method, r.URL.String(), bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header = r.Header.Clone()
			req.Header.Set("User-Agent", defaultUserAgent)
			// oauth2 form-encodes the credentials inside the Basic header (RFC 6749
			// §2.3.1); the seed's examples send base64(client_id:client_secret) as is,
			// which differs for secrets with reserved characters. Follow the seed.
			req.SetBasicAuth(u.cfg.ClientID, u.cfg.ClientSecret)
			return req, nil
		},
	})
	if err != nil {
		if slot, ok := r.Context().Value(tokenErrKey{}).(*tokenErrSlot); ok {
			slot.err = err
		}
		return nil, err
	}
	return &http.Response{
		StatusCode: res.Status, Status: strconv.Itoa(res.Status) + " " + http.StatusText(res.Status),
		Header: res.Header, Body: io.NopCloser(bytes.NewReader(res.Body)),
		ContentLength: int64(len(res.Body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

// token returns the cached token, or fetches one. Concurrent callers share one fetch; a
// caller whose ctx ends stops waiting without cancelling the fetch for the others.
func (u *UploadClient) token(ctx context.Context) (string, error) {
	if tok := u.cachedToken(); tok != "" {
		return tok, nil
	}
	ch := u.tokGroup.DoChan("token", func() (any, error) {
		if tok := u.cachedToken(); tok != "" {
			return tok, nil
		}
		return u.fetchToken()
	})
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

func (u *UploadClient) cachedToken() string {
	u.tokMu.Lock()
	defer u.tokMu.Unlock()
	if u.tok != "" && u.now().Before(u.tokExp) {
		return u.tok
	}
	return ""
}

// invalidateToken drops tok if it is still the cached one (after a 401).
func (u *UploadClient) invalidateToken(tok string) {
	u.tokMu.Lock()
	defer u.tokMu.Unlock()
	if u.tok == tok {
		u.tok, u.tokExp = "", time.Time{}
	}
}

func (u *UploadClient) fetchToken() (string, error) {
	ctx, cancel := context.WithTimeout(u.oauthCtx, tokenFetchTimeout)
	defer cancel()
	slot := &tokenErrSlot{}
	ctx = context.WithValue(ctx, tokenErrKey{}, slot)
	start := u.now()
	tok, err := u.oauth.Token(ctx)
	if err != nil {
		return "", u.tokenError(ctx, err, slot)
	}
	if tok.AccessToken == "" || checkHeaderValue(tok.AccessToken) != nil ||
		(tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "bearer")) {
		return "", &APIError{Method: http.MethodPost, Path: uploadTokenPath, StatusCode: http.StatusOK,
			Message: "no usable bearer token in the answer", sentinels: []error{ErrMalformedResponse}}
	}
	ttl := tokenTTL(tok)
	u.tokMu.Lock()
	u.tok, u.tokExp = tok.AccessToken, start.Add(ttl-min(tokenExpirySkew, ttl/2))
	u.tokMu.Unlock()
	return tok.AccessToken, nil
}

// tokenTTL reads expires_in from the raw answer, so the expiry follows the client's clock;
// without it, the seed's 300 s.
func tokenTTL(tok *oauth2.Token) time.Duration {
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		if v > 0 {
			return time.Duration(v * float64(time.Second))
		}
	case string:
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	case json.Number:
		if n, err := v.Int64(); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return 300 * time.Second
}

// tokenError maps a failed token fetch to the package's errors, without the response body
// (which oauth2's RetrieveError prints) or the client secret.
func (u *UploadClient) tokenError(ctx context.Context, err error, slot *tokenErrSlot) error {
	secrets := []string{u.cfg.ClientSecret}
	if slot.err != nil {
		return &tokenFetchError{err: newTransportError(ctx, tokenLabel, slot.err, secrets)}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		e := &APIError{Method: http.MethodPost, Path: uploadTokenPath, StatusCode: re.Response.StatusCode,
			Message: oauthCode(re.ErrorCode)}
		if d, ok := httpx.ParseRetryAfter(re.Response.Header.Get("Retry-After"), u.now()); ok {
			e.RetryAfter = d
		}
		e.classify()
		if len(e.sentinels) == 0 {
			e.sentinels = []error{ErrMalformedResponse} // an error code in a 2xx answer
		}
		return &tokenFetchError{err: e}
	}
	if ctx.Err() != nil {
		return &tokenFetchError{err: newTransportError(ctx, tokenLabel, ctx.Err(), secrets)}
	}
	return &tokenFetchError{err: &APIError{Method: http.MethodPost, Path: uploadTokenPath, StatusCode: http.StatusOK,
		Message: "the token answer could not be parsed", sentinels: []error{ErrMalformedResponse}}}
}

// oauthCode keeps an RFC 6749 error code ("invalid_client") and nothing else.
func oauthCode(code string) string {
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return ""
		}
	}
	if code == "" {
		return ""
	}
	return fmt.Sprintf("token endpoint answered %s", code)
}
