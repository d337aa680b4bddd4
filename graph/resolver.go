// Package graph is fingraph's GraphQL edge: resolvers that parse arguments,
// call one service method and return. No SQL and no provider HTTP here.
package graph

//go:generate go tool gqlgen generate
//go:generate go run ../internal/cmd/schemadump -o ../schema.graphql

import (
	"github.com/fingraph/fingraph/internal/analytics"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/onboarding"
	"github.com/fingraph/fingraph/internal/realtime"
	"github.com/fingraph/fingraph/internal/reconcile"
	"github.com/fingraph/fingraph/internal/sandboxapi"
	"github.com/fingraph/fingraph/internal/statements"
	"github.com/fingraph/fingraph/internal/users"
)

// Resolver carries the services resolvers call. It is built once in
// server.go; gqlgen never regenerates this file. Field names must differ
// from Query fields (users, analytics): the resolvers embed this struct.
type Resolver struct {
	// Viewers knows the caller and, for analysts, every user.
	Viewers *users.Service
	// Aggregates answers the analysts' aggregates and the access trail.
	Aggregates *analytics.Service
	Finance    *finance.Service
	Onboarding *onboarding.Service
	Statements *statements.Service
	Realtime   *realtime.Service
	// Reconciler compares the providers' inventories with the stored
	// credentials (admins).
	Reconciler *reconcile.Service
	// Simulators serves the sandbox mutations: set on development and
	// sandbox servers running the provider simulators, nil elsewhere
	// (where HandlerOptions.Sandbox is false: no such field).
	Simulators *sandboxapi.Service
}
