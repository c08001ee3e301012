package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// serverError is a server's error frame as gocql returns it.
type serverError int

func (e serverError) Code() int       { return int(e) }
func (e serverError) Message() string { return "server says no" }
func (e serverError) Error() string   { return fmt.Sprintf("code %#x: server says no", int(e)) }

func TestTransient(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{serverError(gocql.ErrCodeReadTimeout), true},
		{fmt.Errorf("reading peers: %w", serverError(gocql.ErrCodeReadFailure)), true},
		{serverError(gocql.ErrCodeUnavailable), true},
		{serverError(gocql.ErrCodeOverloaded), true},
		{serverError(gocql.ErrCodeBootstrapping), true},
		{gocql.ErrTimeoutNoResponse, true},
		{fmt.Errorf("reading system.local on 10.0.0.1: %w", gocql.ErrConnectionClosed), true},
		{gocql.ErrNoConnections, true},
		{io.ErrUnexpectedEOF, true},
		{serverError(gocql.ErrCodeInvalid), false},
		{serverError(gocql.ErrCodeSyntax), false},
		{serverError(gocql.ErrCodeUnauthorized), false},
		{gocql.ErrNotFound, false},
		{errors.New("host 10.0.0.1: bad token \"x\""), false},
		{context.Canceled, false},
	}
	for _, c := range cases {
		if got := transient(c.err); got != c.want {
			t.Errorf("transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestRetryMeta(t *testing.T) {
	timeout := serverError(gocql.ErrCodeReadTimeout)
	cases := []struct {
		name      string
		fails     []error // what attempts 0, 1, … return before succeeding
		wantCalls int
		wantErr   error
	}{
		{"first try", nil, 1, nil},
		{"two timeouts then an answer", []error{timeout, timeout}, 3, nil},
		{"timeouts every time", []error{timeout, timeout, timeout, timeout, timeout}, metaAttempts, timeout},
		{"not found is an answer", []error{gocql.ErrNotFound}, 1, gocql.ErrNotFound},
		{"an invalid statement is not retried", []error{timeout, serverError(gocql.ErrCodeInvalid)}, 2, serverError(gocql.ErrCodeInvalid)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var attempts []int
			err := retryMeta(context.Background(), func(attempt int) error {
				attempts = append(attempts, attempt)
				if attempt < len(c.fails) {
					return c.fails[attempt]
				}
				return nil
			})
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
				t.Errorf("error %v, want %v", err, c.wantErr)
			}
			if len(attempts) != c.wantCalls {
				t.Errorf("%d attempts, want %d", len(attempts), c.wantCalls)
			}
			for i, a := range attempts {
				if a != i {
					t.Errorf("attempt %d was told it is attempt %d", i, a)
				}
			}
		})
	}
}

// A cancelled statement is not tried again.
func TestRetryMetaStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retryMeta(ctx, func(int) error {
		calls++
		cancel()
		return gocql.ErrTimeoutNoResponse
	})
	if calls != 1 || !errors.Is(err, gocql.ErrTimeoutNoResponse) {
		t.Errorf("%d calls, error %v: want 1 call and the timeout", calls, err)
	}
}
