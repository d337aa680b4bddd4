package flanks

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// TestTimestampSign is the regression test of the sign of a fraction:
// "-1.5" decoded as -0.5 s and "-0.5" as +0.5 s.
func TestTimestampSign(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{`-1.5`, time.Unix(0, -1_500_000_000)},
		{`"-1.5"`, time.Unix(0, -1_500_000_000)},
		{`"-0.5"`, time.Unix(0, -500_000_000)},
		{`-0.000000001`, time.Unix(0, -1)},
		{`"+1.5"`, time.Unix(1, 500_000_000)},
		{`-1710483120.25`, time.Unix(-1710483121, 750_000_000)},
		{`1710483120.1234567899`, time.Unix(1710483120, 123_456_789)}, // past nanoseconds: cut
		{`-1710483120123`, time.UnixMilli(-1710483120123)},
		{`1710483120123.5`, time.UnixMilli(1710483120123).Add(500 * time.Microsecond)},
		{`-1710483120123.5`, time.UnixMilli(-1710483120123).Add(-500 * time.Microsecond)},
		{`0.0`, time.Unix(0, 0)},
		{`-0`, time.Time{}},
	}
	for _, tt := range tests {
		var ts Timestamp
		if err := json.Unmarshal([]byte(tt.in), &ts); err != nil || !ts.Equal(tt.want) || ts.IsZero() != tt.want.IsZero() {
			t.Errorf("Timestamp(%s) = %v, %v; want %v", tt.in, ts.Time, err, tt.want)
		}
	}
	for _, in := range []string{`"1.-5"`, `"1.+5"`, `"-"`, `"-.5"`, `".5"`, `"--1"`, `"-+1"`, `"1.5x"`, `"1e3"`} {
		var ts Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err == nil {
			t.Errorf("Timestamp(%s) = %v, want an error", in, ts.Time)
		}
	}
}

// TestTimestampRoundTrip is the regression test of instants MarshalJSON
// wrote as something else: the epoch (written 0, read as absent), those
// past 1e11 s (read back as milliseconds), fractions (dropped) and
// negative fractions.
func TestTimestampRoundTrip(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Unix(1710483120, 0), `1710483120`},
		{time.Unix(1710483120, 250_000_000), `1710483120.25`},
		{time.Unix(0, 0), `0.0`},
		{time.Unix(0, 1), `0.000000001`},
		{time.Unix(0, -1), `-0.000000001`},
		{time.Unix(0, -1_500_000_000), `-1.5`},
		{time.Unix(-1, 0), `-1`},
		{time.Unix(100_000_000_000, 0), `100000000000`},
		{time.Unix(100_000_000_001, 0), `100000000001000`},
		{time.Unix(100_000_000_001, 123_456_789), `100000000001123.456789`},
		{time.Unix(-100_000_000_001, 0), `-100000000001000`},
		{time.Unix(-100_000_000_001, 1), `-100000000000.999999999`},
		{time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), `253402300799999.999999`},
		{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), `-62135596799.999999999`},
		{time.UnixMilli(math.MaxInt64), `9223372036854775807`},
		{time.UnixMilli(math.MinInt64 + 1), `-9223372036854775807`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Timestamp{tt.in})
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, b, err, tt.want)
			continue
		}
		var back Timestamp
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tt.in) {
			t.Errorf("%s reads back as %v, %v; want %v", b, back.Time, err, tt.in)
		}
	}
	for _, in := range []time.Time{time.UnixMilli(math.MinInt64), time.UnixMilli(math.MaxInt64).Add(time.Millisecond)} {
		if b, err := json.Marshal(Timestamp{in}); err == nil {
			t.Errorf("Marshal(%v) = %s; want an error (no int64 holds its milliseconds)", in, b)
		}
	}
}
