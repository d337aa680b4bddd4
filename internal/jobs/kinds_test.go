package jobs

import (
	"encoding/json"
	"testing"

	"github.com/riverqueue/river"

	"github.com/fingraph/fingraph/internal/aggregate"
)

// TestEveryKindDecodes: each job the service enqueues comes out of the
// outbox as the same typed job (a missing decoder drops it).
func TestEveryKindDecodes(t *testing.T) {
	for _, job := range []river.JobArgs{
		aggregate.EraseJob{ErasureID: "e1"}, aggregate.FinishLinkJob{CredentialsID: "c1"},
		aggregate.RefreshJob{CredentialsID: "c2"}, aggregate.WebhookJob{EventID: "w1"},
	} {
		dec, ok := decoders[job.Kind()]
		if !ok {
			t.Fatalf("no decoder for %s", job.Kind())
		}
		raw, err := json.Marshal(job)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dec(raw)
		if err != nil || got != job {
			t.Fatalf("%s decoded to %#v, %v", job.Kind(), got, err)
		}
	}
}
