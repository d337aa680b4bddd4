package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// reader turns environment strings into typed values and remembers the first
// error, so Load can read every variable and report one clear line.
type reader struct {
	getenv func(string) string
	err    error
}

func (r *reader) str(key, fallback string) string {
	if v := strings.TrimSpace(r.getenv(key)); v != "" {
		return v
	}
	return fallback
}

func (r *reader) fail(key, msg string) {
	if r.err == nil {
		r.err = &Error{Var: key, Msg: msg}
	}
}

func (r *reader) bool(key string, fallback bool) bool {
	v := r.str(key, "")
	if v == "" {
		return fallback
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(key, fmt.Sprintf("must be true or false, not %q", v))
		return fallback
	}
	return b
}

func (r *reader) duration(key string, fallback time.Duration) time.Duration {
	v := r.str(key, "")
	if v == "" {
		return fallback
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.fail(key, fmt.Sprintf("must be a duration such as 30s or 2m, not %q", v))
		return fallback
	}
	return d
}

func (r *reader) int64(key string, fallback int64) int64 {
	v := r.str(key, "")
	if v == "" {
		return fallback
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(key, fmt.Sprintf("must be an integer, not %q", v))
		return fallback
	}
	return n
}

// durations reads "name=duration,name=duration".
func (r *reader) durations(key string) map[string]time.Duration {
	out := map[string]time.Duration{}
	v := r.str(key, "")
	if v == "" {
		return out
	}
	for part := range strings.SplitSeq(v, ",") {
		name, d, ok := strings.Cut(strings.TrimSpace(part), "=")
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if !ok || err != nil {
			r.fail(key, fmt.Sprintf("must look like transactions=5m,identity=24h, not %q", part))
			return out
		}
		out[strings.TrimSpace(name)] = dur
	}
	return out
}
