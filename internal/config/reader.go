package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Reader turns environment strings into typed values and remembers the
// first error, so Load can read every variable and report one clear line.
// Provider sections read their own variables through it.
type Reader struct {
	getenv func(string) string
	err    error
}

// Str reads key, or fallback when it is unset or blank.
func (r *Reader) Str(key, fallback string) string {
	if v := strings.TrimSpace(r.getenv(key)); v != "" {
		return v
	}
	return fallback
}

// Fail records an invalid value of key, unless an earlier one was.
func (r *Reader) Fail(key, msg string) {
	if r.err == nil {
		r.err = &Error{Var: key, Msg: msg}
	}
}

// Bool reads a boolean.
func (r *Reader) Bool(key string, fallback bool) bool {
	v := r.Str(key, "")
	if v == "" {
		return fallback
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.Fail(key, fmt.Sprintf("must be true or false, not %q", v))
		return fallback
	}
	return b
}

// Duration reads a Go duration such as 30s.
func (r *Reader) Duration(key string, fallback time.Duration) time.Duration {
	v := r.Str(key, "")
	if v == "" {
		return fallback
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.Fail(key, fmt.Sprintf("must be a duration such as 30s or 2m, not %q", v))
		return fallback
	}
	return d
}

// Int64 reads an integer.
func (r *Reader) Int64(key string, fallback int64) int64 {
	v := r.Str(key, "")
	if v == "" {
		return fallback
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.Fail(key, fmt.Sprintf("must be an integer, not %q", v))
		return fallback
	}
	return n
}

// Float64 reads a decimal number such as 2.5.
func (r *Reader) Float64(key string, fallback float64) float64 {
	v := r.Str(key, "")
	if v == "" {
		return fallback
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.Fail(key, fmt.Sprintf("must be a number, not %q", v))
		return fallback
	}
	return f
}

// Durations reads "name=duration,name=duration".
func (r *Reader) Durations(key string) map[string]time.Duration {
	out := map[string]time.Duration{}
	v := r.Str(key, "")
	if v == "" {
		return out
	}
	for part := range strings.SplitSeq(v, ",") {
		name, d, ok := strings.Cut(strings.TrimSpace(part), "=")
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if !ok || err != nil {
			r.Fail(key, fmt.Sprintf("must look like transactions=5m,identity=24h, not %q", part))
			return out
		}
		out[strings.TrimSpace(name)] = dur
	}
	return out
}

// NewReader returns a Reader over getenv.
func NewReader(getenv func(string) string) *Reader { return &Reader{getenv: getenv} }

// Err returns the first invalid value read, as an *Error.
func (r *Reader) Err() error { return r.err }

// List reads a comma-separated list; "none" or "-" is the empty list.
func (r *Reader) List(key string, fallback []string) []string {
	v := r.Str(key, "")
	if v == "" {
		return fallback
	}
	if v == "none" || v == "-" {
		return []string{}
	}
	var out []string
	for part := range strings.SplitSeq(v, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, strings.ToLower(p))
		}
	}
	return out
}
