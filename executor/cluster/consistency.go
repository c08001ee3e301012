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

// ExplainFailure returns a request's error as an *executor.ConsistencyError when it is Cassandra
// saying the read's consistency level could not be met, with how many replicas were alive or
// answered and how many the level needs; any other error comes back as it is.
func (c *Conn) ExplainFailure(err error) error { return consistencyFailure(err) }

// withConsistency applies the levels set by SetConsistency and SetSerialConsistency to q; without
// them, q keeps the session's.
func (c *Conn) withConsistency(q *gocql.Query) *gocql.Query {
	if v := c.cons.Load(); v != 0 {
		q = q.Consistency(gocql.Consistency(v))
	}
	if v := c.serial.Load(); v != 0 {
		q = q.SerialConsistency(gocql.Consistency(v))
	}
	return q
}

// serialLevels are the levels of the Paxos phase of conditional writes (IF …).
var serialLevels = []string{"SERIAL", "LOCAL_SERIAL"}

// SerialLevels lists the levels SetSerialConsistency accepts, for help and completion.
func SerialLevels() []string { return append([]string(nil), serialLevels...) }

// SetSerialConsistency changes the serial consistency level of the statements that follow (cqlsh's
// SERIAL CONSISTENCY).
func (c *Conn) SetSerialConsistency(level string) error {
	level = strings.ToUpper(strings.TrimSpace(level))
	for _, l := range serialLevels {
		if l == level {
			cons, err := gocql.ParseConsistencyWrapper(level)
			if err != nil {
				return err
			}
			c.serial.Store(uint32(cons))
			return nil
		}
	}
	return fmt.Errorf("serial consistency %q: use SERIAL or LOCAL_SERIAL", level)
}

// SerialConsistency is the serial consistency level conditional writes run at: SERIAL unless set
// otherwise (the protocol's default).
func (c *Conn) SerialConsistency() string {
	if v := c.serial.Load(); v != 0 {
		return gocql.Consistency(v).String()
	}
	return "SERIAL"
}
