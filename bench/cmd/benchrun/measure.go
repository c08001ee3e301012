package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Run is what one run of one tool cost, and what it answered.
type Run struct {
	Wall      time.Duration
	ClientCPU time.Duration // user + system time of the tool and every process it waited for
	ServerCPU time.Duration // user + system time the Cassandra processes spent meanwhile
	PeakRSS   int64         // bytes: the largest resident set of the tool's processes
	Output    string
	Err       error
}

// measure runs argv (through bash -c when it is one string holding a pipeline) and records its
// costs. Peak RSS and CPU come from wait4's rusage of the child, which covers the processes it
// waited for (a pipeline's members); server CPU from /proc of the server processes before and after.
func measure(ctx context.Context, servers []int, timeout time.Duration, argv ...string) Run {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	before := serverCPU(servers)
	began := time.Now()
	err := cmd.Run()
	r := Run{Wall: time.Since(began), ServerCPU: serverCPU(servers) - before, Output: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		r.ClientCPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.PeakRSS = ru.Maxrss * 1024
	}
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if len(msg) > 2000 {
			msg = msg[len(msg)-2000:]
		}
		r.Err = fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, msg)
	}
	return r
}

// clockTick is the unit of /proc/PID/stat's times (sysconf(_SC_CLK_TCK), 100 on Linux).
const clockTick = 10 * time.Millisecond

// serverCPU is the CPU time the processes have used so far.
func serverCPU(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command name, which is in parentheses and may hold spaces.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(utime+stime) * clockTick
	}
	return total
}
