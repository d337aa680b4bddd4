package graph

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

func hasField(d *ast.Definition, name string) bool { return d != nil && d.Fields.ForName(name) != nil }

// TestPublicSchemaHasNoSandbox: the public schema drops Mutation.sandbox
// and exactly the types only it reaches, through a copy: the shared parsed
// schema keeps them for development servers.
func TestPublicSchemaHasNoSandbox(t *testing.T) {
	full := fullSchema()
	nTypes, nMutation := len(full.Types), len(full.Mutation.Fields)
	pub := PublicSchema()
	if hasField(pub.Mutation, "sandbox") || hasField(pub.Types["Mutation"], "sandbox") {
		t.Fatal("the public schema has Mutation.sandbox")
	}
	var gone []string
	for name := range full.Types {
		if pub.Types[name] == nil {
			gone = append(gone, name)
		}
	}
	slices.Sort(gone)
	if want := []string{"SandboxFault", "SandboxMutations"}; !slices.Equal(gone, want) {
		t.Fatalf("types removed: %v, want %v", gone, want)
	}
	for name, defs := range pub.PossibleTypes {
		for _, d := range defs {
			if pub.Types[d.Name] != d {
				t.Errorf("PossibleTypes[%s] holds a definition of %s that is not the schema's", name, d.Name)
			}
		}
	}
	if _, ok := pub.PossibleTypes["SandboxMutations"]; ok {
		t.Error("PossibleTypes still lists SandboxMutations")
	}
	if len(pub.Mutation.Fields) != nMutation-1 || pub.Types["Mutation"] != pub.Mutation {
		t.Errorf("mutation fields %d of %d", len(pub.Mutation.Fields), nMutation)
	}
	// The shared schema is untouched.
	full = fullSchema()
	if !hasField(full.Mutation, "sandbox") || len(full.Types) != nTypes || full.Types["SandboxMutations"] == nil ||
		!slices.Contains(slices.Collect(maps.Keys(full.PossibleTypes)), "SandboxMutations") {
		t.Fatal("PublicSchema changed the shared parsed schema")
	}
	if !hasField(SchemaOf(HandlerOptions{Sandbox: true}).Mutation, "sandbox") || hasField(SchemaOf(HandlerOptions{}).Mutation, "sandbox") {
		t.Fatal("SchemaOf ignores HandlerOptions.Sandbox")
	}
	if sdl := string(SDL(pub)); strings.Contains(sdl, "Sandbox") || !strings.Contains(sdl, "linkCredentials") {
		t.Fatalf("public SDL:\n%s", sdl)
	}
	if !strings.Contains(string(SDL(full)), "sandbox: SandboxMutations!") {
		t.Fatal("the development SDL lacks the sandbox namespace")
	}
}

// TestPublicSchemaValidation: against the public schema the namespace is an
// unknown field, while the rest of the mutations validate.
func TestPublicSchemaValidation(t *testing.T) {
	for _, c := range []struct {
		query string
		pub   bool // valid against the public schema
	}{
		{`mutation { sandbox { __typename } }`, false},
		{`mutation { sandbox { setFault(provider: FLANKS, fault: NONE) } }`, false},
		{`mutation M { ... on Mutation { deleteCredentials(id: "x") { deletedId } } }`, true},
		{`{ __type(name: "SandboxFault") { name } }`, true}, // valid; answers null
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
		if err != nil {
			t.Fatal(err)
		}
		if errs := validator.Validate(fullSchema(), doc); len(errs) > 0 {
			t.Errorf("%s against the development schema: %v", c.query, errs)
		}
		errs := validator.Validate(PublicSchema(), doc)
		if c.pub != (len(errs) == 0) {
			t.Errorf("%s against the public schema: %v", c.query, errs)
		}
		if !c.pub && !strings.Contains(errs.Error(), `Cannot query field "sandbox" on type "Mutation"`) {
			t.Errorf("%s: %v", c.query, errs)
		}
	}
}
