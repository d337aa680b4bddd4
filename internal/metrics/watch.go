package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus/collectors"
)

// WatchStreams reads the open subscriptions and WebSocket connections
// through open on every scrape (realtime.Service.Open). Call it once.
func (m *Metrics) WatchStreams(open func() (subscriptions, connections int)) {
	m.gaugeFunc("subscriptions_open", "GraphQL subscriptions open on this replica (all transports).",
		func() float64 { s, _ := open(); return float64(s) })
	m.gaugeFunc("websocket_connections_open", "GraphQL WebSocket connections open on this replica.",
		func() float64 { _, c := open(); return float64(c) })
}

// WatchDB exports db's pool statistics (go_sql_* with db_name="fingraph":
// open, in use and idle connections, waits and their duration). Call it
// once.
func (m *Metrics) WatchDB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, namespace))
}
