package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Analytics configures the analysts' views.
type Analytics struct {
	// SandboxUsers is how many users the sandbox seeds besides the demo
	// user, with varied providers, institutions and states
	// (FINGRAPH_SANDBOX_USERS, default 30).
	SandboxUsers int
	// AccessLogRetention is how long access trail rows are kept
	// (FINGRAPH_ACCESS_LOG_RETENTION: a duration such as 9600h, or days
	// such as 400d; default 400 days).
	AccessLogRetention time.Duration
	// ReadURL, when set, sends the analysts' aggregates to this PostgreSQL
	// read replica (DATABASE_READ_URL); DATABASE_URL must be PostgreSQL.
	ReadURL string
}

// DefaultAccessLogRetention is FINGRAPH_ACCESS_LOG_RETENTION's default.
const DefaultAccessLogRetention = 400 * 24 * time.Hour

func loadAnalytics(r *Reader) Analytics {
	return Analytics{
		SandboxUsers:       int(r.Int64("FINGRAPH_SANDBOX_USERS", 30)),
		AccessLogRetention: days(r, "FINGRAPH_ACCESS_LOG_RETENTION", DefaultAccessLogRetention),
		ReadURL:            r.Str("DATABASE_READ_URL", ""),
	}
}

// days reads a duration that may also be written in days ("400d").
func days(r *Reader, key string, fallback time.Duration) time.Duration {
	v := r.Str(key, "")
	if n, ok := strings.CutSuffix(v, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil {
			r.Fail(key, fmt.Sprintf("must be a duration such as 9600h or days such as 400d, not %q", v))
			return fallback
		}
		return time.Duration(d) * 24 * time.Hour
	}
	return r.Duration(key, fallback)
}

func (c Config) validateAnalytics() error {
	a := c.Analytics
	if a.SandboxUsers < 0 || a.SandboxUsers > 1000 {
		return &Error{"FINGRAPH_SANDBOX_USERS", "must be between 0 and 1000"}
	}
	if a.AccessLogRetention < 24*time.Hour {
		return &Error{"FINGRAPH_ACCESS_LOG_RETENTION", "must be at least a day (e.g. 400d)"}
	}
	if a.ReadURL == "" {
		return nil
	}
	if !strings.HasPrefix(a.ReadURL, "postgres://") && !strings.HasPrefix(a.ReadURL, "postgresql://") {
		return &Error{"DATABASE_READ_URL", "must start with postgres:// or postgresql://"}
	}
	if c.SQLitePath() != "" {
		return &Error{"DATABASE_READ_URL", "needs DATABASE_URL to be PostgreSQL (a SQLite file has no replicas)"}
	}
	return nil
}
