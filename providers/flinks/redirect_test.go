package flinks

import (
	"errors"
	"testing"
)

func TestParseConnectRedirect(t *testing.T) {
	res, err := ParseConnectRedirect("https://flinks.com/contact/thank-you/?loginId=c255da7c-d5f8-4182-d96c-08d94d3c33c3&institution=FlinksCapital")
	if err != nil || res.LoginID != "c255da7c-d5f8-4182-d96c-08d94d3c33c3" || res.Institution != "FlinksCapital" {
		t.Fatalf("got %+v, %v", res, err)
	}
	for _, bad := range []string{"https://x/?institution=FlinksCapital", "https://x/?loginId=../../x", "%zz"} {
		if _, err := ParseConnectRedirect(bad); !errors.Is(err, ErrNoLoginID) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestParseConnectEvent(t *testing.T) {
	ev := `{"step":"REDIRECT","url":"https://toolbox-iframe.private.fin.ag/v2/Result/FlinksCapital?accountId=226a0a34-7de6-4ca6-8782-01ffeb314ccc&institution=FlinksCapital",
"loginId":"6747ff12-6943-429f-c710-08d9aaed1c78","requestId":"89c77e20-dc45-4f30-9a9c-24059b1d255c","accountId":"226a0a34-7de6-4ca6-8782-01ffeb314ccc"}`
	res, err := ParseConnectEvent([]byte(ev))
	if err != nil || res.LoginID != "6747ff12-6943-429f-c710-08d9aaed1c78" || res.RequestID != "89c77e20-dc45-4f30-9a9c-24059b1d255c" ||
		res.AccountID != "226a0a34-7de6-4ca6-8782-01ffeb314ccc" || res.Institution != "FlinksCapital" {
		t.Fatalf("got %+v, %v", res, err)
	}
	// Docs form: only the URL carries the LoginId.
	res, err = ParseConnectEvent([]byte(`{"step":"REDIRECT","institution":"FlinksCapital","url":"https://example.com/done?loginId=c255da7c-d5f8-4182-d96c-08d94d3c33c3&institution=FlinksCapital"}`))
	if err != nil || res.LoginID != "c255da7c-d5f8-4182-d96c-08d94d3c33c3" {
		t.Fatalf("url form: %+v, %v", res, err)
	}
	for _, bad := range []string{`{"step":"APP_MOUNTED"}`, `{"step":"REDIRECT","url":"https://x/"}`, `{"step":"REDIRECT","loginId":"nope"}`, `[`} {
		if _, err := ParseConnectEvent([]byte(bad)); !errors.Is(err, ErrNoLoginID) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}
