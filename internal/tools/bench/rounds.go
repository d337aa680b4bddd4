package main

import (
	"fmt"
	"io"
	"slices"
	"testing"
	"text/tabwriter"
)

// namedBench is one benchmark of a side-by-side run. For the baselines
// (every run after the first, the server), target is the largest
// server/baseline time ratio the target allows, 0 for a baseline shown
// only for comparison, and about says what that baseline is.
type namedBench struct {
	name   string
	fn     func(*testing.B)
	target float64
	about  string
}

// measureRounds runs every benchmark once per round, in turn; res[i][r] is
// benchmark i in round r.
func measureRounds(runs []namedBench, rounds int) ([][]testing.BenchmarkResult, error) {
	res := make([][]testing.BenchmarkResult, len(runs))
	for r := 0; r < rounds; r++ {
		for i, b := range runs {
			got, err := measure(b.name, b.fn)
			if err != nil {
				return nil, err
			}
			res[i] = append(res[i], got)
		}
	}
	return res, nil
}

// printNested prints each benchmark's median round and, for the first
// against each other, the median of the per-round time ratios: a ratio
// taken within one round compares runs made seconds apart. Only a
// baseline with a target gets a verdict; the others are labelled as the
// comparisons they are, so a ratio against a slow baseline cannot read
// as a target met.
func printNested(w io.Writer, runs []namedBench, res [][]testing.BenchmarkResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tms/op (median)\tmin\tmax\tallocs/op\tB/op\truns\t")
	for i, b := range runs {
		ms := msPerOp(res[i])
		m := res[i][0]
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d×%d\t\n", b.name, median(ms), slices.Min(ms), slices.Max(ms),
			m.AllocsPerOp(), m.AllocedBytesPerOp(), len(res[i]), m.N)
	}
	tw.Flush()
	fmt.Fprintln(w)
	server := msPerOp(res[0])
	for i, b := range runs[1:] {
		other := msPerOp(res[i+1])
		ratios := make([]float64, len(server))
		for r := range server {
			ratios[r] = server[r] / other[r]
		}
		ratio := median(ratios)
		fmt.Fprintf(w, "server/%s: %.2fx time (rounds %.2f-%.2f), %.1fx allocs; %s\n",
			b.name, ratio, slices.Min(ratios), slices.Max(ratios),
			float64(res[0][0].AllocsPerOp())/float64(res[i+1][0].AllocsPerOp()), ratioNote(b, ratio))
	}
}

func msPerOp(rs []testing.BenchmarkResult) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = float64(r.NsPerOp()) / 1e6
	}
	return out
}

// median of a non-empty slice (the mean of the middle two for even sizes).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratioNote is the verdict on a server/baseline ratio, or for a baseline
// without a target, what it is.
func ratioNote(b namedBench, ratio float64) string {
	if b.target <= 0 {
		return "no target: " + b.about
	}
	return fmt.Sprintf("target <= %gx time: %s (%s)", b.target, verdict(ratio <= b.target), b.about)
}
