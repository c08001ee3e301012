// Package faultproxy is a TCP proxy that integration tests put between a
// Cassandra driver and one node to inject network faults on demand, to prove
// that a scanner retries correctly and never double-counts. It does not parse
// the CQL protocol: faults act on raw bytes, as real network failures do.
package faultproxy

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy forwards TCP connections from its listen address to a target address,
// injecting faults. Every method is safe to call from any goroutine while
// traffic flows, so a test can change the fault mode in the middle of a scan.
type Proxy struct {
	ln     *net.TCPListener
	target string
	ctx    context.Context // cancelled by Close so that pending dials give up
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and one goroutine per connection

	toServer, toClient atomic.Int64

	mu       sync.Mutex
	closed   bool
	links    map[*link]struct{}
	delay    time.Duration
	hold     chan struct{} // non-nil while blackholed; closed to release held data
	refuse   bool
	resetN   int64 // bytes each link may still forward before the armed reset; < 0 when disarmed
	resetGen int64 // bumped by each ResetAfter, so links know to reload their budget
	accepted int
	resets   int
}

// link is one proxied connection: the client side we accepted and the server side we dialled.
type link struct {
	client, server *net.TCPConn
	done           chan struct{} // closed when the link is torn down
	once           sync.Once
	cut            atomic.Bool // set once ResetAfter fired: client bytes are dropped from then on
	gen, budget    int64       // ResetAfter state, guarded by Proxy.mu
}

// Stats counts what the proxy has done, so a test can check that its faults
// really fired: a test that passes because no fault happened proves nothing.
type Stats struct {
	Accepted int   // connections accepted, including those closed by Refuse
	ToServer int64 // bytes forwarded from clients to the target
	ToClient int64 // bytes forwarded from the target to clients
	Resets   int   // connections cut by ResetAfter or ResetAll
}

// Start listens on listenAddr (e.g. "127.0.0.1:0", to get a free port) and
// forwards every accepted connection to target over a connection of its own,
// so each driver connection maps to one node connection as it would directly.
func Start(listenAddr, target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", listenAddr)
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln.(*net.TCPListener), target: target, links: map[*link]struct{}{}, resetN: -1}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the address the proxy listens on (host:port), to give the driver
// in place of the node's own.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops listening, closes every connection and waits for the proxy's
// goroutines to end, so a test that calls it leaks nothing. Later calls do nothing.
func (p *Proxy) Close() error {
	p.mu.Lock()
	already := p.closed
	p.closed = true
	p.mu.Unlock()
	if already {
		return nil
	}
	err := p.ln.Close()
	p.cancel()
	p.killAll(false) // closing both sockets of a link unblocks both of its pumps
	p.wg.Wait()
	return err
}

// SetDelay makes the proxy sleep d before forwarding each chunk it reads from the
// target, like a slow node or network, to exercise client timeouts. 0 means none.
func (p *Proxy) SetDelay(d time.Duration) { p.locked(func() { p.delay = d }) }

// Blackhole, while on, holds every byte coming from the target instead of
// forwarding it, so the client sees a silent connection and has to time out.
// Held bytes are not dropped: turning it off delivers them intact and in
// order, because dropping them would corrupt the protocol stream of a client
// that kept its connection. Bytes from the client are still forwarded.
func (p *Proxy) Blackhole(on bool) {
	p.locked(func() {
		if on && p.hold == nil {
			p.hold = make(chan struct{})
		} else if !on && p.hold != nil {
			close(p.hold)
			p.hold = nil
		}
	})
}

// ResetAfter cuts a response off part-way, as when a node dies while sending
// a page. Each connection may forward n more bytes from the target (counted
// from this call, or from its start if it opens later); the first to reach n
// is cut: the target side is closed and the client receives exactly those n
// bytes followed by end of stream. (A TCP reset would be more brutal, but it
// makes the kernel drop bytes still in flight, so the cut point would be
// unpredictable; ResetAll gives a reset.) It fires once per call and then
// disarms itself, so the client's retry can succeed. n < 0 disarms it.
func (p *Proxy) ResetAfter(n int64) {
	p.locked(func() {
		p.resetN = max(n, -1)
		if n >= 0 {
			p.resetGen++
		}
	})
}

// ResetAll closes every open connection now, on both sides, with a TCP reset on
// the client side, as a node crash looks to the client. New connections are
// still accepted.
func (p *Proxy) ResetAll() { p.killAll(true) }

// Refuse, while on, makes the proxy reset each new connection as soon as it is
// accepted, as a node that is down looks to the client (a listening socket
// cannot really refuse). Connections already open keep working.
func (p *Proxy) Refuse(on bool) { p.locked(func() { p.refuse = on }) }

// Stats reports connections accepted, bytes forwarded each way and resets done.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{p.accepted, p.toServer.Load(), p.toClient.Load(), p.resets}
}

func (p *Proxy) locked(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// killAll tears down every open link, outside the lock since kill takes it.
func (p *Proxy) killAll(rst bool) {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		p.kill(l, rst)
	}
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.AcceptTCP()
		if errors.Is(err, net.ErrClosed) {
			return
		} else if err != nil {
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors: don't spin
			continue
		}
		p.mu.Lock()
		p.accepted++
		refuse := p.refuse
		p.mu.Unlock()
		if refuse {
			reset(c)
		} else {
			p.wg.Add(1)
			go p.serve(c)
		}
	}
}

// serve dials the target for one client and pumps both ways until both end.
func (p *Proxy) serve(client *net.TCPConn) {
	defer p.wg.Done()
	var d net.Dialer
	sc, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		reset(client) // the target is unreachable: the client sees the node go away
		return
	}
	l := &link{client: client, server: sc.(*net.TCPConn), done: make(chan struct{})}
	p.mu.Lock()
	p.links[l] = struct{}{}
	closed := p.closed
	p.mu.Unlock()
	if closed {
		p.kill(l, false) // Close ran while we dialled; the pumps will stop at once
	}
	up := make(chan struct{})
	go func() {
		defer close(up)
		p.pump(l, false)
	}()
	p.pump(l, true)
	<-up
	p.kill(l, false)
}

// pump copies one direction of a link until it ends. Faults apply only to the
// down direction, from the target to the client, which is what a scanner reads.
func (p *Proxy) pump(l *link, down bool) {
	src, dst, count := l.client, l.server, &p.toServer
	if down {
		src, dst, count = l.server, l.client, &p.toClient
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		chunk, fire := buf[:n], false
		if down {
			// Faults apply after the read, so that a read already waiting when
			// the blackhole was switched on is held too, as is an end of stream.
			if !p.waitFaults(l, n > 0) {
				return
			}
			chunk, fire = p.take(l, chunk)
		} else if l.cut.Load() {
			// The target is gone, but closing a socket with unread input resets
			// it and may destroy bytes still on their way: drain until the client closes.
			chunk = nil
		}
		w, werr := 0, error(nil)
		if len(chunk) > 0 {
			w, werr = dst.Write(chunk)
		}
		count.Add(int64(w))
		if fire {
			l.cut.Store(true) // before closing the target, so the up pump keeps draining
			l.client.CloseWrite()
			l.server.Close()
			return
		}
		if (werr != nil && !l.cut.Load()) || (err != nil && err != io.EOF) {
			p.kill(l, false)
			return
		}
		if err == io.EOF {
			dst.CloseWrite() // pass the half-close on; the other direction may still flow
			return
		}
	}
}

// waitFaults waits while the proxy is blackholed and then, if delay is set,
// for the configured delay. It reports false if the link was torn down
// meanwhile, so that Close never waits for a fault to end.
func (p *Proxy) waitFaults(l *link, delay bool) bool {
	for {
		p.mu.Lock()
		hold, d := p.hold, p.delay
		p.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
				continue // look again: it may have been switched back on
			case <-l.done:
				return false
			}
		}
		if !delay || d <= 0 {
			return true
		}
		delay = false
		t := time.NewTimer(d)
		select {
		case <-t.C: // look again: the blackhole may have been switched on meanwhile
		case <-l.done:
			t.Stop()
			return false
		}
	}
}

// take cuts chunk to what an armed ResetAfter still allows on this link and
// reports whether this link fires. Deciding under the lock makes sure only
// one link fires per ResetAfter call.
func (p *Proxy) take(l *link, chunk []byte) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.resetN < 0 || len(chunk) == 0 {
		return chunk, false
	}
	if l.gen != p.resetGen {
		l.gen, l.budget = p.resetGen, p.resetN
	}
	if l.budget > int64(len(chunk)) {
		l.budget -= int64(len(chunk))
		return chunk, false
	}
	p.resetN = -1
	p.resets++
	return chunk[:l.budget], true
}

// kill tears a link down, once. With rst the client gets a TCP reset rather
// than a clean end of stream, and it counts in Stats.Resets.
func (p *Proxy) kill(l *link, rst bool) {
	l.once.Do(func() {
		if rst {
			reset(l.client)
		} else {
			l.client.Close()
		}
		l.server.Close()
		close(l.done)
		p.mu.Lock()
		delete(p.links, l)
		if rst {
			p.resets++
		}
		p.mu.Unlock()
	})
}

// reset closes c so that its peer gets a TCP reset rather than an end of stream.
func reset(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}
