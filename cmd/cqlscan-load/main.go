// Command cqlscan-load fills a demo table with deterministic sample rows. It stands in for
// cassandra-stress, which the Maven-fetched Cassandra distribution does not include.
//
//	cqlscan-load [--hosts 127.0.0.1] [--keyspace demo] [--rf 1] [--rows 100000]
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/internal/load"
)

func main() {
	hosts := pflag.String("hosts", "127.0.0.1", "contact points, comma-separated")
	port := pflag.Int("port", 9042, "native protocol port")
	ks := pflag.String("keyspace", "demo", "keyspace to create (if missing) and fill")
	rf := pflag.Int("rf", 1, "replication factor of a new keyspace")
	rows := pflag.Int("rows", 100000, "rows to write into <keyspace>.events")
	workers := pflag.Int("workers", 64, "concurrent writes")
	pflag.Parse()

	s, err := load.Connect(strings.Split(*hosts, ","), *port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cqlscan-load:", err)
		os.Exit(1)
	}
	defer s.Close()
	ctx := context.Background()
	err = s.Query(fmt.Sprintf(`CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': %d}`, *ks, *rf)).Exec()
	if err == nil {
		began := time.Now()
		err = load.Events(ctx, s, *ks, *rows, *workers)
		fmt.Fprintf(os.Stderr, "cqlscan-load: wrote %d rows into %s.events in %v\n", *rows, *ks, time.Since(began).Round(time.Millisecond))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cqlscan-load:", err)
		os.Exit(1)
	}
}
