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

// Event is one row of the events table.
type Event struct {
	Server, Hour string
	TS           time.Time
	Latency      float64
	Bytes        int64
	UserID       int
	Status       any // a string, or nil for NULL
}

// EventRow is row i of the demo data: 40 servers (esb01…esb40), 24 hours, a timestamp unique per
// row, skewed latencies and some NULL statuses.
func EventRow(i int) Event {
	var status any = []string{"ok", "ok", "ok", "slow", "error"}[i%5]
	if i%11 == 0 {
		status = nil
	}
	return Event{Server: fmt.Sprintf("esb%02d", 1+(i*7)%40), Hour: fmt.Sprintf("%02d:00", (i/40)%24),
		TS:      time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		Latency: float64(i%97) * 1.5, Bytes: int64(i%1000) * 512, UserID: i % 1000, Status: status}
}

// Events writes rows 0…n-1 of EventRow into ks.events. Re-running writes the same rows.
func Events(ctx context.Context, s *gocql.Session, ks string, n, workers int) error {
	if err := s.Query(fmt.Sprintf(EventsSchema, ks)).ExecContext(ctx); err != nil {
		return err
	}
	ins := fmt.Sprintf(`INSERT INTO %s.events (server, hour, ts, latency, bytes, user_id, status) VALUES (?, ?, ?, ?, ?, ?, ?)`, ks)
	return Run(ctx, s, n, workers, func(i int) Stmt {
		e := EventRow(i)
		return S(ins, e.Server, e.Hour, e.TS, e.Latency, e.Bytes, e.UserID, e.Status)
	})
}
