package flinkssim

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flinks"
)

// noRedirect stops the client at the 303.
var noRedirect = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestConnectPage(t *testing.T) {
	e := newEnv(t, Options{})
	page := e.sim.ConnectURL("https://app.example/done?x=1")
	if !strings.HasSuffix(page, "/v2/?demo=true&redirectUrl=https%3A%2F%2Fapp.example%2Fdone%3Fx%3D1") {
		t.Fatalf("ConnectURL = %s", page)
	}
	resp, err := noRedirect.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `name="password"`) ||
		!strings.Contains(string(body), `value="https://app.example/done?x=1"`) {
		t.Fatalf("page %d:\n%s", resp.StatusCode, body)
	}
	origin := page[:strings.Index(page, "/v2/")]
	form := url.Values{"institution": {"FlinksCapital"}, "username": {"Greatday"}, "password": {"Everyday"},
		"redirectUrl": {"https://app.example/done?x=1"}}
	resp, err = noRedirect.PostForm(origin+"/v2/", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "https://app.example/done?") || !strings.Contains(loc, "x=1") {
		t.Fatalf("redirect %d to %q", resp.StatusCode, loc)
	}
	res, err := flinks.ParseConnectRedirect(loc)
	if err != nil || res.Institution != Institution {
		t.Fatalf("ParseConnectRedirect(%q) = %+v, %v", loc, res, err)
	}
	if _, err := e.client.AuthorizeCached(context.Background(), res.LoginID); err != nil {
		t.Fatalf("the Connect login does not authorize: %v", err)
	}
}

func TestConnectPageErrors(t *testing.T) {
	e := newEnv(t, Options{})
	origin := strings.TrimSuffix(e.base, "/v3/"+DefaultCustomerID)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"wrong password", url.Values{"institution": {"FlinksCapital"}, "username": {"Greatday"}, "password": {"x"}}, 401, "Invalid username or password"},
		{"unknown institution", url.Values{"institution": {"RBC"}, "username": {"Greatday"}, "password": {"Everyday"}}, 401, "Unknown institution"},
		{"javascript redirect", url.Values{"institution": {"FlinksCapital"}, "username": {"Greatday"}, "password": {"Everyday"},
			"redirectUrl": {"javascript:alert(1)"}}, 400, "redirectUrl"},
	}
	for _, tt := range tests {
		resp, err := noRedirect.PostForm(origin+"/v2/", tt.form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
	if n := len(e.sim.Logins()); n != 0 {
		t.Errorf("%d logins created by failed forms", n)
	}
	// Without redirectUrl the page shows the LoginId.
	resp, err := noRedirect.PostForm(origin+"/v2/", url.Values{"institution": {"FlinksCapital"}, "username": {"test_pending"}, "password": {"Everyday"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ids := e.sim.Logins(); resp.StatusCode != 200 || len(ids) != 1 || !strings.Contains(string(body), ids[0]) {
		t.Errorf("no-redirect result %d %s", resp.StatusCode, body)
	}
	// The redirect value is escaped in the page.
	resp, err = noRedirect.Get(origin + "/v2/?redirectUrl=" + url.QueryEscape(`https://x.example/"><script>alert(1)</script>`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<script>") {
		t.Errorf("unescaped redirectUrl in the page:\n%s", body)
	}
}
