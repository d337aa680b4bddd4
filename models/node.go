package models

import (
	"encoding/base64"
	"unsafe"
)

// GlobalID encodes a node's type and key as an opaque ID, so clients can
// refetch any object with node(id:) without knowing its table.
func GlobalID(n Node) string {
	// Built in a stack buffer and encoded into the string's own bytes:
	// every node of every page gets an ID, and the plain version made
	// three allocations where one is needed.
	var buf [128]byte
	raw := append(append(append(buf[:0], n.NodeType()...), ':'), n.NodeKey()...)
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(raw)))
	base64.RawURLEncoding.Encode(out, raw)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is never written again
}

// Node is implemented by every model the API exposes as a GraphQL Node.
// NodeType is the GraphQL type name; together with the row's key it forms
// the opaque global ID.
type Node interface {
	NodeType() string
	NodeKey() string
}

// NodeType implements Node.
func (c *Credentials) NodeType() string { return "Credentials" }

// NodeType implements Node.
func (a *Account) NodeType() string { return "Account" }

// NodeType implements Node.
func (t *AccountTransaction) NodeType() string { return "AccountTransaction" }

// NodeType implements Node.
func (p *Portfolio) NodeType() string { return "Portfolio" }

// NodeType implements Node.
func (i *Investment) NodeType() string { return "Investment" }

// NodeType implements Node.
func (t *InvestmentTransaction) NodeType() string { return "InvestmentTransaction" }

// NodeType implements Node.
func (l *Liability) NodeType() string { return "Liability" }

// NodeType implements Node.
func (t *LiabilityTransaction) NodeType() string { return "LiabilityTransaction" }

// NodeType implements Node.
func (c *Card) NodeType() string { return "Card" }

// NodeType implements Node.
func (t *CardTransaction) NodeType() string { return "CardTransaction" }

// NodeKey implements Node.
func (c *Credentials) NodeKey() string { return c.ID }

// NodeKey implements Node.
func (a *Account) NodeKey() string { return a.ID }

// NodeKey implements Node.
func (t *AccountTransaction) NodeKey() string { return t.ID }

// NodeKey implements Node.
func (p *Portfolio) NodeKey() string { return p.ID }

// NodeKey implements Node.
func (i *Investment) NodeKey() string { return i.ID }

// NodeKey implements Node.
func (t *InvestmentTransaction) NodeKey() string { return t.ID }

// NodeKey implements Node.
func (l *Liability) NodeKey() string { return l.ID }

// NodeKey implements Node.
func (t *LiabilityTransaction) NodeKey() string { return t.ID }

// NodeKey implements Node.
func (c *Card) NodeKey() string { return c.ID }

// NodeKey implements Node.
func (t *CardTransaction) NodeKey() string { return t.ID }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (c *Credentials) GlobalID() string { return GlobalID(c) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (a *Account) GlobalID() string { return GlobalID(a) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (t *AccountTransaction) GlobalID() string { return GlobalID(t) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (p *Portfolio) GlobalID() string { return GlobalID(p) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (i *Investment) GlobalID() string { return GlobalID(i) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (t *InvestmentTransaction) GlobalID() string { return GlobalID(t) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (l *Liability) GlobalID() string { return GlobalID(l) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (t *LiabilityTransaction) GlobalID() string { return GlobalID(t) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (c *Card) GlobalID() string { return GlobalID(c) }

// GlobalID is the object's opaque API id. Being a method, not a resolver,
// it costs gqlgen no goroutine per object in long lists.
func (t *CardTransaction) GlobalID() string { return GlobalID(t) }
