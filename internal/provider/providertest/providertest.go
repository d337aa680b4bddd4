// Package providertest is the contract every provider adapter passes (the
// way kratos runs one persister test suite against every persister): each
// adapter package calls Run from a test with a Harness over its simulator.
// The suite checks what the engine relies on: classified errors, no
// secrets in messages, rows the store can write, and capabilities that
// behave as their interfaces say.
package providertest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// Harness gives the suite an adapter over a simulator.
type Harness struct {
	// Provider is the adapter under test.
	Provider provider.Provider
	// NewCredentials creates credentials upstream (in the simulator) whose
	// data is ready, and returns them as the store would hand them to the
	// adapter (ProviderRef and ProviderState filled).
	NewCredentials func(t *testing.T) *models.Credentials
	// LinkCode returns a fresh, valid link code, for providers that link
	// by code (provider.Linker).
	LinkCode func(t *testing.T) string
	// Products are the products Fetch serves.
	Products []models.Product
	// Secrets are values that must never appear in an error message (API
	// keys, client secrets).
	Secrets []string
}

// Run runs the contract.
func Run(t *testing.T, h Harness) {
	t.Run("name", func(t *testing.T) { testName(t, h) })
	t.Run("status", func(t *testing.T) { testStatus(t, h) })
	t.Run("fetch", func(t *testing.T) { testFetch(t, h) })
	t.Run("unknown credentials", func(t *testing.T) { testUnknown(t, h) })
	if _, ok := h.Provider.(provider.Linker); ok {
		t.Run("link", func(t *testing.T) { testLink(t, h) })
	}
	if _, ok := h.Provider.(provider.Deleter); ok {
		t.Run("delete", func(t *testing.T) { testDelete(t, h) })
	}
	if _, ok := h.Provider.(provider.InstitutionLister); ok {
		t.Run("institutions", func(t *testing.T) { testInstitutions(t, h) })
	}
	if _, ok := h.Provider.(provider.ActionStarter); ok {
		t.Run("actions", func(t *testing.T) { testActions(t, h) })
	}
}

func testName(t *testing.T, h Harness) {
	switch h.Provider.Name() {
	case models.ProviderFlanks, models.ProviderFlinks, models.ProviderFinqware:
	default:
		t.Fatalf("Name() = %q: not a models.Provider value", h.Provider.Name())
	}
}

func testStatus(t *testing.T, h Harness) {
	st, err := h.Provider.Status(context.Background(), h.NewCredentials(t))
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	for p := range st.Products {
		if _, ok := models.LookupProduct(p); !ok {
			t.Errorf("status flags for unknown product %q", p)
		}
	}
}

func testFetch(t *testing.T, h Harness) {
	if len(h.Products) == 0 {
		t.Fatal("the harness lists no products")
	}
	c := h.NewCredentials(t)
	for _, p := range h.Products {
		rows, err := h.Provider.Fetch(context.Background(), c, p)
		if err != nil {
			t.Fatalf("Fetch(%s): %v", p, err)
		}
		if !rows.Has(p) {
			t.Errorf("Fetch(%s) lists products %v, not the one asked for", p, rows.Products)
		}
		for _, q := range rows.Products {
			if _, ok := models.LookupProduct(q); !ok {
				t.Errorf("Fetch(%s) returned unknown product %q", p, q)
			}
		}
		checkRows(t, p, rows)
	}
}

// checkRows checks what the store needs of every row: a provider id, a
// currency, and a parent reference on child rows.
func checkRows(t *testing.T, p models.Product, r *provider.Rows) {
	for _, a := range r.Accounts {
		if a.ProviderID == "" || a.Currency == "" {
			t.Errorf("%s: account without provider id or currency: %+v", p, a)
		}
	}
	for _, tx := range r.Transactions {
		if tx.ParentRef == "" || tx.Row.ProviderID == "" || tx.Row.Currency == "" || tx.Row.OperationDate.IsZero() {
			t.Errorf("%s: transaction without parent, id, currency or date: %+v", p, tx)
		}
	}
}

func testUnknown(t *testing.T, h Harness) {
	c := h.NewCredentials(t)
	c.ProviderRef = "00000000-0000-4000-8000-000000000000"
	_, err := h.Provider.Status(context.Background(), c)
	if err == nil {
		return // some providers answer an unknown handle with an empty status
	}
	checkError(t, h, err)
}

func testLink(t *testing.T, h Harness) {
	l := h.Provider.(provider.Linker)
	if h.LinkCode == nil {
		t.Fatal("the provider links by code but the harness has no LinkCode")
	}
	link, err := l.Link(context.Background(), h.LinkCode(t))
	if err != nil && !errors.Is(err, provider.ErrLinkDelayed) {
		t.Fatalf("Link: %v", err)
	}
	if err == nil && link.Ref == "" {
		t.Fatal("Link returned no handle")
	}
	_, err = l.Link(context.Background(), "not-a-code-"+strings.Repeat("x", 8))
	if err == nil {
		t.Fatal("Link accepted an invalid code")
	}
	checkError(t, h, err)
	if !errors.Is(err, apperr.ErrInvalidInput) && !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("an invalid code is %v, want a client error (BAD_USER_INPUT or NOT_FOUND)", err)
	}
}

func testDelete(t *testing.T, h Harness) {
	d := h.Provider.(provider.Deleter)
	c := h.NewCredentials(t)
	if err := d.Delete(context.Background(), c); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := d.Delete(context.Background(), c); err != nil {
		t.Fatalf("Delete of deleted credentials must count as done: %v", err)
	}
}

func testInstitutions(t *testing.T, h Harness) {
	list, err := h.Provider.(provider.InstitutionLister).Institutions(context.Background())
	if err != nil {
		t.Fatalf("Institutions: %v", err)
	}
	if len(list) == 0 {
		t.Fatal("no institutions")
	}
	for _, e := range list {
		if e.ID == "" || e.Name == "" || e.Provider != h.Provider.Name() {
			t.Errorf("institution %+v: want an id, a name and provider %s", e, h.Provider.Name())
		}
	}
}

func testActions(t *testing.T, h Harness) {
	s := h.Provider.(provider.ActionStarter)
	if len(s.Actions()) == 0 {
		t.Fatal("an ActionStarter with no actions")
	}
	c := h.NewCredentials(t)
	tok, err := s.StartAction(context.Background(), c, s.Actions()[0])
	if err != nil || tok == "" {
		t.Fatalf("StartAction(%s) = %q, %v", s.Actions()[0], tok, err)
	}
	if _, err := s.StartAction(context.Background(), c, provider.Action("no-such-action")); !errors.Is(err, apperr.ErrUnsupported) {
		t.Fatalf("an unknown action gives %v, want UNSUPPORTED", err)
	}
}

// checkError checks an adapter error is classified and keeps secrets out.
func checkError(t *testing.T, h Harness, err error) {
	t.Helper()
	var f *provider.Failure
	if !errors.As(err, &f) {
		t.Errorf("error %T %v is not a *provider.Failure", err, err)
		return
	}
	if code, _, ok := apperr.Classify(err); !ok || code == apperr.CodeInternal {
		t.Errorf("error %v has no public code", err)
	}
	for _, s := range h.Secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error message %q contains a secret", err.Error())
		}
	}
}
