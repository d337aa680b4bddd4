package graph

import (
	"sync"
	"testing"

	"gorm.io/gorm/schema"

	"github.com/fingraph/fingraph/graph/generated"
	"github.com/fingraph/fingraph/models"
)

// TestReadsOfCoversEveryField: a field missing from readsOf silently turns
// projection off for its type (correct but slow), and a model field name
// that does not exist fails every list of the type at run time.
func TestReadsOfCoversEveryField(t *testing.T) {
	modelOf := map[string]any{
		"AccountTransaction":    &models.AccountTransaction{},
		"InvestmentTransaction": &models.InvestmentTransaction{},
		"LiabilityTransaction":  &models.LiabilityTransaction{},
		"CardTransaction":       &models.CardTransaction{},
	}
	gql := generated.NewExecutableSchema(generated.Config{}).Schema()
	for typ, reads := range readsOf {
		m, ok := modelOf[typ]
		if !ok {
			t.Fatalf("no model for %s in this test", typ)
		}
		sch, err := schema.Parse(m, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range gql.Types[typ].Fields {
			if _, ok := reads[f.Name]; !ok {
				t.Errorf("readsOf[%q] lacks field %q", typ, f.Name)
			}
		}
		for field, names := range reads {
			if gql.Types[typ].Fields.ForName(field) == nil {
				t.Errorf("readsOf[%q] names %q, which the schema does not have", typ, field)
			}
			for _, n := range names {
				if sch.LookUpField(n) == nil {
					t.Errorf("readsOf[%q][%q]: model has no field %q", typ, field, n)
				}
			}
		}
	}
}
