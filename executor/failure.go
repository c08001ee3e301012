package executor

import (
	"context"
	"errors"
	"fmt"
)

// FailureKind says what a failed request means for a retry.
type FailureKind int

// Failure kinds. A Querier reports them by returning a *QueryError; any other error counts as
// HostFailure, the kind that is always safe to retry elsewhere.
const (
	// HostFailure: the host could not serve the request (down, unreachable, overloaded, unavailable,
	// connection lost). Retry on another replica.
	HostFailure FailureKind = iota
	// Timeout: the request took too long (a server read timeout or failure, or no answer in time).
	// Retry on the same or another replica, asking for less: a smaller page or a narrower range.
	Timeout
	// Fatal: the statement itself is wrong (syntax, invalid, unauthorized) or its answer cannot be
	// decoded. Retrying cannot help.
	Fatal
	// Unavailable: the host answered, but fewer replicas are alive than the consistency level needs
	// (Cassandra's Unavailable). The host is not down: it is not avoided, and the range does not fail
	// as "every replica is down". Retried after a pause, since the coordinator's view of which
	// replicas are alive may be out of date, until the retries run out.
	Unavailable
)

func (k FailureKind) String() string {
	switch k {
	case Timeout:
		return "timeout"
	case Fatal:
		return "fatal"
	case Unavailable:
		return "unavailable"
	}
	return "host failure"
}

// QueryError is a Querier's error with its kind.
type QueryError struct {
	Kind FailureKind
	Err  error
}

func (e *QueryError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *QueryError) Unwrap() error { return e.Err }

// ConsistencyError is a read whose consistency level could not be met: the coordinator knew too few
// replicas alive (Unavailable), or too few answered in time (a read timeout).
type ConsistencyError struct {
	Level    string // the consistency level: ONE, QUORUM, ALL, …
	Have     int    // replicas alive (Unavailable) or that answered (TimedOut)
	Need     int    // replicas the level needs
	TimedOut bool   // the replicas were thought alive, but too few answered in time
	Err      error  // the driver's error
}

func (e *ConsistencyError) Error() string {
	var what string
	if e.TimedOut {
		what = fmt.Sprintf("consistency level %s was not met in time: %d of the %d replicas it needs answered", e.Level, e.Have, e.Need)
	} else {
		alive := "replicas are"
		if e.Have == 1 {
			alive = "replica is"
		}
		what = fmt.Sprintf("consistency level %s cannot be met: %d %s alive and it needs %d", e.Level, e.Have, alive, e.Need)
	}
	do := "start the replicas that are down"
	if lower := lowerLevel(e.Level); lower != "" {
		do += ", or read at a lower level (CONSISTENCY " + lower + ")"
	}
	return what + "; " + do
}

// lowerLevel is a level that needs fewer replicas than level, to suggest; "" for ONE and the like.
func lowerLevel(level string) string {
	switch level {
	case "ALL":
		return "QUORUM"
	case "EACH_QUORUM":
		return "LOCAL_QUORUM"
	case "LOCAL_QUORUM":
		return "LOCAL_ONE"
	case "QUORUM", "TWO", "THREE":
		return "ONE"
	}
	return ""
}

// Unwrap returns the driver's error.
func (e *ConsistencyError) Unwrap() error { return e.Err }

// kindOf classifies err; context errors are Fatal (the caller stopped the run, nothing to retry).
func kindOf(err error) FailureKind {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Fatal
	}
	var qe *QueryError
	if errors.As(err, &qe) {
		return qe.Kind
	}
	return HostFailure
}

// ScanError reports the reads that still failed after their retries, when a run was asked to keep
// going past them (to checkpoint as much as possible). The answer is incomplete: never print it.
type ScanError struct {
	Failed []*RangeError
	Total  int // reads planned
}

func (e *ScanError) Error() string {
	var b []byte
	b = fmt.Appendf(b, "%d of %d token ranges failed after retries; the answer would be incomplete, so none is given", len(e.Failed), e.Total)
	for i, f := range e.Failed {
		if i == 5 {
			b = fmt.Appendf(b, "\n  … and %d more", len(e.Failed)-i)
			break
		}
		b = fmt.Appendf(b, "\n  %v", f)
	}
	return string(b)
}

// Unwrap returns the failures.
func (e *ScanError) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f
	}
	return out
}
