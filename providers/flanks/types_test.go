package flanks

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestDateDecoding(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{`"2024-03-14"`, "2024-03-14", false},
		{`"2024-03-14T10:00:00Z"`, "2024-03-14", false},
		{`"2024-03-14T10:00:00.123+01:00"`, "2024-03-14", false},
		{`"2024-03-14 10:00:00"`, "2024-03-14", false},
		{`"14/03/2024"`, "2024-03-14", false},
		{`"2027-05"`, "2027-05-01", false},
		{`"05/2027"`, "2027-05-01", false},
		{`"05/27"`, "2027-05-01", false},
		{`null`, "", false},
		{`""`, "", false},
		{`"yesterday"`, "", true},
		{`{}`, "", true},
	}
	for _, tt := range tests {
		var d Date
		err := json.Unmarshal([]byte(tt.in), &d)
		if (err != nil) != tt.wantErr || d.String() != tt.want {
			t.Errorf("Date(%s) = %q, %v; want %q, err %v", tt.in, d.String(), err, tt.want, tt.wantErr)
		}
	}
	b, _ := json.Marshal(struct {
		A, B Date
	}{A: NewDate(2024, time.February, 29)})
	if string(b) != `{"A":"2024-02-29","B":null}` {
		t.Errorf("marshal = %s", b)
	}
}

func TestTimestampDecoding(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{`1710483120`, time.Unix(1710483120, 0)},
		{`"1710483120"`, time.Unix(1710483120, 0)},
		{`1710483120.25`, time.Unix(1710483120, 250_000_000)},
		{`1710483120123`, time.UnixMilli(1710483120123)},
		{`"2024-03-15T06:12:00Z"`, time.Date(2024, 3, 15, 6, 12, 0, 0, time.UTC)},
		{`null`, time.Time{}},
		{`0`, time.Time{}},
	}
	for _, tt := range tests {
		var ts Timestamp
		if err := json.Unmarshal([]byte(tt.in), &ts); err != nil || !ts.Equal(tt.want) {
			t.Errorf("Timestamp(%s) = %v, %v; want %v", tt.in, ts.Time, err, tt.want)
		}
	}
	var ts Timestamp
	if err := json.Unmarshal([]byte(`"soon"`), &ts); err == nil {
		t.Error("invalid timestamp accepted")
	}
}

func TestFlexTypes(t *testing.T) {
	var f struct {
		A, B, C, D FlexString
	}
	if err := json.Unmarshal([]byte(`{"A": "x", "B": 12.50, "C": null, "D": {"k": 1}}`), &f); err != nil {
		t.Fatal(err)
	}
	if f.A != "x" || f.B != "12.50" || f.C != "" || f.D != `{"k":1}` {
		t.Errorf("flex = %+v", f)
	}
	var m StringMap
	if err := json.Unmarshal([]byte(`{"s": "v", "n": 123456789012345678.01, "b": true, "z": null}`), &m); err != nil {
		t.Fatal(err)
	}
	if m["n"] != "123456789012345678.01" || m["b"] != "true" || m["z"] != "" || m["s"] != "v" {
		t.Errorf("map = %v", m)
	}
	var loose struct{ S, A StringMap }
	if err := json.Unmarshal([]byte(`{"S": "Calle Mayor 1", "A": [{"email": "x@y"}]}`), &loose); err != nil {
		t.Fatal(err)
	}
	if loose.S["value"] != "Calle Mayor 1" || loose.A["value"] != `[{"email":"x@y"}]` {
		t.Errorf("loose maps = %v", loose)
	}
	var owners []Owner
	if err := json.Unmarshal([]byte(`["A", {"name": "B", "relation": "Autorizado"}]`), &owners); err != nil {
		t.Fatal(err)
	}
	if owners[0] != (Owner{Name: "A"}) || owners[1] != (Owner{Name: "B", Rel: "Autorizado"}) {
		t.Errorf("owners = %+v", owners)
	}
}

func TestNewClientValidation(t *testing.T) {
	creds := WithClientCredentials("id", "secret")
	bad := map[string][]Option{
		"no credentials":   nil,
		"empty secret":     {WithClientCredentials("id", "")},
		"nil http client":  {creds, WithHTTPClient(nil)},
		"negative timeout": {creds, WithTimeout(-time.Second)},
		"too many retries": {creds, WithRetry(RetryPolicy{MaxAttempts: 4})},
		"negative delay":   {creds, WithRetry(RetryPolicy{BaseDelay: -1})},
		"bad user agent":   {creds, WithUserAgent("x\r\ny")},
		"empty password":   {creds, WithPasswordGrant("u", "")},
	}
	for name, opts := range bad {
		if _, err := NewClient("", opts...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, u := range []string{"ftp://api.flanks.io", "api.flanks.io", "https://u:p@api.flanks.io", "https://x/?q=1"} {
		if _, err := NewClient(u, creds); err == nil {
			t.Errorf("base URL %q accepted", u)
		}
	}
	c, err := NewClient("", creds)
	if err != nil || c.baseURL != DefaultBaseURL || c.httpClient.Timeout != 30*time.Second {
		t.Fatalf("defaults: %v %v", c, err)
	}
	c, err = NewClient("https://sim.local/flanks/", creds, WithHTTPClient(&http.Client{}), WithUserAgent("fingraph/test"))
	if err != nil || c.baseURL != "https://sim.local/flanks" || c.callTimeout != 30*time.Second || c.userAgent != "fingraph/test" {
		t.Fatalf("custom: %+v %v", c, err)
	}
}

func TestPrefixedBaseURL(t *testing.T) {
	mux := http.NewServeMux()
	e := newTestEnvWithMux(t, mux)
	inner := newTestEnv(t)
	mux.Handle("/flanks/", http.StripPrefix("/flanks", inner.mux))
	c, err := NewClient(e.server.URL+"/flanks", WithClientCredentials(testClientID, testClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	serveScript(t, inner.mux, "/v0/bank/available", reply{200, `[]`, nil})
	if _, err := c.ListEntities(t.Context()); err != nil {
		t.Fatal(err)
	}
}
