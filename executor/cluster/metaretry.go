package cluster

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// Metadata reads (schema, token ring) are small, but they go through the same servers as the scan:
// under load or with tight server timeouts they time out too, and a statement should not fail for it.
const (
	metaAttempts = 4
	metaBackoff  = 100 * time.Millisecond
)

// retryMeta runs read until it succeeds, fails for a reason another try would not fix, or has been
// tried metaAttempts times, waiting 100, 200, 400 ms in between. read gets the attempt number (from 0)
// so that it can ask another host. It returns read's last error.
func retryMeta(ctx context.Context, read func(attempt int) error) error {
	var err error
	for attempt := 0; attempt < metaAttempts; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(metaBackoff << (attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return err
			case <-t.C:
			}
		}
		if err = read(attempt); err == nil || !transient(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// transient reports whether err is one a later try, perhaps on another host, can avoid: a server
// timeout or overload, an unavailable replica, a lost or missing connection. Errors about the
// statement, a missing row and malformed metadata are not.
func transient(err error) bool {
	var re gocql.RequestError
	if errors.As(err, &re) {
		switch re.Code() {
		case gocql.ErrCodeReadTimeout, gocql.ErrCodeReadFailure, gocql.ErrCodeUnavailable,
			gocql.ErrCodeOverloaded, gocql.ErrCodeBootstrapping, gocql.ErrCodeServer:
			return true
		}
		return false
	}
	var ne net.Error
	return errors.Is(err, gocql.ErrTimeoutNoResponse) || errors.Is(err, gocql.ErrConnectionClosed) ||
		errors.Is(err, gocql.ErrNoConnections) || errors.Is(err, gocql.ErrNoStreams) ||
		errors.Is(err, gocql.ErrTooManyTimeouts) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}
