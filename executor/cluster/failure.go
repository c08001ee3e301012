package cluster

import (
	"errors"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
)

// failureKind classifies a driver error for the executor's retries. Server timeouts and read
// failures (often tombstones or a huge partition) are Timeouts: asking for less can succeed. Errors
// about the statement itself are Fatal. Everything else (unavailable, overloaded, bootstrapping, a
// host down or unreachable, a connection lost mid-page) is a HostFailure: another replica can answer.
func failureKind(err error) executor.FailureKind {
	switch {
	case errors.Is(err, gocql.ErrTimeoutNoResponse):
		return executor.Timeout
	case errors.Is(err, gocql.ErrQueryArgLength), errors.Is(err, gocql.ErrSessionClosed):
		return executor.Fatal
	}
	var re gocql.RequestError
	if errors.As(err, &re) {
		switch re.Code() {
		case gocql.ErrCodeReadTimeout, gocql.ErrCodeReadFailure:
			return executor.Timeout
		case gocql.ErrCodeSyntax, gocql.ErrCodeInvalid, gocql.ErrCodeUnauthorized, gocql.ErrCodeConfig,
			gocql.ErrCodeCredentials, gocql.ErrCodeProtocol, gocql.ErrCodeFunctionFailure:
			return executor.Fatal
		}
	}
	return executor.HostFailure
}
