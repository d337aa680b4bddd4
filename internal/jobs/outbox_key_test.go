package jobs

import (
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
)

// TestUniqueKeyIgnoresUntaggedFields: two outbox rows for one credentials
// that differ only outside River's unique key (a poll's Since, a finish's
// NotBefore) are one job; the batch holding both failed on PostgreSQL
// (SQLSTATE 21000) and wedged the outbox. Found by internal/tools/crashtest.
func TestUniqueKeyIgnoresUntaggedFields(t *testing.T) {
	now := time.Now()
	a, errA := uniqueKey(aggregate.PollJob{CredentialsID: "c1", Since: now})
	b, errB := uniqueKey(aggregate.PollJob{CredentialsID: "c1", Since: now.Add(time.Second)})
	c, errC := uniqueKey(aggregate.PollJob{CredentialsID: "c2", Since: now})
	d, errD := uniqueKey(aggregate.FinishLinkJob{CredentialsID: "c1", NotBefore: now})
	r1, errE := uniqueKey(aggregate.RefreshJob{CredentialsID: "c1"})
	r2, errF := uniqueKey(aggregate.RefreshJob{CredentialsID: "c2"})
	for _, err := range []error{errA, errB, errC, errD, errE, errF} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if a != b {
		t.Errorf("same credentials, different Since: keys %q and %q differ", a, b)
	}
	if a == c || a == d {
		t.Errorf("different credentials or kinds share a key: %q %q %q", a, c, d)
	}
	if r1 == r2 {
		t.Errorf("untagged args must be compared whole: %q == %q", r1, r2)
	}
}
