package flankssim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// rng is a deterministic random stream. Each part of a dataset draws from its own stream
// (seed, credentials token, section), so changing one generator leaves the others' output
// as it was.
type rng struct{ r *rand.Rand }

func newRNG(seed int64, parts ...string) *rng {
	sum := sha256.Sum256([]byte(fmt.Sprint(seed) + "\x00" + strings.Join(parts, "\x00")))
	return &rng{r: rand.New(rand.NewPCG(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])))}
}

// between returns an int in [lo, hi].
func (g *rng) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// cents returns an amount of cents in [lo, hi].
func (g *rng) cents(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *rng, xs []T) T { return xs[g.r.IntN(len(xs))] }

// digits returns n random decimal digits.
func (g *rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// poisson draws a small Poisson-distributed count (Knuth's method; fine for lambda < 10).
func (g *rng) poisson(lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// objectID is a Mongo-style 24-hex id derived from its parts: Flanks ids are "based on
// the user credentials_token and" a product key, so they are stable across extractions.
func objectID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// externalObjectID is the external_id counterpart of objectID: the same key based on the
// credentials' external_id, or null when the credentials have none.
func externalObjectID(externalID string, parts ...string) *string {
	if externalID == "" {
		return nil
	}
	id := objectID(append([]string{"external", externalID}, parts...)...)
	return &id
}

// centsNum renders integer cents as an exact JSON number with two decimals.
func centsNum(c int64) json.Number {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, c/100, c%100))
}

// decNum renders a decimal as an exact JSON number with a fixed number of decimals.
func decNum(d decimal.Decimal, places int32) json.Number {
	return json.Number(d.StringFixed(places))
}

func numPtr(n json.Number) *json.Number { return &n }

func strPtr(s string) *string { return &s }

// day formats a date the way Flanks does ("YYYY-MM-DD").
func day(t time.Time) string { return t.Format(time.DateOnly) }

// monthsBetween lists the first day of each month from start to end, inclusive.
func monthsBetween(start, end time.Time) []time.Time {
	var out []time.Time
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// clampDay returns the day d of month m, or the last day of m when d is past it.
func clampDay(m time.Time, d int) time.Time {
	last := m.AddDate(0, 1, -1).Day()
	return time.Date(m.Year(), m.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}
