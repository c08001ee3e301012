package executor

import (
	"context"
	"io"
	"math/rand"
	"sync"
)

// readPool is the iterator over parallel reads that range scans, partition reads and range aggregates
// share: workers run the tasks 0…n-1 in random order (so neighbouring ranges do not all hit one node
// at once) and emit batches of rows into a bounded channel that Next drains. The first error cancels
// every worker and is what Next returns; Close cancels and waits for them all.
type readPool struct {
	concurrency int
	n           int
	// run performs task i, handing its rows to emit as they are complete.
	run func(ctx context.Context, i int, emit func([]Row) error) error

	once    sync.Once
	batches chan []Row
	done    chan struct{} // closed when every worker has stopped
	cancel  context.CancelFunc
	errMu   sync.Mutex
	err     error
	buf     []Row
}

func (p *readPool) start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.batches = make(chan []Row, p.concurrency)
	p.done = make(chan struct{})
	tasks := make(chan int, p.n)
	for _, i := range rand.Perm(p.n) {
		tasks <- i
	}
	close(tasks)
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
			for i := range tasks {
				if ctx.Err() != nil {
					return
				}
				if err := p.run(ctx, i, emit); err != nil {
					if ctx.Err() == nil { // errors caused by a cancellation are not the cause
						p.fail(err)
					}
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(p.batches)
		close(p.done)
	}()
}

func (p *readPool) fail(err error) {
	p.errMu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.errMu.Unlock()
	p.cancel()
}

// Next implements Iter. The context of the first call governs the workers.
func (p *readPool) Next(ctx context.Context) (Row, error) {
	p.once.Do(func() { p.start(ctx) })
	for len(p.buf) == 0 {
		select {
		case batch, ok := <-p.batches:
			if !ok {
				p.errMu.Lock()
				defer p.errMu.Unlock()
				if p.err != nil {
					return nil, p.err
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return nil, io.EOF
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
func (p *readPool) Close() error {
	p.once.Do(func() {}) // a pool never started has nothing to stop
	if p.cancel != nil {
		p.cancel()
		<-p.done
	}
	return nil
}
