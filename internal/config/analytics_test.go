package config

import (
	"errors"
	"testing"
	"time"
)

func TestAnalyticsVariables(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Analytics.SandboxUsers != 30 || c.Analytics.AccessLogRetention != DefaultAccessLogRetention || c.Analytics.ReadURL != "" {
		t.Errorf("defaults: %+v", c.Analytics)
	}
	for _, v := range []struct {
		in   string
		want time.Duration
	}{{"90d", 90 * 24 * time.Hour}, {"720h", 30 * 24 * time.Hour}} {
		c, err := load(map[string]string{"FINGRAPH_ACCESS_LOG_RETENTION": v.in})
		if err != nil || c.Analytics.AccessLogRetention != v.want {
			t.Errorf("%s: %v, %v", v.in, c.Analytics.AccessLogRetention, err)
		}
	}
	pg := "postgres://db/fingraph"
	c, err = load(map[string]string{"DATABASE_URL": pg, "DATABASE_READ_URL": "postgres://replica/fingraph"})
	if err != nil || c.Analytics.ReadURL != "postgres://replica/fingraph" {
		t.Errorf("read URL: %+v, %v", c.Analytics, err)
	}
	for env, bad := range map[string]map[string]string{
		"FINGRAPH_SANDBOX_USERS":        {"FINGRAPH_SANDBOX_USERS": "-1"},
		"FINGRAPH_ACCESS_LOG_RETENTION": {"FINGRAPH_ACCESS_LOG_RETENTION": "1h"},
		"DATABASE_READ_URL":             {"DATABASE_READ_URL": "postgres://replica/fingraph"}, // SQLite primary
	} {
		_, err := load(bad)
		var ce *Error
		if !errors.As(err, &ce) || ce.Var != env {
			t.Errorf("%v: %v, want an error naming %s", bad, err, env)
		}
	}
	if _, err := load(map[string]string{"FINGRAPH_ACCESS_LOG_RETENTION": "x d"}); err == nil {
		t.Error("a malformed retention was accepted")
	}
}
