package cluster

import (
	"fmt"
	"io"
	"strings"
	"sync"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// driverLog writes the driver's events, one line each, to w: "driver: LEVEL message name=value …".
// The driver's goroutines may still log while the session closes; once stop returns, nothing more is
// written, so w may be read or closed.
type driverLog struct {
	mu      sync.Mutex
	w       io.Writer
	stopped bool
}

// stop ends the log: later events are dropped.
func (l *driverLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

var _ gocql.StructuredLogger = (*driverLog)(nil)

func (l *driverLog) write(level, msg string, fields []gocql.LogField) {
	var b strings.Builder
	b.WriteString("driver: " + level + " " + msg)
	for _, f := range fields {
		b.WriteString(" " + f.Name + "=" + f.Value.String())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		fmt.Fprintln(l.w, b.String())
	}
}

// Error implements gocql.StructuredLogger.
func (l *driverLog) Error(msg string, fields ...gocql.LogField) { l.write("error", msg, fields) }

// Warning implements gocql.StructuredLogger.
func (l *driverLog) Warning(msg string, fields ...gocql.LogField) { l.write("warning", msg, fields) }

// Info implements gocql.StructuredLogger.
func (l *driverLog) Info(msg string, fields ...gocql.LogField) { l.write("info", msg, fields) }

// Debug implements gocql.StructuredLogger.
func (l *driverLog) Debug(msg string, fields ...gocql.LogField) { l.write("debug", msg, fields) }
