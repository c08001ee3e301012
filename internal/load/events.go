package load

import (
	"context"
	"fmt"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// EventsSchema is the demo table: server events keyed by server and hour, one row per event.
const EventsSchema = `CREATE TABLE IF NOT EXISTS %s.events (
	server text, hour text, ts timestamp, latency double, bytes bigint, user_id int, status text,
	PRIMARY KEY ((server, hour), ts))`

// Events writes n deterministic event rows into ks.events: 40 servers (esb01…esb40), 24 hours, a
// timestamp unique per row, skewed latencies and some null statuses. Re-running writes the same rows.
func Events(ctx context.Context, s *gocql.Session, ks string, n, workers int) error {
	if err := s.Query(fmt.Sprintf(EventsSchema, ks)).ExecContext(ctx); err != nil {
		return err
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ins := fmt.Sprintf(`INSERT INTO %s.events (server, hour, ts, latency, bytes, user_id, status) VALUES (?, ?, ?, ?, ?, ?, ?)`, ks)
	return Run(ctx, s, n, workers, func(i int) Stmt {
		server := fmt.Sprintf("esb%02d", 1+(i*7)%40)
		hour := fmt.Sprintf("%02d:00", (i/40)%24)
		var status any = []string{"ok", "ok", "ok", "slow", "error"}[i%5]
		if i%11 == 0 {
			status = nil
		}
		return Stmt{ins, []any{server, hour, base.Add(time.Duration(i) * time.Millisecond),
			float64(i%97) * 1.5, int64(i%1000) * 512, i % 1000, status}}
	})
}
