package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/repl"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read from another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTerminateOn: SIGTERM cancels the run's context with a *repl.SignalError (status 143, which
// the program then exits with); a run that stops in time exits on its own, while one that does not,
// or a second SIGTERM, ends the program at once.
func TestTerminateOn(t *testing.T) {
	saved := terminateGrace
	terminateGrace = 300 * time.Millisecond
	defer func() { terminateGrace = saved }()
	cases := []struct {
		name   string
		again  bool          // a second SIGTERM comes
		runs   time.Duration // how long the run takes to stop after the first
		exit   bool          // the watch ends the program itself
		stderr string
	}{
		{"the run stops in time", false, 50 * time.Millisecond, false, ""},
		{"a second SIGTERM", true, time.Hour, true, "cqlscan: SIGTERM again: exiting now"},
		{"the run does not stop", false, time.Hour, true, "cqlscan: SIGTERM: the run did not stop within 300ms; exiting"},
	}
	for _, c := range cases {
		var stderr syncBuffer
		exits := make(chan int, 2)
		ctx, stop := terminateOn(context.Background(), &stderr, func(code int) { exits <- code }, syscall.SIGTERM)
		if code := withSignal(ctx, 2); code != 2 {
			t.Fatalf("%s: status %d before any signal, want 2", c.name, code)
		}
		if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
			stop()
			t.Fatalf("%s: SIGTERM did not cancel the context", c.name)
		}
		se, ok := repl.Terminated(ctx)
		if !ok || se.Signal != syscall.SIGTERM || !errors.Is(context.Cause(ctx), context.Canceled) || withSignal(ctx, 2) != 143 {
			t.Errorf("%s: cause %v, status %d; want SIGTERM, a cancellation, 143", c.name, context.Cause(ctx), withSignal(ctx, 2))
		}
		if c.again {
			time.Sleep(20 * time.Millisecond)
			if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
		var got []int
		select {
		case code := <-exits:
			got = append(got, code)
		case <-time.After(min(c.runs, terminateGrace+time.Second)):
		}
		stop() // the run has ended
		select {
		case code := <-exits:
			got = append(got, code)
		default:
		}
		switch {
		case c.exit && (len(got) != 1 || got[0] != 143):
			t.Errorf("%s: exit called with %v, want once with 143", c.name, got)
		case !c.exit && len(got) > 0:
			t.Errorf("%s: exit called with %v, want the run to end on its own", c.name, got)
		}
		if msg := stderr.String(); !strings.Contains(msg, c.stderr) || (c.stderr == "" && msg != "") {
			t.Errorf("%s: stderr %q, want %q", c.name, msg, c.stderr)
		}
	}
}

// TestShellEndsOnSIGTERM: in the interactive shell, SIGTERM ends the program, unlike Ctrl-C, which
// ends only the statement: during a scan, the scan stops, its progress is saved and one message
// names the signal and the checkpoint; at the prompt, the signal is named. Either way the terminal
// gets its settings back and the exit status is 143.
func TestShellEndsOnSIGTERM(t *testing.T) {
	const ks = "end_pty"
	s, hosts := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, ks, 1)
	if _, err := testcluster.Datasets[0].Load(context.Background(), s, ks); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cqlscan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	for _, c := range []struct {
		name  string
		typed string // the statement running when SIGTERM comes; "" for none
		says  []string
	}{
		// 5,000 rows at 500 rows/s: ten seconds of scan to stop.
		{"during a scan", "SELECT COUNT(*) FROM " + ks + ".single_pk;", []string{"error: stopped by SIGTERM", "progress saved: run the same statement with --resume"}},
		{"at the prompt", "", []string{"cqlscan: stopped by SIGTERM"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sub := t.TempDir()
			pid, stty, ckpt := filepath.Join(sub, "pid"), filepath.Join(sub, "stty"), filepath.Join(sub, "scan.json")
			// exec keeps the shell's pid: the one written is cqlscan's.
			tm := startTerminal(t, fmt.Sprintf(`env CQLSCAN_HISTORY=%s HOME=%s sh -c 'echo $$ > %s; exec %s %s --max-rate 500 --checkpoint %s'; echo EXITED $?; stty -a > %s; sleep 60`,
				filepath.Join(sub, "history"), sub, pid, bin, hosts[0], ckpt, stty))
			tm.waitFor("cqlscan>", 1, 30*time.Second)
			if c.typed != "" {
				tm.enter(c.typed)
				time.Sleep(1500 * time.Millisecond)
			}
			data, err := os.ReadFile(pid)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if _, err := fmt.Sscan(string(data), &n); err != nil {
				t.Fatalf("pid file %q: %v", data, err)
			}
			sent := time.Now()
			if err := syscall.Kill(n, syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			screen := tm.waitFor("EXITED", 1, 15*time.Second)
			if d := time.Since(sent); d > 5*time.Second { // loose: the screen is polled, the machine busy
				t.Errorf("SIGTERM took %v to end the shell", d)
			}
			if !strings.Contains(screen, "EXITED 143") {
				t.Errorf("the shell did not exit with status 143:\n%s", screen)
			}
			for _, want := range c.says {
				if strings.Count(screen, want) != 1 {
					t.Errorf("the screen does not say %q once:\n%s", want, screen)
				}
			}
			if c.typed != "" {
				if _, err := os.Stat(ckpt); err != nil || !strings.Contains(strings.ReplaceAll(screen, "\n", ""), ckpt) {
					t.Errorf("no checkpoint at %s (%v), or the screen does not name it:\n%s", ckpt, err, screen)
				}
			}
			checkTerminalRestored(t, stty)
		})
	}
}
