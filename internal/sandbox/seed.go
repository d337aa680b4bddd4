package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// DemoExternalID is the Flanks external_id of the demo credentials.
const DemoExternalID = "demo-user-1"

// demoBanks are the institutions the demo user is linked to.
var demoBanks = []string{"testbank", "bbva"}

// SeedDemo gives userID linked Flanks credentials at each demo bank, in
// the simulator and in the database, through the aggregate service. It is
// idempotent and safe on every start with the same data directory.
//
// The simulator keeps its credentials in memory, so each start re-creates
// them; their credentials_token is pinned to a value derived from (seed,
// bank, external id) rather than generated, so the row stored by an
// earlier start (found by provider and token) keeps working unchanged and
// the simulator returns the same data for it.
func SeedDemo(ctx context.Context, sb *Sandbox, agg *aggregate.Service, st *store.Store, userID string) error {
	if sb == nil {
		return errors.New("sandbox: SeedDemo needs a running sandbox")
	}
	if err := st.TouchUser(ctx, userID, time.Now().UTC()); err != nil {
		return fmt.Errorf("sandbox: demo user: %w", err)
	}
	for _, bank := range demoBanks {
		token := demoToken(sb.seed, bank, DemoExternalID)
		_, err := sb.flanks.AddCredentials(flankssim.NewCredentials{
			Token: token, Bank: bank, ExternalID: DemoExternalID,
		})
		if err != nil && !errors.Is(err, flankssim.ErrAlreadyExists) {
			return fmt.Errorf("sandbox: demo credentials at %s: %w", bank, err)
		}
		_, err = agg.AttachCredentials(ctx, userID, models.ProviderFlanks, token, DemoExternalID)
		if err != nil {
			return fmt.Errorf("sandbox: link demo credentials at %s: %w", bank, err)
		}
	}
	return nil
}

// demoToken derives a UUID-shaped credentials_token. Sandbox data only: it
// is predictable on purpose.
func demoToken(seed int64, bank, externalID string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "fingraph-sandbox/%d/%s/%s", seed, bank, externalID))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	hi, lo := binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
