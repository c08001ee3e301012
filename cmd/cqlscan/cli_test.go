package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestUnreachableHost needs no cluster: nothing listens on 127.0.0.254.
func TestUnreachableHost(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"127.0.0.254", "9042", "--connect-timeout", "2s", "-e",
		"SELECT COUNT(*) FROM ks.t"}, strings.NewReader(""), &out, &errb)
	if code != exitConnect {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitConnect, errb.String())
	}
	if !strings.Contains(errb.String(), "cannot connect to 127.0.0.254 port 9042") {
		t.Fatalf("stderr %q does not name the host and port", errb.String())
	}
}

func TestEndpointAndUsage(t *testing.T) {
	t.Setenv("CQLSH_HOST", "")
	t.Setenv("CQLSH_PORT", "")
	cases := []struct {
		args    []string
		host    string
		port    int
		wantErr bool
	}{
		{nil, "127.0.0.1", 9042, false},
		{[]string{"10.1.2.3"}, "10.1.2.3", 9042, false},
		{[]string{"db", "19042"}, "db", 19042, false},
		{[]string{"db", "x"}, "", 0, true},
		{[]string{"db", "70000"}, "", 0, true},
		{[]string{"a", "1", "b"}, "", 0, true},
	}
	for _, c := range cases {
		h, p, err := endpoint(c.args)
		if (err != nil) != c.wantErr || (!c.wantErr && (h != c.host || p != c.port)) {
			t.Errorf("endpoint(%q) = %q, %d, %v", c.args, h, p, err)
		}
	}
	t.Setenv("CQLSH_HOST", "envhost")
	t.Setenv("CQLSH_PORT", "9999")
	if h, p, _ := endpoint(nil); h != "envhost" || p != 9999 {
		t.Errorf("CQLSH_HOST/CQLSH_PORT ignored: %s:%d", h, p)
	}

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-e", "x", "-f", "y"}, strings.NewReader(""), &out, &errb); code != exitStatement {
		t.Errorf("-e with -f: exit %d", code)
	}
	if code := run(context.Background(), []string{"--no-such-flag"}, strings.NewReader(""), &out, &errb); code != exitStatement {
		t.Errorf("unknown flag: exit %d", code)
	}
}

func TestParseRate(t *testing.T) {
	cases := []struct {
		in         string
		rows, reqs float64
		bad        bool
	}{
		{"", 0, 0, false},
		{"50000", 50000, 0, false},
		{"2500.5rows/s", 2500.5, 0, false},
		{"200req/s", 0, 200, false},
		{"7 requests/s", 0, 7, false},
		{"0", 0, 0, true},
		{"-5", 0, 0, true},
		{"fast", 0, 0, true},
		{"10MB/s", 0, 0, true},
	}
	for _, c := range cases {
		rows, reqs, err := parseRate(c.in)
		if (err != nil) != c.bad || rows != c.rows || reqs != c.reqs {
			t.Errorf("parseRate(%q) = %v, %v, %v", c.in, rows, reqs, err)
		}
	}
}
