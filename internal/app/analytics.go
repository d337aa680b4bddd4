package app

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/analytics"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/store"
)

// startAnalytics prepares the analysts' views: it rolls up transactions
// cached before the rollups existed, opens the read replica the
// aggregates read when DATABASE_READ_URL is set, and starts the access
// trail's writer (flushed on Close).
func (a *App) startAnalytics(ctx context.Context, st *store.Store) error {
	n, err := st.BackfillRollups(ctx)
	if err != nil {
		return fmt.Errorf("roll up transactions: %w", err)
	}
	if n > 0 {
		a.logger.Info("transaction rollups computed for data cached before them", "credentials", n)
	}
	read := st
	if url := a.Config.Analytics.ReadURL; url != "" {
		db, err := database.Open(ctx, database.Options{PostgresURL: url, Logger: a.logger})
		if err != nil {
			return fmt.Errorf("DATABASE_READ_URL: %w", err)
		}
		a.closers = append(a.closers, db.Close)
		read = store.New(db.Gorm)
	}
	a.AccessLog = access.New(st, access.Options{Retention: a.Config.Analytics.AccessLogRetention, Logger: a.logger})
	a.AccessLog.Start()
	a.closers = append(a.closers, a.AccessLog.Close)
	a.aggregates = analytics.New(st, read)
	return nil
}
