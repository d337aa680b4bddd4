package flanksadapter_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// newInventory returns the adapter over a fresh simulator paging
// /credentials/list by two.
func newInventory(t *testing.T) (*flankssim.Server, *flanksadapter.Adapter) {
	t.Helper()
	sim, url := flankssim.NewTestServer(t, flankssim.Options{Seed: 3, HistoryDays: 5, PageSize: 2})
	client, err := flanks.NewClient(url, flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret),
		flanks.WithTimeout(10*time.Second), flanks.WithRetry(flanks.RetryPolicy{MaxAttempts: 1}))
	check(t, err)
	return sim, flanksadapter.New(client)
}

// TestInventoryConnections: every page of /credentials/list, in creation
// order, with the status word, bank and external id as Flanks sends them.
func TestInventoryConnections(t *testing.T) {
	sim, a := newInventory(t)
	var want []provider.UpstreamConnection
	for i := range 5 {
		ext := ""
		if i%2 == 0 {
			ext = fmt.Sprintf("ext-%d", i)
		}
		tok, err := sim.CreateCredentials("testbank", ext, "")
		check(t, err)
		want = append(want, provider.UpstreamConnection{Ref: tok, Status: "active", Institution: "testbank", ExternalID: ext})
	}
	gone, err := sim.CreateCredentials("bbva", "", "")
	check(t, err)
	check(t, sim.DeleteCredentials(gone))

	var got []provider.UpstreamConnection
	for c, err := range a.Connections(context.Background()) {
		check(t, err)
		got = append(got, c)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("connections:\n got %+v\nwant %+v", got, want)
	}
	if n := sim.Requests("/v0/bank/credentials/list"); n != 3 {
		t.Errorf("list requests: %d, want 3 pages of 2", n)
	}
}

// TestInventoryConnectionsFailure: an upstream failure is one classified
// error, with no token in its text.
func TestInventoryConnectionsFailure(t *testing.T) {
	sim, a := newInventory(t)
	tok, err := sim.CreateCredentials("testbank", "", "")
	check(t, err)
	check(t, sim.InjectFault("/v0/bank/credentials/list", flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503, Times: 5}))
	var errs []error
	for _, err := range a.Connections(context.Background()) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || apperr.Code(errs[0]) != apperr.CodeUpstreamUnavailable || strings.Contains(errs[0].Error(), tok) {
		t.Fatalf("errors: %v", errs)
	}
}

// TestInventoryPendingLinkCodes: the codes Link issued and nobody
// exchanged, with Link's external_id; an exchanged code is gone.
func TestInventoryPendingLinkCodes(t *testing.T) {
	sim, a := newInventory(t)
	ctx := context.Background()
	pending, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank", ExternalID: "user-7"})
	check(t, err)
	plain, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "bbva"})
	check(t, err)
	used, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "bbva"})
	check(t, err)
	_, err = a.Link(ctx, used.Code)
	check(t, err)

	got, err := a.PendingLinkCodes(ctx)
	check(t, err)
	slices.SortFunc(got, func(x, y provider.PendingLinkCode) int { return strings.Compare(x.ExternalID, y.ExternalID) })
	want := []provider.PendingLinkCode{{Code: plain.Code}, {Code: pending.Code, ExternalID: "user-7"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("codes:\n got %+v\nwant %+v", got, want)
	}
}
