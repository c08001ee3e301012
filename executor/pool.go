package executor

import (
	"context"
	"io"
	"math/rand"
	"sync"
)

// readPool is the iterator over parallel reads that range scans, partition reads and range aggregates
// share. Workers take reads from a queue (started in random order, so neighbouring ranges do not all
// hit one node at once) and emit batches of rows into a bounded channel that Next drains. A read may
// hand back pieces of itself instead of finishing (an adaptive split); they join the queue, and the
// pool ends when the queue is empty and no read is running.
//
// A read that fails for good either stops everything (the first such error cancels every worker and
// is what Next returns) or, with keepGoing, is recorded while the other reads finish, and Next then
// returns a *ScanError listing every failure: what a checkpointed aggregate wants, so that a resume
// has as little left to do as possible. Close cancels and waits for every worker. Results whose row
// order shows use orderedPool instead.
type readPool struct {
	concurrency int
	reads       []read
	// run performs one read, handing its rows to emit as pages complete. It returns the pieces to
	// queue instead when it splits the read.
	run func(ctx context.Context, rd read, emit func([]Row) error) ([]read, error)

	lifecycle
	batches chan []Row
	buf     []Row

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []read
	active int // reads being run
	outcome
}

func (p *readPool) start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.batches = make(chan []Row, p.concurrency)
	p.done = make(chan struct{})
	p.cond = sync.NewCond(&p.mu)
	p.queue = make([]read, len(p.reads))
	for i, j := range rand.Perm(len(p.reads)) {
		p.queue[i] = p.reads[j]
	}
	stopWaking := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	emit := func(rows []Row) error {
		select {
		case p.batches <- rows:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < p.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				rd, ok := p.take(ctx)
				if !ok {
					return
				}
				pieces, err := p.run(ctx, rd, emit)
				if !p.finish(ctx, pieces, err) {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		stopWaking()
		close(p.batches)
		close(p.done)
	}()
}

// idle reports whether workers are about to run out of work: fewer reads wait than there are
// workers.
func (p *readPool) idle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue) < p.concurrency
}

// take waits for a read to run; false when there is nothing left to do or the run was cancelled.
func (p *readPool) take(ctx context.Context) (read, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.queue) == 0 && p.active > 0 && ctx.Err() == nil {
		p.cond.Wait()
	}
	if len(p.queue) == 0 || ctx.Err() != nil {
		p.cond.Broadcast() // let the other waiting workers see the end too
		return read{}, false
	}
	rd := p.queue[0]
	p.queue = p.queue[1:]
	p.active++
	return rd, true
}

// finish records a read's outcome; false tells the worker to stop.
func (p *readPool) finish(ctx context.Context, pieces []read, err error) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
	p.queue = append(p.queue, pieces...)
	p.cond.Broadcast()
	switch {
	case err == nil:
		return true
	case ctx.Err() != nil: // errors caused by a cancellation are not the cause
		return false
	}
	if p.fail(err) {
		return true
	}
	p.cancel()
	return false
}

// result is the error Next ends with once every worker has stopped.
func (p *readPool) result(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.end(ctx, len(p.reads))
}

// outcome is how a pool of reads ends, for readPool and orderedPool alike (under their locks): the
// first error that stops every read, or, when the pool keeps going past ranges that failed for good
// (keepGoing), those ranges.
type outcome struct {
	keepGoing bool
	err       error
	failures  []*RangeError
}

// fail records the error a read ended with: true when the pool keeps going past it, false when it
// must stop.
func (o *outcome) fail(err error) bool {
	if re, ok := err.(*RangeError); ok && o.keepGoing {
		o.failures = append(o.failures, re)
		return true
	}
	if o.err == nil {
		o.err = err
	}
	return false
}

// end is the error a pool's Next ends with, once its reads are done or its workers stopped: the
// fatal error, a *ScanError listing the failed ranges of the reads planned, the context's error, or
// io.EOF when every read succeeded.
func (o *outcome) end(ctx context.Context, reads int) error {
	switch {
	case o.err != nil:
		return o.err
	case len(o.failures) > 0:
		return &ScanError{Failed: o.failures, Total: reads}
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return io.EOF
}

// Next implements Iter. The context of the first call governs the workers.
func (p *readPool) Next(ctx context.Context) (Row, error) {
	p.once.Do(func() { p.start(ctx) })
	for len(p.buf) == 0 {
		select {
		case batch, ok := <-p.batches:
			if !ok {
				return nil, p.result(ctx)
			}
			p.buf = batch
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	row := p.buf[0]
	p.buf = p.buf[1:]
	return row, nil
}

// Close implements Iter.
func (p *readPool) Close() error { return p.stop() }
