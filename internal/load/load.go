// Package load writes generated rows into Cassandra quickly: prepared statements run by many workers.
// The demo loader and the integration tests use it.
package load

import (
	"context"
	"fmt"
	"sync"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// Stmt is one statement with its bind values.
type Stmt struct {
	CQL  string
	Args []any
}

// Run executes every statement produced by gen (called with 0..n-1) using workers goroutines, and
// returns the first error.
func Run(ctx context.Context, s *gocql.Session, n, workers int, gen func(i int) Stmt) error {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int, workers)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				st := gen(i)
				if err := s.Query(st.CQL, st.Args...).ExecContext(ctx); err != nil {
					once.Do(func() { first = fmt.Errorf("%s: %w", st.CQL, err); cancel() })
					return
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return first
}

// Connect opens a session for loading, with writes at consistency ALL so a count that follows sees
// every row on every replica.
func Connect(hosts []string, port int) (*gocql.Session, error) {
	c := gocql.NewCluster(hosts...)
	c.Port = port
	c.Consistency = gocql.All
	c.Timeout = 20e9
	c.Metadata.CacheMode = gocql.Disabled
	return c.CreateSession()
}

// CreateKeyspace (re)creates a keyspace with SimpleStrategy and the given replication factor.
func CreateKeyspace(ctx context.Context, s *gocql.Session, name string, rf int) error {
	if err := s.Query(`DROP KEYSPACE IF EXISTS ` + name).ExecContext(ctx); err != nil {
		return err
	}
	return s.Query(fmt.Sprintf(`CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': %d}`,
		name, rf)).ExecContext(ctx)
}

// S builds a Stmt.
func S(cql string, args ...any) Stmt { return Stmt{CQL: cql, Args: args} }
