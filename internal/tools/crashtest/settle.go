package main

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"
)

// periodic job kinds are re-enqueued by the running server on a timer,
// so one may legitimately be waiting at any moment.
var periodic = map[string]bool{"sweep": true, "expire_onboarding": true}

// finalJobStates are River states a job never leaves.
var finalJobStates = map[string]bool{"completed": true, "discarded": true, "cancelled": true}

// settle waits until the server has finished every piece of work the
// workload caused, or until timeout; it returns the last snapshot and what
// was still unfinished then (empty when everything finished).
func settle(ctx context.Context, db *sql.DB, kind string, timeout time.Duration) (*snapshot, []string, error) {
	deadline := time.Now().Add(timeout)
	for {
		s, err := load(ctx, db, kind)
		if err != nil {
			return nil, nil, err
		}
		open := unfinished(s)
		if len(open) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return s, open, nil
		}
		sleep(ctx, 500*time.Millisecond)
	}
}

// unfinished lists the work that is still waiting or running in s.
func unfinished(s *snapshot) []string {
	var out []string
	if s.outbox > 0 {
		out = append(out, fmt.Sprintf("%d job_outbox rows never moved to River", s.outbox))
	}
	for _, j := range s.jobs {
		if !finalJobStates[j.state] && !periodic[j.kind] {
			out = append(out, fmt.Sprintf("River job %d (%s, %s) state %s after %d attempts; errors: %.300s",
				j.id, j.kind, j.args, j.state, j.attempt, j.errors.String))
		}
	}
	for hash, h := range s.hooks {
		if !h.processed {
			out = append(out, fmt.Sprintf("webhook event %s (body %s…) never processed", h.id, hash[:12]))
		}
	}
	for id, u := range s.uploads {
		if u.status != "completed" && u.status != "failed" {
			out = append(out, fmt.Sprintf("statement upload %s still %s after %d failed runs of its step", id, u.status, u.attempts))
		}
	}
	sort.Strings(out)
	return out
}
