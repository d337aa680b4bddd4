package app_test

import (
	"testing"

	"github.com/fingraph/fingraph/migrations"
)

// TestStatusAfterFetches: on a first query, the status of a product the
// same response fetches says OK, not NEVER, whether the credentials come
// from a list or from node(id).
func TestStatusAfterFetches(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	var out struct {
		Me struct {
			Credentials struct {
				Nodes []struct {
					Status struct {
						Products []struct{ Product, Sync string }
					}
				}
			}
		}
	}
	s.mustGQL(t, s.token, `{ me { credentials(first: 1) { nodes {
	  status { products { product sync } } accounts { totalCount } cards { totalCount } } } } }`, nil, &out)
	states := map[string]string{}
	for _, p := range out.Me.Credentials.Nodes[0].Status.Products {
		states[p.Product] = p.Sync
	}
	if states["ACCOUNTS"] != "OK" || states["CARDS"] != "OK" || states["MIFID"] != "NEVER" {
		t.Fatalf("status of the products this response fetched: %v", states)
	}
}
