package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/store"
)

// DemoExternalID is the external id of the demo credentials.
const DemoExternalID = "demo-user-1"

// SeedDemo gives userID linked credentials in every simulator, in the
// simulator and in the database, through the aggregate service. It is
// idempotent and safe on every start with the same data directory: the
// simulators keep their state in memory, so each start re-creates the
// demo connections with handles derived from the seed (DemoRef), and the
// rows stored by an earlier start keep working unchanged.
// only, unless it holds "all", limits the providers seeded.
func SeedDemo(ctx context.Context, sb *Sandbox, agg *aggregate.Service, st *store.Store, userID string, only []string) error {
	if sb == nil {
		return errors.New("sandbox: SeedDemo needs a running sandbox")
	}
	if err := st.TouchUser(ctx, userID, time.Now().UTC()); err != nil {
		return fmt.Errorf("sandbox: demo user: %w", err)
	}
	for _, sim := range sb.sims {
		if !slices.Contains(only, "all") && !slices.Contains(only, string(sim.Provider())) {
			continue
		}
		links, err := sim.DemoLinks(ctx, DemoExternalID)
		if err != nil {
			return fmt.Errorf("sandbox: demo credentials at %s: %w", sim.Provider(), err)
		}
		for i := range links {
			if _, err := agg.AttachCredentials(ctx, userID, sim.Provider(), &links[i]); err != nil {
				return fmt.Errorf("sandbox: link demo credentials at %s: %w", sim.Provider(), err)
			}
		}
	}
	return nil
}

// DemoRef derives a UUID-shaped provider handle from the seed and parts
// (institution, external id). Sandbox data only: it is predictable on
// purpose, so a restart re-creates the same handles.
func DemoRef(seed int64, parts ...string) string {
	h := sha256.New()
	fmt.Fprintf(h, "fingraph-sandbox/%d", seed)
	for _, p := range parts {
		fmt.Fprintf(h, "/%s", p)
	}
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	hi, lo := binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
