package provider

import (
	"context"
	"iter"
	"time"
)

// Inventory is a provider that lists what it holds for this server's
// account as a whole, not per credentials: every connection it keeps and
// the link codes its own UI issued that were never exchanged. Admins
// reconcile that against the credentials the server stores, to find
// connections the server lost track of (a link whose exchange never
// reached it) and credentials the provider dropped.
type Inventory interface {
	// Connections yields every connection the provider holds, then stops;
	// on failure it yields one error (a *Failure) and stops.
	Connections(ctx context.Context) iter.Seq2[UpstreamConnection, error]
	// PendingLinkCodes lists the link codes issued and not yet exchanged.
	PendingLinkCodes(ctx context.Context) ([]PendingLinkCode, error)
}

// UpstreamConnection is one connection as the provider lists it. Ref is
// the provider's secret handle (Credentials.ProviderRef): compare it with
// the stored handles, never show or log it.
type UpstreamConnection struct {
	Ref string
	// Status is the provider's own word for the connection's state
	// ("active", "pending", "error"...), as it sends it.
	Status string
	// Institution is the provider's institution id, if it says.
	Institution string
	// ExternalID is the external id given when linking, if any.
	ExternalID string
	// CreatedAt is when the provider created the connection, if it says.
	CreatedAt *time.Time
}

// PendingLinkCode is a link code the provider issued that nobody has
// exchanged yet. Code is one-use and links credentials: mask it before
// showing it.
type PendingLinkCode struct {
	Code string
	// ExternalID is the external id given to the link UI, if any.
	ExternalID string
	// CreatedAt and ExpiresAt are when the code was issued and when it
	// lapses, when the provider says.
	CreatedAt, ExpiresAt *time.Time
}
