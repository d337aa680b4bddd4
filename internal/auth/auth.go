// Package auth authenticates API callers with bearer JWTs and carries the
// resulting Principal through the request context.
//
// Production tokens (RS256 or ES256) are verified with go-jose against a JWKS
// URL or a static public key, checking issuer, audience, exp and nbf. In
// development the server keeps its own ES256 signing key in the data dir
// (DevKey) so `fingraph token` can mint tokens for it.
//
// Errors returned by this package never contain token text or key material,
// so callers may log them. Authorization decisions (CanRead, CanWrite) live
// here too, so every resolver applies the same rule (reliability goal 10).
package auth

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Role is a coarse authorization role carried in the token's "roles" claim.
type Role string

// The roles fingraph understands. Any other role string is ignored.
const (
	// RoleUser reads and writes only the caller's own data.
	RoleUser Role = "user"
	// RoleAnalyst reads everything and writes nothing.
	RoleAnalyst Role = "analyst"
	// RoleAdmin reads and writes everything.
	RoleAdmin Role = "admin"
)

// knownRoles lists the accepted role strings in canonical order.
var knownRoles = []Role{RoleUser, RoleAnalyst, RoleAdmin}

var (
	// ErrMissingToken means the request carried no credentials at all; the
	// HTTP layer answers 401 with a WWW-Authenticate challenge.
	ErrMissingToken = errors.New("auth: missing bearer token")
	// ErrInvalidToken means credentials were present but unusable: malformed,
	// badly signed, expired, for another audience, and so on. Verify errors
	// wrap it with a short reason and never include the token.
	ErrInvalidToken = errors.New("auth: invalid token")
)

// Principal is an authenticated caller: the token's subject and roles.
type Principal struct {
	// UserID is the token's "sub" claim.
	UserID string
	// Roles holds the recognised roles; it is never empty for a verified
	// token (no valid role means RoleUser).
	Roles []Role
	// ExpiresAt is when the token stops being valid (zero: never, for
	// principals not made from a token); long-lived streams end then.
	ExpiresAt time.Time
}

// Has reports whether the principal holds role r. A nil principal holds none.
func (p *Principal) Has(r Role) bool {
	return p != nil && slices.Contains(p.Roles, r)
}

// CanRead reports whether the principal may read data owned by ownerID: its
// owner, an analyst or an admin. An empty ownerID is never "owned" by anyone,
// so a missing owner cannot be matched by a principal with an empty UserID.
func (p *Principal) CanRead(ownerID string) bool {
	return p.owns(ownerID) || p.Has(RoleAnalyst) || p.Has(RoleAdmin)
}

// CanWrite reports whether the principal may modify data owned by ownerID:
// its owner or an admin. Analysts never write, even their own data, because
// the role is meant for read-only reporting accounts.
func (p *Principal) CanWrite(ownerID string) bool {
	if p.Has(RoleAdmin) {
		return true
	}
	return p.owns(ownerID) && !p.Has(RoleAnalyst)
}

// owns reports whether ownerID is the principal's own, non-empty user ID.
func (p *Principal) owns(ownerID string) bool {
	return p != nil && ownerID != "" && p.UserID == ownerID
}

// ctxKey is unexported so no other package can read or overwrite the
// principal stored in a context.
type ctxKey struct{}

// NewContext returns a copy of ctx carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal stored by NewContext. ok is false when
// there is none (an unauthenticated request), so callers must fail closed.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(*Principal)
	return p, ok && p != nil
}

// Verifier turns a bearer token into a Principal. Implementations are safe
// for concurrent use, and their errors wrap ErrInvalidToken.
type Verifier interface {
	Verify(ctx context.Context, token string) (*Principal, error)
}
