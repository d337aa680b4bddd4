package flinks

import (
	"net/http"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

func TestBaseURLResolution(t *testing.T) {
	const cid = "43387ca6-0391-4c82-857d-70d95f087ecb"
	tests := []struct {
		name, base, cid, want string
		bad                   bool
	}{
		{name: "placeholder", base: ToolboxBaseURL, cid: cid, want: "https://toolbox-api.private.fin.ag/v3/" + cid},
		{name: "placeholder without id", base: ToolboxBaseURL, bad: true},
		{name: "id already in base", base: "https://x-api.private.fin.ag/v3/" + cid + "/", want: "https://x-api.private.fin.ag/v3/" + cid},
		{name: "id in base and same option", base: "https://x-api.private.fin.ag/v3/" + cid, cid: cid, want: "https://x-api.private.fin.ag/v3/" + cid},
		{name: "id in base differs from option", base: "https://x-api.private.fin.ag/v3/other", cid: cid, bad: true},
		{name: "v3 base gets the id", base: "http://127.0.0.1:8080/v3", cid: cid, want: "http://127.0.0.1:8080/v3/" + cid},
		{name: "v3 base without id", base: "http://127.0.0.1:8080/v3", bad: true},
		{name: "empty", base: "", bad: true},
		{name: "relative", base: "/v3/" + cid, bad: true},
		{name: "query", base: "https://x/v3/" + cid + "?a=b", bad: true},
		{name: "user info", base: "https://u:p@x/v3/" + cid, bad: true},
		{name: "ftp", base: "ftp://x/v3/" + cid, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.cid != "" {
				opts = append(opts, WithCustomerID(tt.cid))
			}
			c, err := NewClient(tt.base, opts...)
			if tt.bad {
				if err == nil {
					t.Fatalf("NewClient(%q) = %s; want an error", tt.base, c.BaseURL())
				}
				return
			}
			if err != nil || c.BaseURL() != tt.want {
				t.Fatalf("NewClient(%q) = %v, %v; want %s", tt.base, c, err, tt.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	base := "https://x/v3/" + testCustomerID
	bad := map[string]Option{
		"nil http client":  WithHTTPClient(nil),
		"negative timeout": WithTimeout(-time.Second),
		"secret with CRLF": WithSecretKey("a\r\nb"),
		"empty api key":    WithAPIKey(""),
		"api secret LF":    WithAPISecret("a\nb"),
		"customer slash":   WithCustomerID("a/b"),
		"bad guards":       WithGuards(guard.Policy{Bulkhead: guard.BulkheadPolicy{MaxQueue: -1}}),
		"nil clock":        WithClock(nil),
		"nil sleeper":      WithSleeper(nil),
		"blank agent":      WithUserAgent(" "),
	}
	for name, opt := range bad {
		if _, err := NewClient(base, opt); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	c, err := NewClient(base, WithHTTPClient(&http.Client{}), nil)
	if err != nil || c.callTimeout != defaultHTTPTimeout {
		t.Fatalf("a client without Timeout must get a per-call deadline: %v, %v", c.callTimeout, err)
	}
}
