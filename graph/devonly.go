package graph

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// devOnlyFields are the root fields of development and sandbox servers
// only (schema/sandbox.graphqls), by root type. Elsewhere they, and the
// types only they reach, are not in the schema at all: validation answers
// "Cannot query field" and introspection does not list them.
var devOnlyFields = map[string][]string{"Mutation": {"sandbox"}}

// withoutDevOnly returns a copy of s without devOnlyFields and the types
// that only they reach. s itself, the parsed schema every server of the
// process shares, is never changed: the copy has its own maps and its own
// root definitions.
func withoutDevOnly(s *ast.Schema) *ast.Schema {
	out := *s
	out.Types = make(map[string]*ast.Definition, len(s.Types))
	replaced := map[*ast.Definition]*ast.Definition{}
	for name, def := range s.Types {
		drop := devOnlyFields[name]
		if len(drop) == 0 {
			out.Types[name] = def
			continue
		}
		cp := *def
		cp.Fields = slices.DeleteFunc(slices.Clone(def.Fields), func(f *ast.FieldDefinition) bool {
			return slices.Contains(drop, f.Name)
		})
		out.Types[name] = &cp
		replaced[def] = &cp
	}
	for _, root := range []**ast.Definition{&out.Query, &out.Mutation, &out.Subscription} {
		if cp, ok := replaced[*root]; ok {
			*root = cp
		}
	}
	before, after := reachable(s), reachable(&out)
	gone := func(name string) bool { return before[name] && !after[name] }
	for name := range out.Types {
		if gone(name) {
			delete(out.Types, name)
		}
	}
	out.PossibleTypes = relink(s.PossibleTypes, replaced, gone)
	out.Implements = relink(s.Implements, replaced, gone)
	return &out
}

// relink copies a PossibleTypes or Implements map without the gone types,
// pointing at the replaced definitions.
func relink(m map[string][]*ast.Definition, replaced map[*ast.Definition]*ast.Definition, gone func(string) bool) map[string][]*ast.Definition {
	out := make(map[string][]*ast.Definition, len(m))
	for name, defs := range m {
		if gone(name) {
			continue
		}
		list := make([]*ast.Definition, 0, len(defs))
		for _, d := range defs {
			if gone(d.Name) {
				continue
			}
			if cp, ok := replaced[d]; ok {
				d = cp
			}
			list = append(list, d)
		}
		out[name] = list
	}
	return out
}

// reachable names the types reachable from the roots and the directives:
// through fields, arguments, input fields, interfaces, union members and
// implementations.
func reachable(s *ast.Schema) map[string]bool {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		def := s.Types[name]
		if seen[name] || def == nil {
			return
		}
		seen[name] = true
		for _, f := range def.Fields {
			visit(f.Type.Name())
			for _, a := range f.Arguments {
				visit(a.Type.Name())
			}
		}
		for _, n := range def.Interfaces {
			visit(n)
		}
		for _, n := range def.Types {
			visit(n)
		}
		for _, d := range s.PossibleTypes[name] {
			visit(d.Name)
		}
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		if root != nil {
			visit(root.Name)
		}
	}
	for _, d := range s.Directives {
		for _, a := range d.Arguments {
			visit(a.Type.Name())
		}
	}
	return seen
}
