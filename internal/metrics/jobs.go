package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// jobStates are River's job states; the job gauges have a series for each.
var jobStates = []string{"available", "scheduled", "pending", "running", "retryable", "completed", "cancelled", "discarded"}

// jobOutcomes are what a job run can end in.
var jobOutcomes = []string{"completed", "failed", "snoozed", "cancelled"}

func (m *Metrics) defineJobs() {
	m.jobRuns = m.counter("job_runs_total",
		"Background job runs on this replica, by kind and outcome (completed, failed, snoozed, cancelled).",
		"kind", "outcome")
	m.jobDuration = m.histogram("job_run_duration_seconds", "Time of one background job run, by kind.", jobBuckets, "kind")
}

// JobCounts is what the job queue holds, shared by every replica.
type JobCounts struct {
	// ByState counts the jobs in each River state.
	ByState map[string]int64
	// OldestAvailable is how long the oldest job ready to run has waited
	// (0 without one): a backlog that grows means too few workers.
	OldestAvailable time.Duration
}

// JobDone counts one job run (jobs.Options.Observer).
func (m *Metrics) JobDone(kind, outcome string, d time.Duration) {
	m.jobRuns.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// WatchJobs reads the queue through read on every scrape (a count over
// River's table: every replica reports the same shared queue). Call it
// once.
func (m *Metrics) WatchJobs(read func(context.Context) (JobCounts, error)) {
	c := &jobsCollector{read: read,
		jobs: prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "jobs"),
			"Background jobs in the shared queue, by River state.", []string{"state"}, nil),
		oldest: prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "jobs_oldest_available_age_seconds"),
			"How long the oldest job ready to run has waited for a worker.", nil, nil),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "jobs_stats_errors_total",
			Help: "Scrapes that could not count the job queue."}),
	}
	m.reg.MustRegister(c)
}

// jobsCollector counts the queue when scraped.
type jobsCollector struct {
	read         func(context.Context) (JobCounts, error)
	jobs, oldest *prometheus.Desc
	failures     prometheus.Counter
}

// statsTimeout bounds the count, so a slow database cannot hang a scrape.
const statsTimeout = 2 * time.Second

// Describe implements prometheus.Collector.
func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.oldest
	c.failures.Describe(ch)
}

// Collect implements prometheus.Collector; when the count fails, the
// scrape goes on without the queue gauges and the failure is counted.
func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	counts, err := c.read(ctx)
	if err != nil {
		c.failures.Inc()
	} else {
		for _, s := range jobStates {
			ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(counts.ByState[s]), s)
		}
		ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, counts.OldestAvailable.Seconds())
	}
	c.failures.Collect(ch)
}
