package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Estimates reads how much data each token range of keyspace.table holds from every host that is up:
// each node records estimates for the ranges it is the primary replica of, in
// system.table_estimates (system.size_estimates before Cassandra 4.0), refreshed every few minutes
// from its SSTables (data still in memtables is not counted). A range's weight is its estimated
// partitions times their mean size in bytes, which follows the cost of reading it more closely than
// partitions alone. Hosts that do not answer leave gaps, which Estimates fills at the mean density;
// the error is returned only when no host answered.
//
// Nodes refresh their estimates every few minutes (size_recalculation_interval), so what was read
// is kept for estimateTTL: the statements of a shell session, and a plan and its progress line, ask
// the nodes once.
func (c *Conn) Estimates(ctx context.Context, p *ring.Partitioner, keyspace, table string) (*ring.Estimates, error) {
	key := keyspace + "." + table
	if e := c.estimates.get(key); e != nil {
		return e, nil
	}
	e, err := c.readAllEstimates(ctx, p, keyspace, table)
	if err == nil {
		c.estimates.put(key, e)
	}
	return e, err
}

// estimateTTL is how long size estimates read from the nodes are used before they are read again.
const estimateTTL = time.Minute

// estimateCache holds size estimates by keyspace.table, each for estimateTTL.
type estimateCache struct {
	mu sync.Mutex
	m  map[string]cachedEstimates
}

type cachedEstimates struct {
	e    *ring.Estimates
	read time.Time
}

func (c *estimateCache) get(key string) *ring.Estimates {
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.m[key]; ok && time.Since(got.read) < estimateTTL {
		return got.e
	}
	return nil
}

func (c *estimateCache) put(key string, e *ring.Estimates) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedEstimates{}
	}
	c.m[key] = cachedEstimates{e, time.Now()}
}

// readAllEstimates asks every host that is up for its estimates of keyspace.table, in parallel.
func (c *Conn) readAllEstimates(ctx context.Context, p *ring.Partitioner, keyspace, table string) (*ring.Estimates, error) {
	var (
		mu      sync.Mutex
		reports []ring.Estimate
		errs    []error
		wg      sync.WaitGroup
	)
	for _, h := range c.s.GetHosts() {
		if !h.IsUp() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.hostEstimates(ctx, p, h.HostID(), keyspace, table)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", h.ConnectAddress(), err))
				return
			}
			reports = append(reports, got...)
		}()
	}
	wg.Wait()
	if len(reports) == 0 && len(errs) > 0 {
		return nil, fmt.Errorf("reading size estimates of %s.%s: %w", keyspace, table, errors.Join(errs...))
	}
	return ring.NewEstimates(p, reports), nil
}

// hostEstimates reads one host's estimates of its primary ranges.
func (c *Conn) hostEstimates(ctx context.Context, p *ring.Partitioner, hostID, keyspace, table string) ([]ring.Estimate, error) {
	got, err := c.readEstimates(ctx, p, hostID, `SELECT range_start, range_end, partitions_count, mean_partition_size
		FROM system.table_estimates WHERE keyspace_name = ? AND table_name = ? AND range_type = 'primary'`, keyspace, table)
	var re gocql.RequestError
	if errors.As(err, &re) && re.Code() == gocql.ErrCodeInvalid { // no table_estimates before Cassandra 4.0
		got, err = c.readEstimates(ctx, p, hostID, `SELECT range_start, range_end, partitions_count, mean_partition_size
			FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?`, keyspace, table)
	}
	return got, err
}

func (c *Conn) readEstimates(ctx context.Context, p *ring.Partitioner, hostID, stmt string, args ...any) ([]ring.Estimate, error) {
	iter := c.s.Query(stmt, args...).SetHostID(hostID).IterContext(ctx)
	var (
		out          []ring.Estimate
		start, end   string
		count, bytes int64
	)
	for iter.Scan(&start, &end, &count, &bytes) {
		s, err := p.ParseToken(start)
		if err != nil {
			iter.Close()
			return nil, err
		}
		e, err := p.ParseToken(end)
		if err != nil {
			iter.Close()
			return nil, err
		}
		out = append(out, ring.Estimate{Start: s, End: e, Weight: float64(count) * float64(max(bytes, 1))})
	}
	return out, iter.Close()
}
