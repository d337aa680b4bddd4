package models

// Linked pairs a child row with the provider's reference to its parent (a
// provider id, or for account transactions possibly an IBAN). The store
// resolves it to the parent's row id inside the write transaction, since
// the provider cannot know our ids.
type Linked[T any] struct {
	Row       T
	ParentRef string
}
