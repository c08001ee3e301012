package cluster

import (
	"fmt"
	"strings"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// readLevels are the consistency levels a scan can read at.
var readLevels = []string{"ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM"}

// ReadLevels lists the consistency levels SetConsistency accepts, for help and completion.
func ReadLevels() []string { return append([]string(nil), readLevels...) }

// SetConsistency changes the consistency level of the statements that follow (cqlsh's CONSISTENCY).
func (c *Conn) SetConsistency(level string) error {
	level = strings.ToUpper(strings.TrimSpace(level))
	for _, l := range readLevels {
		if l == level {
			cons, err := gocql.ParseConsistencyWrapper(level)
			if err != nil {
				return err
			}
			c.cons.Store(uint32(cons))
			return nil
		}
	}
	return fmt.Errorf("consistency %q: use one of %s", level, strings.Join(readLevels, ", "))
}

// Consistency is the consistency level statements run at.
func (c *Conn) Consistency() string {
	if v := c.cons.Load(); v != 0 {
		return gocql.Consistency(v).String()
	}
	return strings.ToUpper(c.cfg.Consistency)
}

// withConsistency applies a level set by SetConsistency to q; without one, q keeps the session's.
func (c *Conn) withConsistency(q *gocql.Query) *gocql.Query {
	if v := c.cons.Load(); v != 0 {
		return q.Consistency(gocql.Consistency(v))
	}
	return q
}
