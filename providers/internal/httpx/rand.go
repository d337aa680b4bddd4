package httpx

import "math/rand/v2"

// defaultRand is the jitter source used when Backoff.Rand is nil.
func defaultRand(n int64) int64 { return rand.Int64N(n) }
