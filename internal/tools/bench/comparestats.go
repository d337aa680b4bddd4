package main

import (
	"slices"
	"time"
)

// compareStep is one timed run of a comparison: side (0 fingraph, 1 the
// other server) at concurrency conc, in round round.
type compareStep struct {
	conc, round, side int
}

// compareSchedule interleaves the runs: for each concurrency, rounds
// rounds of both sides, fingraph first in even rounds and second in odd
// ones (A B, B A, A B ...), so that neither side always runs right after
// the other's load or always first while the machine is fresh.
func compareSchedule(concs []int, rounds int) []compareStep {
	var steps []compareStep
	for _, c := range concs {
		for r := range rounds {
			first := r % 2
			steps = append(steps, compareStep{c, r, first}, compareStep{c, r, 1 - first})
		}
	}
	return steps
}

// sideRound is what one side did in one round.
type sideRound struct {
	completed, errors int
	elapsed           time.Duration
	latencies         []time.Duration
	cpu               time.Duration // the server process's CPU time, 0 when not sampled
}

// throughput is completed requests per second.
func (r sideRound) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.completed) / r.elapsed.Seconds()
}

// sideSummary sums one side's rounds at one concurrency: the median
// round's throughput, and p50/p99 over every round's latencies pooled.
type sideSummary struct {
	throughput    float64 // median of the rounds, req/s
	min, max      float64 // of the rounds' throughputs
	p50, p99      time.Duration
	completed     int
	errors        int
	cpuPerRequest time.Duration // 0 when not sampled
}

func summarizeSide(rounds []sideRound) sideSummary {
	var s sideSummary
	tps := make([]float64, len(rounds))
	var all loadStats
	var cpu time.Duration
	for i, r := range rounds {
		tps[i] = r.throughput()
		all.Latencies = append(all.Latencies, r.latencies...)
		s.completed += r.completed
		s.errors += r.errors
		cpu += r.cpu
	}
	if len(tps) > 0 {
		s.throughput, s.min, s.max = median(tps), slices.Min(tps), slices.Max(tps)
	}
	s.p50, s.p99 = all.Percentile(50), all.Percentile(99)
	if s.completed > 0 {
		s.cpuPerRequest = cpu / time.Duration(s.completed)
	}
	return s
}

// compareVerdict is fingraph against the other server at one concurrency.
type compareVerdict struct {
	// throughputRatio is the median over rounds of fingraph's throughput
	// over the other's in the same round; lo and hi its range.
	throughputRatio, lo, hi float64
	// p99Ratio is fingraph's pooled p99 over the other's.
	p99Ratio float64
	// met: throughputRatio >= minThroughputRatio and fingraph's p99 <=
	// the other's.
	met bool
}

// compareTarget is issue 15's bar: at least this many times the other
// server's throughput, with a p99 no higher than its p99.
const compareTarget = 2.0

// verdictOf compares fingraph's rounds (a) with the other server's (b),
// round by round: a[i] and b[i] ran back to back.
func verdictOf(a, b []sideRound) compareVerdict {
	var v compareVerdict
	var ratios []float64
	for i := range min(len(a), len(b)) {
		if tb := b[i].throughput(); tb > 0 {
			ratios = append(ratios, a[i].throughput()/tb)
		}
	}
	if len(ratios) > 0 {
		v.throughputRatio, v.lo, v.hi = median(ratios), slices.Min(ratios), slices.Max(ratios)
	}
	sa, sb := summarizeSide(a), summarizeSide(b)
	if sb.p99 > 0 {
		v.p99Ratio = float64(sa.p99) / float64(sb.p99)
	}
	v.met = v.throughputRatio >= compareTarget && sa.p99 > 0 && sa.p99 <= sb.p99 && sa.errors == 0
	return v
}
