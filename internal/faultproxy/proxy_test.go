package faultproxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// wait bounds every blocking step, so a broken proxy fails a test instead of
// hanging it. It is far longer than any step should take.
const wait = 10 * time.Second

// echoServer stands in for the Cassandra node: it writes back whatever it reads
// and, once the client half-closes, closes its side too.
type echoServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

func startEcho(t *testing.T) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &echoServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	t.Cleanup(s.close)
	return s
}

// close stops accepting and waits for open connections to end (the proxy
// closing them is what ends them).
func (s *echoServer) close() {
	s.ln.Close()
	s.wg.Wait()
}

// setup starts an echo server with a proxy in front of it.
func setup(t *testing.T) *Proxy {
	t.Helper()
	echo := startEcho(t)
	p, err := Start("127.0.0.1:0", echo.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t *testing.T, p *Proxy) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

func payload(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

// send writes b in the background, so a test can read the echo while the
// write is still going without both sides filling their buffers and stalling.
func send(c net.Conn, b []byte) {
	go c.Write(b)
}

// roundTrip sends b and checks that exactly b comes back.
func roundTrip(t *testing.T, c net.Conn, b []byte) {
	t.Helper()
	send(c, b)
	got := make([]byte, len(b))
	c.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("round trip of %d bytes: %v", len(b), err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("round trip of %d bytes: data differs", len(b))
	}
}

// readUntilError reads until the connection fails and returns what arrived.
func readUntilError(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(wait))
	var got bytes.Buffer
	_, err := got.ReadFrom(c)
	if err == nil {
		err = io.EOF // ReadFrom swallows a clean end of stream
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v (got %d bytes)", wait, got.Len())
	}
	return got.Bytes(), err
}

// eventually polls cond, because the proxy updates its counters just after
// the bytes they count have already reached the other side.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(wait); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestForwarding(t *testing.T) {
	for _, size := range []int{1, 100 << 10, 1 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { testForwarding(t, size) })
	}
}

func testForwarding(t *testing.T, size int) {
	p := setup(t)
	c := dial(t, p)
	want := payload(size)
	// Half-close after sending: the echo server then closes, and the
	// client must see exactly the payload followed by a clean EOF.
	go func() {
		c.Write(want)
		c.CloseWrite()
	}()
	c.SetReadDeadline(time.Now().Add(wait))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes, not the %d sent", len(got), size)
	}
	want64 := int64(size)
	eventually(t, "stats", func() bool {
		s := p.Stats()
		return s.Accepted == 1 && s.ToServer == want64 && s.ToClient == want64 && s.Resets == 0
	})
}

func TestDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	p := setup(t)
	c := dial(t, p)
	p.SetDelay(delay)
	start := time.Now()
	roundTrip(t, c, []byte("ping"))
	if took := time.Since(start); took < delay {
		t.Fatalf("round trip took %v, want at least %v", took, delay)
	}
	p.SetDelay(0)
	roundTrip(t, c, []byte("pong"))
}

func TestBlackhole(t *testing.T) {
	p := setup(t)
	c := dial(t, p)
	roundTrip(t, c, []byte("before"))

	p.Blackhole(true)
	want := payload(256 << 10) // several chunks, so some wait in the proxy and some in the kernel
	send(c, want)
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	buf := make([]byte, 1)
	if n, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read during blackhole: n=%d err=%v, want a timeout", n, err)
	}

	p.Blackhole(false)
	got := make([]byte, len(want))
	c.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read after release: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("held data was not delivered intact and in order")
	}
	roundTrip(t, c, []byte("after"))
}

func TestResetAfter(t *testing.T) {
	// 100000 is more than one 32 KiB chunk and more than the client's
	// receive window, so some of the n bytes are still in flight at the cut.
	for _, n := range []int64{0, 1, 1000, 100000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { testResetAfter(t, n) })
	}
	t.Run("one connection only", func(t *testing.T) {
		p := setup(t)
		a, b := dial(t, p), dial(t, p)
		p.ResetAfter(100)
		send(a, payload(1000))
		if got, err := readUntilError(t, a); len(got) != 100 || err != io.EOF {
			t.Fatalf("first connection got %d bytes then %v, want 100 then EOF", len(got), err)
		}
		roundTrip(t, b, payload(1000)) // would be cut at 100 if the reset were still armed
	})
	t.Run("disarm", func(t *testing.T) {
		p := setup(t)
		c := dial(t, p)
		p.ResetAfter(10)
		p.ResetAfter(-1)
		roundTrip(t, c, payload(1000))
		if s := p.Stats(); s.Resets != 0 {
			t.Fatalf("disarmed reset fired: %+v", s)
		}
	})
}

func testResetAfter(t *testing.T, n int64) {
	p := setup(t)
	c := dial(t, p)
	// Traffic before arming must not count towards n.
	roundTrip(t, c, []byte("warm-up"))

	p.ResetAfter(n)
	want := payload(200000)
	send(c, want)
	got, err := readUntilError(t, c)
	if !bytes.Equal(got, want[:n]) || err != io.EOF {
		t.Fatalf("client got %d bytes then %v, want exactly the first %d then EOF", len(got), err, n)
	}

	// The reset fired once and disarmed: a new connection works in full.
	roundTrip(t, dial(t, p), want)
	if s := p.Stats(); s.Resets != 1 || s.Accepted != 2 {
		t.Fatalf("stats %+v, want 1 reset and 2 accepted", s)
	}
}

func TestResetAll(t *testing.T) {
	p := setup(t)
	conns := []*net.TCPConn{dial(t, p), dial(t, p)}
	for _, c := range conns {
		roundTrip(t, c, []byte("hello"))
	}
	p.ResetAll()
	for i, c := range conns {
		if got, _ := readUntilError(t, c); len(got) != 0 {
			t.Fatalf("conn %d got %d unexpected bytes", i, len(got))
		}
	}
	if s := p.Stats(); s.Resets != 2 {
		t.Fatalf("stats %+v, want 2 resets", s)
	}
	roundTrip(t, dial(t, p), []byte("new connections still work"))
}

func TestRefuse(t *testing.T) {
	p := setup(t)
	old := dial(t, p)
	roundTrip(t, old, []byte("hello"))

	p.Refuse(true)
	// The kernel may complete the TCP handshake before the proxy closes the
	// connection, so "refused" shows up as no data and an error.
	if c, err := net.DialTimeout("tcp", p.Addr(), wait); err == nil {
		c.Write([]byte("anyone there?"))
		if got, _ := readUntilError(t, c); len(got) != 0 {
			t.Fatalf("refused connection got %d bytes", len(got))
		}
		c.Close()
	}
	roundTrip(t, old, []byte("old connection still works"))

	p.Refuse(false)
	roundTrip(t, dial(t, p), []byte("accepting again"))
	if s := p.Stats(); s.Accepted != 3 {
		t.Fatalf("stats %+v, want 3 accepted", s)
	}
}

func TestCloseNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	echo := startEcho(t)
	p, err := Start("127.0.0.1:0", echo.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	idle := dial(t, p)
	roundTrip(t, idle, []byte("hello"))
	// Leave one connection stuck in a long delay and one held by the
	// blackhole: Close must not wait for either. The short sleeps only let
	// the bytes reach the proxy; the test holds whatever state they end in.
	p.SetDelay(time.Hour)
	send(dial(t, p), []byte("delayed"))
	time.Sleep(50 * time.Millisecond)
	p.Blackhole(true)
	send(dial(t, p), []byte("held"))
	time.Sleep(50 * time.Millisecond)

	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(wait):
		t.Fatalf("Close still blocked after %v", wait)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got, _ := readUntilError(t, idle); len(got) != 0 {
		t.Fatalf("got %d bytes after Close", len(got))
	}

	echo.close()
	eventually(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
