// Package models holds fingraph's GORM structs. They are both the database
// rows and, through gqlgen's autobind, the Go side of GraphQL object types;
// the schema decides which columns are ever exposed.
package models

// All lists every persisted model, in dependency order. The schema test
// compares each one with the migrated tables on every supported database.
func All() []any {
	return []any{
		&User{}, &Credentials{}, &SyncRecord{},
		&Account{}, &AccountTransaction{},
		&Portfolio{}, &Investment{}, &InvestmentTransaction{},
		&Liability{}, &LiabilityTransaction{},
		&Card{}, &CardTransaction{},
		&Identity{}, &Holder{}, &Mifid{},
		&Erasure{}, &OutboxJob{}, &FetchLease{}, &OnboardingSession{}, &WebhookEvent{},
		&StatementUpload{}, &StatementFile{},
		&TxnRollup{}, &AccessLogEntry{},
	}
}
