// Package executor runs plan trees. Each plan node becomes an iterator; range nodes fan out over a
// pool of workers that query replicas of each token sub-range; client operators consume their rows.
package executor

import (
	"context"
	"io"
)

// Row is one row of values, in the Go types the driver decodes CQL values to.
type Row []any

// Iter is the iterator contract every operator follows: Next returns io.EOF after the last row;
// cancelling ctx stops the work under it promptly; Close releases everything, may be called at any
// time and more than once, and leaves no goroutine running.
type Iter interface {
	Next(ctx context.Context) (Row, error)
	Close() error
}

// Drain reads every row of it and closes it.
func Drain(ctx context.Context, it Iter) ([]Row, error) {
	defer it.Close()
	var rows []Row
	for {
		r, err := it.Next(ctx)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
}

// bufferedIter returns the rows that fill computes from its whole input (a hash aggregate, a sort),
// filled on the first call to Next.
type bufferedIter struct {
	child Iter
	fill  func(ctx context.Context) ([]Row, error)
	rows  []Row
	done  bool
}

func (it *bufferedIter) Next(ctx context.Context) (Row, error) {
	if !it.done {
		rows, err := it.fill(ctx)
		if err != nil {
			return nil, err
		}
		it.rows, it.done = rows, true
	}
	if len(it.rows) == 0 {
		return nil, io.EOF
	}
	r := it.rows[0]
	it.rows = it.rows[1:]
	return r, nil
}

func (it *bufferedIter) Close() error { return it.child.Close() }

// prefixIter returns rows first, then the rows of rest.
type prefixIter struct {
	rows []Row
	rest Iter
}

func (it *prefixIter) Next(ctx context.Context) (Row, error) {
	if len(it.rows) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := it.rows[0]
		it.rows = it.rows[1:]
		return r, nil
	}
	return it.rest.Next(ctx)
}

func (it *prefixIter) Close() error { return it.rest.Close() }
