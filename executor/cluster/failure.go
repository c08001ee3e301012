package cluster

import (
	"errors"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
)

// failureKind classifies a driver error for the executor's retries. Server timeouts and read
// failures (often tombstones or a huge partition) are Timeouts: asking for less can succeed. Errors
// about the statement itself are Fatal. Unavailable (the consistency level needs more replicas alive
// than the coordinator knows) is Unavailable: the host that said so is up. Everything else
// (overloaded, bootstrapping, a host down or unreachable, a connection lost mid-page) is a
// HostFailure: another replica can answer.
func failureKind(err error) executor.FailureKind {
	switch {
	case errors.Is(err, gocql.ErrTimeoutNoResponse):
		return executor.Timeout
	case errors.Is(err, gocql.ErrQueryArgLength), errors.Is(err, gocql.ErrSessionClosed):
		return executor.Fatal
	}
	var un *gocql.RequestErrUnavailable
	if errors.As(err, &un) {
		return executor.Unavailable
	}
	var re gocql.RequestError
	if errors.As(err, &re) {
		switch re.Code() {
		case gocql.ErrCodeReadTimeout, gocql.ErrCodeReadFailure:
			return executor.Timeout
		case gocql.ErrCodeUnavailable:
			return executor.Unavailable
		case gocql.ErrCodeSyntax, gocql.ErrCodeInvalid, gocql.ErrCodeUnauthorized, gocql.ErrCodeConfig,
			gocql.ErrCodeCredentials, gocql.ErrCodeProtocol, gocql.ErrCodeFunctionFailure:
			return executor.Fatal
		}
	}
	return executor.HostFailure
}

// consistencyFailure returns err as an *executor.ConsistencyError when it is Cassandra saying that a
// read's consistency level could not be met — too few replicas alive (Unavailable), or too few
// answers in time (a read timeout short of the replicas the level blocks for) — and err otherwise.
// Cassandra's own text ("Cannot achieve consistency level ALL") does not say how many replicas there
// were; the error frame does.
func consistencyFailure(err error) error {
	var ce *executor.ConsistencyError
	if errors.As(err, &ce) {
		return err
	}
	var un *gocql.RequestErrUnavailable
	if errors.As(err, &un) {
		return &executor.ConsistencyError{Level: un.Consistency.String(), Have: un.Alive, Need: un.Required, Err: err}
	}
	var rt *gocql.RequestErrReadTimeout
	if errors.As(err, &rt) && rt.Received < rt.BlockFor {
		return &executor.ConsistencyError{Level: rt.Consistency.String(), Have: rt.Received, Need: rt.BlockFor, TimedOut: true, Err: err}
	}
	return err
}
