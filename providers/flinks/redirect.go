package flinks

import (
	"encoding/json"
	"errors"
	"net/url"
)

// ConnectResult is what Flinks Connect hands back after a successful bank
// connection: in the redirect URL (?loginId=...&institution=...) or in the
// REDIRECT postMessage event (https://docs.flinks.com/docs/save-your-loginids).
type ConnectResult struct {
	LoginID     string
	Institution string
	// AccountID is set when account selection is on; pass it in
	// AccountsDetailRequest.AccountsFilter.
	AccountID string
	// RequestID comes with the REDIRECT event only.
	RequestID string
}

// ErrNoLoginID: the redirect or event carries no valid LoginId.
var ErrNoLoginID = errors.New("flinks: no LoginId in the Connect result")

// ParseConnectRedirect reads the landing page URL Flinks Connect redirected
// to, e.g. "https://example.com/done?loginId=...&institution=FlinksCapital".
func ParseConnectRedirect(rawURL string) (ConnectResult, error) {
	res := parseRedirectQuery(rawURL)
	if _, err := pathID("LoginId", res.LoginID); err != nil {
		return ConnectResult{}, ErrNoLoginID
	}
	return res, nil
}

// parseRedirectQuery reads the Connect parameters of a URL, valid or not.
func parseRedirectQuery(rawURL string) ConnectResult {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ConnectResult{}
	}
	q := u.Query()
	return ConnectResult{LoginID: q.Get("loginId"), Institution: q.Get("institution"),
		AccountID: q.Get("accountId"), RequestID: q.Get("requestId")}
}

// ParseConnectEvent reads a Flinks Connect REDIRECT postMessage event,
// e.g. {"step":"REDIRECT","url":"...","loginId":"...","requestId":"...",
// "accountId":"..."}. It takes loginId from the event when present, else
// from its url (notes: discrepancy row 11).
func ParseConnectEvent(data []byte) (ConnectResult, error) {
	var ev struct {
		Step        string `json:"step"`
		URL         string `json:"url"`
		LoginID     string `json:"loginId"`
		RequestID   string `json:"requestId"`
		AccountID   string `json:"accountId"`
		Institution string `json:"institution"`
	}
	if err := json.Unmarshal(data, &ev); err != nil || ev.Step != "REDIRECT" {
		return ConnectResult{}, ErrNoLoginID
	}
	res := parseRedirectQuery(ev.URL)
	if ev.LoginID != "" {
		res.LoginID = ev.LoginID
	}
	if _, err := pathID("LoginId", res.LoginID); err != nil {
		return ConnectResult{}, ErrNoLoginID
	}
	for dst, v := range map[*string]string{&res.RequestID: ev.RequestID, &res.AccountID: ev.AccountID, &res.Institution: ev.Institution} {
		if v != "" {
			*dst = v
		}
	}
	return res, nil
}
