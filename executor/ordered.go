package executor

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Read-ahead bounds of an orderedPool.
const (
	// slotPages is how many completed pages one read may hold before its worker waits for them to be
	// emitted: for the head, pages the consumer has not reached yet; for a read ahead of it, what it
	// has read so far.
	slotPages = 4
	// aheadPerWorker × concurrency is how many pages the reads ahead of the head may hold in all.
	aheadPerWorker = 2
	// windowPerWorker × concurrency is how many reads may be open at once: started and not wholly
	// emitted, the head among them.
	windowPerWorker = 2
)

// orderedPool is the readPool for results whose order the user sees. Reads still run in parallel,
// but their rows come out in the order of the reads (token order for range scans, Cassandra's key
// order for partition reads) and, within a read, in the order Cassandra returned its pages: as a
// single coordinator would return them, as cqlsh shows them.
//
// Workers start reads in order, at most windowPerWorker × concurrency of them open (started, not
// wholly emitted; the head, the read being emitted, is one of them). A read holds at most slotPages
// completed pages, and the reads ahead of the head at most aheadPerWorker × concurrency pages in all,
// before their workers wait for the consumer. So at most aheadPerWorker·concurrency + slotPages pages
// are held, 36 pages of 5,000 rows at the defaults, about what readPool holds (a batch in its channel
// and one in each blocked worker): a slow head range stops the reads ahead at that bound rather than
// letting rows pile up. The head's pages are emitted as they arrive. A read with more pages than it
// may hold ahead is read on once it is the head, one page at a time: scans of few, long ranges stream
// at the pace of one range's paging.
//
// A read that splits (runRead hands back its halves before it has emitted anything) is replaced by
// its pieces in its place, and pieces are started before any read further on. Errors, keepGoing and
// Close behave as in readPool.
type orderedPool struct {
	concurrency int
	reads       []read
	run         func(ctx context.Context, rd read, emit func([]Row) error) ([]read, error)
	// emitted, when set, is told of each read's token range once the consumer has taken its last row
	// (and asked for the next): reads are emitted whole and in order, so all its rows have gone on.
	emitted func(ring.Range)

	lifecycle
	window int           // reads open at most: windowPerWorker × concurrency
	ahead  int           // pages the reads ahead of the head hold at most: aheadPerWorker × concurrency
	ready  chan struct{} // poked when the head has something new: a page, its end, or an error
	buf    []Row

	mu     sync.Mutex
	cond   *sync.Cond // workers wait on it for a read to start or room in their read's pages
	head   *slot      // the first read not wholly emitted; nil once all are
	next   *slot      // the first read never started; nil once all are
	open   int        // reads from head up to next
	active int        // reads being run
	outcome
	// unopened counts the reads from next on; waiting, the slots waiting to be run again
	unopened, waiting int
	held              int // pages held by all reads
	maxHeld           int // the most ever held, for tests of the bound
}

// slot is one read's place in the order.
type slot struct {
	rd      read
	next    *slot
	state   slotState
	pages   [][]Row
	emitted bool // some page was handed in: the read can no longer be replaced by pieces
}

type slotState int

const (
	slotWaiting slotState = iota
	slotRunning
	slotDone
)

// errSplitAfterRows is what finish reports if a read that already emitted rows came back split: its
// pieces would repeat those rows. runRead splits only before a range's first page.
var errSplitAfterRows = errors.New("executor: a read was split after it emitted rows")

func (p *orderedPool) start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.window, p.ahead = windowPerWorker*p.concurrency, aheadPerWorker*p.concurrency
	p.done = make(chan struct{})
	p.ready = make(chan struct{}, 1)
	p.cond = sync.NewCond(&p.mu)
	var last *slot
	for i := len(p.reads) - 1; i >= 0; i-- {
		last = &slot{rd: p.reads[i], next: last}
	}
	p.mu.Lock() // tests of the bounds look at the pool as it starts
	p.head, p.next, p.unopened = last, last, len(p.reads)
	p.mu.Unlock()
	stopWaking := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
		p.poke()
	})
	var wg sync.WaitGroup
	for w := 0; w < p.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				s, ok := p.take(ctx)
				if !ok {
					return
				}
				pieces, err := p.run(ctx, s.rd, func(rows []Row) error { return p.put(ctx, s, rows) })
				if !p.finish(ctx, s, pieces, err) {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		stopWaking()
		close(p.done)
		p.poke()
	}()
}

// poke tells Next that the head may have news.
func (p *orderedPool) poke() {
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

// take waits for a read to start: a piece of a split read first, then the next read in order while
// the window has room. False when nothing is left to start or the run was cancelled.
// idle reports whether workers are about to run out of work: fewer reads wait to be run (not
// opened yet, or pieces of a split) than there are workers.
func (p *orderedPool) idle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unopened+p.waiting < p.concurrency
}

func (p *orderedPool) take(ctx context.Context) (*slot, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ctx.Err() == nil {
		for s := p.head; s != p.next; s = s.next {
			if s.state == slotWaiting {
				s.state = slotRunning
				p.active++
				p.waiting--
				return s, true
			}
		}
		if p.next != nil && p.open < p.window {
			s := p.next
			p.next = s.next
			p.open++
			p.unopened--
			s.state = slotRunning
			p.active++
			return s, true
		}
		if p.next == nil && p.active == 0 {
			break // every read has finished or is done with
		}
		p.cond.Wait()
	}
	p.cond.Broadcast() // let the other waiting workers see the end too
	return nil, false
}

// put hands in a completed page of s, waiting while s holds slotPages pages already or, ahead of the
// head, while the reads ahead hold their share.
func (p *orderedPool) put(ctx context.Context, s *slot, rows []Row) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ctx.Err() == nil && (len(s.pages) >= slotPages || s != p.head && p.held-len(p.head.pages) >= p.ahead) {
		p.cond.Wait()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.pages = append(s.pages, rows)
	s.emitted = true
	p.held++
	p.maxHeld = max(p.maxHeld, p.held)
	if s == p.head {
		p.poke()
	}
	return nil
}

// finish records the outcome of s's read; false tells the worker to stop. Pieces take s's place.
func (p *orderedPool) finish(ctx context.Context, s *slot, pieces []read, err error) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
	defer p.cond.Broadcast()
	if err == nil && len(pieces) > 0 && s.emitted {
		err = errSplitAfterRows
	}
	switch {
	case err == nil && len(pieces) > 0:
		s.rd, s.state = pieces[0], slotWaiting
		p.waiting += len(pieces)
		for i := len(pieces) - 1; i > 0; i-- {
			s.next = &slot{rd: pieces[i], next: s.next}
			p.open++
		}
		return true
	case err == nil:
		s.state = slotDone
		if s == p.head {
			p.poke()
		}
		return true
	case ctx.Err() != nil: // errors caused by a cancellation are not the cause
		return false
	}
	if p.fail(err) {
		s.state = slotDone // what it emitted stands; the ScanError says the rest is missing
		if s == p.head {
			p.poke()
		}
		return true
	}
	p.cancel()
	p.poke()
	return false
}

// result is the error Next ends with once every read is emitted or the workers stopped.
func (p *orderedPool) result(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.end(ctx, len(p.reads))
}

// Next implements Iter. The context of the first call governs the workers.
func (p *orderedPool) Next(ctx context.Context) (Row, error) {
	p.once.Do(func() { p.start(ctx) })
	stopped := false // the workers have all stopped
	for len(p.buf) == 0 {
		finished, err := p.advance()
		switch {
		case err != nil:
			return nil, err
		case len(p.buf) > 0:
			continue
		case finished:
			select { // every read is done with: let the workers see it and stop
			case <-p.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return nil, p.result(ctx)
		case stopped:
			// The workers stopped with reads unfinished and no error of their own: cancelled.
			if err := p.result(ctx); err != io.EOF {
				return nil, err
			}
			return nil, context.Canceled
		}
		select {
		case <-p.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.done:
			stopped = true
		}
	}
	row := p.buf[0]
	p.buf = p.buf[1:]
	return row, nil
}

// advance moves the head's next page into buf, passing over reads that are done; finished once every
// read is. It returns the run's error once there is one.
func (p *orderedPool) advance() (finished bool, err error) {
	var passed []ring.Range
	defer func() { // outside the lock: the callback may take its own
		for _, r := range passed {
			p.emitted(r)
		}
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return false, p.err
	}
	for h := p.head; h != nil; h = p.head {
		if len(h.pages) > 0 {
			p.buf = h.pages[0]
			h.pages[0] = nil
			h.pages = h.pages[1:]
			p.held--
			p.cond.Broadcast() // room for the head's worker
			return false, nil
		}
		if h.state != slotDone {
			return false, nil
		}
		if p.emitted != nil && h.rd.rng.Start != nil {
			passed = append(passed, h.rd.rng)
		}
		p.head = h.next
		p.open--
		p.cond.Broadcast() // room in the window
	}
	return true, nil
}

// Close implements Iter.
func (p *orderedPool) Close() error { return p.stop() }
