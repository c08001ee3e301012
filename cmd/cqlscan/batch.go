package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor/cluster"
)

// script is where the statements come from: -e's text, -f's file or standard input, with the name
// failures are reported under (FILE:LINE:…).
type script struct {
	r     io.Reader
	name  string
	close func()
}

// Names of the scripts that are not files, as failures name them.
const (
	stdinName   = "<stdin>"
	executeName = "<execute>"
)

// script opens the statements to run. A file that cannot be opened is an error before anything
// connects.
func (o *options) script(stdin io.Reader) (script, error) {
	switch {
	case o.given("execute"):
		return script{strings.NewReader(o.execute), executeName, func() {}}, nil
	case o.given("file"):
		f, err := os.Open(expandHome(o.file))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return script{}, usagef("-f %s: no such file", o.file)
		case err != nil:
			return script{}, usagef("-f %s: %v", o.file, pathErr(err))
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return script{}, usagef("-f %s is a directory; give a file of statements", o.file)
		}
		return script{f, o.file, func() { f.Close() }}, nil
	}
	return script{stdin, stdinName, func() {}}, nil
}

// serverInfo is a connection that can tell the cluster's versions.
type serverInfo interface {
	Server(ctx context.Context) (cluster.Server, error)
}

var _ serverInfo = (*cluster.Conn)(nil)

// checkCQLVersion refuses a --cqlversion the cluster cannot serve, as Cassandra refuses it when
// cqlsh asks: the same major version, and no later than the cluster's.
func checkCQLVersion(ctx context.Context, c any, want string) error {
	si, ok := c.(serverInfo)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	srv, err := si.Server(ctx)
	if err != nil {
		return fmt.Errorf("checking --cqlversion %s: %w", want, err)
	}
	w, err := parseCQLVersion(setting{want, "--cqlversion"})
	if err != nil {
		return err
	}
	have, err := parseCQLVersion(setting{srv.CQL, "the cluster's CQL version"})
	if err != nil {
		return err
	}
	if w[0] != have[0] || compareVersions(w, have) > 0 {
		return fmt.Errorf("CQL version %s is not supported by the cluster, which speaks CQL %s: ask for %s or earlier, or leave --cqlversion out",
			want, srv.CQL, srv.CQL)
	}
	return nil
}

func compareVersions(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}
