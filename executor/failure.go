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
)

func (k FailureKind) String() string {
	switch k {
	case Timeout:
		return "timeout"
	case Fatal:
		return "fatal"
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
