package main

import (
	"context"
	"fmt"
)

// apiChecks asks the server what its clients would see, after the SQL
// checks (a read may fetch, so it must not come first): each user's
// connections, and each acknowledged upload.
func (e *env) apiChecks(ctx context.Context, s *snapshot) []string {
	var out []string
	for u, tok := range e.w.tokens {
		var r struct {
			Me struct {
				Credentials struct{ TotalCount int } `json:"credentials"`
			} `json:"me"`
		}
		if err := e.w.c.graphql(ctx, tok, `{ me { credentials(first: 1) { totalCount } } }`, nil, &r); err != nil {
			out = append(out, fmt.Sprintf("API: %s's credentials: %v", u, err))
			continue
		}
		want := 0
		for _, c := range s.creds {
			if c.user == u {
				want++
			}
		}
		if r.Me.Credentials.TotalCount != want {
			out = append(out, fmt.Sprintf("API: %s sees %d credentials, the database has %d", u, r.Me.Credentials.TotalCount, want))
		}
	}
	for _, id := range e.w.l.uploads {
		var r struct {
			Node *struct{ Status, ErrorCode string } `json:"node"`
		}
		err := e.w.c.graphql(ctx, e.w.tokens[e.w.upUser], `query($id:ID!){ node(id:$id) { ... on StatementUpload { status errorCode } } }`,
			map[string]any{"id": id}, &r)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("API: upload %s: %v", id, err))
		case r.Node != nil && r.Node.Status == "FAILED" && r.Node.ErrorCode == "completion_unknown":
			// Allowed: a kill between the provider accepting the completion
			// and the commit (see checker.uploads).
		case r.Node == nil || r.Node.Status != "COMPLETED":
			out = append(out, fmt.Sprintf("API: upload %s reads %+v, want COMPLETED", id, r.Node))
		}
	}
	return out
}
