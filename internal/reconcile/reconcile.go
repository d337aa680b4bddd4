// Package reconcile answers the admins' reconciliation: it compares what
// each provider holds for this server's account (provider.Inventory) with
// the credentials the server stores, and reports three kinds of drift:
// connections upstream the server does not know (a link whose exchange
// never reached it), stored credentials the provider no longer lists
// (deleted on its side), and link codes issued upstream that nobody
// exchanged. Providers without the capability are reported as
// unsupported, not as an error.
//
// Provider handles and link codes are secrets: they are matched by the
// store's keyed hash and shown only as their last four characters.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Status says how far one provider's reconciliation got.
type Status string

// The statuses of a Report.
const (
	// StatusOK: compared; the lists hold every difference found.
	StatusOK Status = "ok"
	// StatusUnsupported: the provider cannot list what it holds.
	StatusUnsupported Status = "unsupported"
	// StatusFailed: the provider failed to answer; ErrorCode says why.
	StatusFailed Status = "failed"
)

// Report is the reconciliation of one provider.
type Report struct {
	Provider models.Provider
	Status   Status
	// ErrorCode is the public code of a failed provider call.
	ErrorCode *string
	// OrphanedUpstream are connections the provider holds that match no
	// stored credentials, in the provider's order.
	OrphanedUpstream []Orphan
	// MissingUpstream are stored credentials the provider no longer
	// lists, by credentials id.
	MissingUpstream []Missing
	// PendingLinkCodes are codes issued upstream and never exchanged.
	PendingLinkCodes []PendingCode
}

// Orphan is a connection upstream with no stored credentials.
type Orphan struct {
	// RefLast4 is the end of the provider's handle, enough to find it in
	// the provider's dashboard; "" when the handle is too short to show
	// any of it.
	RefLast4    string
	Status      string
	Institution *string
	ExternalID  *string
	CreatedAt   *time.Time
}

// Missing is stored credentials the provider no longer lists.
type Missing struct {
	// CredentialsID is the credentials' global id, as Credentials.id.
	CredentialsID string
	UserID        string
	CreatedAt     time.Time
}

// PendingCode is a link code nobody exchanged.
type PendingCode struct {
	// CodeLast4 is the end of the code ("" when too short to show).
	CodeLast4            string
	ExternalID           *string
	CreatedAt, ExpiresAt *time.Time
}

// batchSize is how many stored credentials are compared at a time.
const batchSize = 500

// Service runs reconciliations. It is safe for concurrent use.
type Service struct {
	st  *store.Store
	reg *provider.Registry
	now func() time.Time
}

// New returns the service over the primary store (a replica could miss
// credentials linked a moment ago and report them as orphans).
func New(st *store.Store, reg *provider.Registry) *Service {
	return &Service{st: st, reg: reg, now: time.Now}
}

// Reconcile reconciles provider only, or every configured provider when
// only is nil, in the registry's order. Admins only: anyone else gets
// FORBIDDEN. It names other users' credentials, so it records one access
// trail entry for every user. A provider that fails is reported as
// StatusFailed; only a failure of the server's own database fails the
// whole call.
func (s *Service) Reconcile(ctx context.Context, only *models.Provider) ([]Report, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if !p.Has(auth.RoleAdmin) {
		return nil, fmt.Errorf("reconcile: read by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	names := s.reg.Names()
	if only != nil {
		if _, err := s.reg.Get(*only); err != nil {
			return nil, err
		}
		names = []models.Provider{*only}
	}
	access.ViewedAll(ctx)
	out := make([]Report, 0, len(names))
	for _, name := range names {
		r, err := s.reconcile(ctx, name)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// upstreamError marks a provider's failure, which fails its report only.
type upstreamError struct{ err error }

func (e *upstreamError) Error() string { return e.err.Error() }
func (e *upstreamError) Unwrap() error { return e.err }

// reconcile compares one provider.
func (s *Service) reconcile(ctx context.Context, name models.Provider) (Report, error) {
	r := Report{Provider: name, OrphanedUpstream: []Orphan{}, MissingUpstream: []Missing{}, PendingLinkCodes: []PendingCode{}}
	inv, err := provider.As[provider.Inventory](s.reg, name, "listing its connections")
	if err != nil {
		r.Status = StatusUnsupported
		return r, nil
	}
	err = s.compare(ctx, name, inv, &r)
	var up *upstreamError
	switch {
	case errors.As(err, &up):
		code := apperr.Code(up.err)
		return Report{Provider: name, Status: StatusFailed, ErrorCode: &code,
			OrphanedUpstream: []Orphan{}, MissingUpstream: []Missing{}, PendingLinkCodes: []PendingCode{}}, nil
	case err != nil:
		return Report{}, err
	}
	r.Status = StatusOK
	return r, nil
}

// compare fills r. The provider's list is read first and held by hash;
// the stored credentials are then walked in batches, so memory grows with
// the provider's list and the differences, never with the table. Stored
// credentials created after the provider's list was read are not judged:
// the list may predate them.
func (s *Service) compare(ctx context.Context, name models.Provider, inv provider.Inventory, r *Report) error {
	started := s.now()
	upstream, order, err := s.upstream(ctx, name, inv)
	if err != nil {
		return err
	}
	codes, err := inv.PendingLinkCodes(ctx)
	if err != nil {
		return &upstreamError{err}
	}
	err = s.st.EachCredentialsRef(ctx, name, batchSize, func(batch []store.CredentialsRef) error {
		for _, c := range batch {
			if _, ok := upstream[c.RefIndex]; ok {
				delete(upstream, c.RefIndex)
				continue
			}
			if c.CreatedAt.Before(started) {
				r.MissingUpstream = append(r.MissingUpstream, Missing{
					CredentialsID: (&models.Credentials{ID: c.ID}).GlobalID(), UserID: c.UserID, CreatedAt: c.CreatedAt})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, idx := range order {
		if o, ok := upstream[idx]; ok {
			r.OrphanedUpstream = append(r.OrphanedUpstream, o)
			delete(upstream, idx) // listed twice (pages shifted while paging): report once
		}
	}
	for _, c := range codes {
		r.PendingLinkCodes = append(r.PendingLinkCodes, PendingCode{CodeLast4: last4(c.Code),
			ExternalID: optional(c.ExternalID), CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt})
	}
	return nil
}

// upstream reads the provider's connections keyed by the hash of their
// handle; order keeps the provider's order. The handles themselves are
// dropped at once.
func (s *Service) upstream(ctx context.Context, name models.Provider, inv provider.Inventory) (map[string]Orphan, []string, error) {
	byIndex := map[string]Orphan{}
	var order []string
	for c, err := range inv.Connections(ctx) {
		if err != nil {
			return nil, nil, &upstreamError{err}
		}
		idx, err := s.st.ProviderRefIndex(name, c.Ref)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := byIndex[idx]; !dup {
			order = append(order, idx)
		}
		byIndex[idx] = Orphan{RefLast4: last4(c.Ref), Status: c.Status, Institution: optional(c.Institution),
			ExternalID: optional(c.ExternalID), CreatedAt: c.CreatedAt}
	}
	return byIndex, order, nil
}

// minShown is the shortest secret whose last four characters may be
// shown: shorter ones would give most of themselves away.
const minShown = 12

// last4 returns the last four characters of a secret, or "" when it is
// shorter than minShown.
func last4(secret string) string {
	r := []rune(secret)
	if len(r) < minShown {
		return ""
	}
	return string(r[len(r)-4:])
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
