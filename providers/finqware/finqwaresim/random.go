package finqwaresim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"strings"

	"github.com/google/uuid"
)

// newToken returns an opaque secret (nonce, temp_token, access_token): 32
// bytes from crypto/rand, base64url. Live values are macaroons; clients
// must treat both as opaque. Being random, a value is never handed out
// twice, not even by a restarted simulator.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newID returns a random UUID (session, step, upload, credentials ids).
func newID() string { return uuid.NewString() }

// idNamespace roots the deterministic ids of generated data.
var idNamespace = uuid.MustParse("5b8f2a4e-3c1d-4e6f-9a7b-2d0c8e1f4a6b")

// stableID is a UUID derived from its parts: generated accounts and
// transactions keep their ids for a given seed.
func stableID(parts ...string) string {
	return uuid.NewSHA1(idNamespace, []byte(strings.Join(parts, "\x00"))).String()
}

// utxID is a transaction's cross-consent key: base64 of a SHA-256, like the
// docs' example.
func utxID(parts ...string) string {
	sum := sha256.Sum256([]byte("utx\x00" + strings.Join(parts, "\x00")))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// rng is a deterministic stream for generated data, one per dataset, so a
// dataset does not depend on the order datasets are created in.
type rng struct{ r *mrand.Rand }

func newRNG(seed int64, parts ...string) *rng {
	sum := sha256.Sum256([]byte(fmt.Sprint(seed) + "\x00" + strings.Join(parts, "\x00")))
	return &rng{r: mrand.New(mrand.NewPCG(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])))}
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
