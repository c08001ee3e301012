package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/repl/render"
)

// command is one of the shell's commands. The table below drives running them, HELP and completion.
type command struct {
	name    string   // the first word, upper case
	aliases []string // other first words
	syntax  string
	help    string
	// cql marks statements that are CQL (they end with ';'); the others end at the end of the line.
	cql bool
	// args lists completions for the first argument.
	args func(s *Session) []string
	// run runs the command with the rest of the line; nil for CQL statements run by Execute.
	run func(s *Session, ctx context.Context, arg string) error
}

var commands []*command

func init() {
	onOff := func(*Session) []string { return []string{"ON", "OFF"} }
	commands = []*command{
		{name: "SELECT", cql: true, syntax: "SELECT cols|aggregates FROM [ks.]table [WHERE …] [GROUP BY …] [ORDER BY …] [LIMIT n];",
			help: "scan a table in token ranges on the replicas, aggregating on the client; any column may be filtered"},
		{name: "EXPLAIN", cql: true, syntax: "EXPLAIN [ANALYZE] SELECT …;",
			help: "print the plan; with ANALYZE, run it and print per-host ranges, rows, retries and latencies"},
		{name: "USE", cql: true, syntax: "USE keyspace;", help: "make keyspace the default for unqualified table names",
			args: func(s *Session) []string { return nil }},
		{name: "CONSISTENCY", syntax: "CONSISTENCY [level]", help: "show or set the consistency level of what follows",
			args: func(*Session) []string { return cluster.ReadLevels() }, run: (*Session).consistency},
		{name: "PAGING", syntax: "PAGING [ON|OFF|rows]", help: "show long tables a page at a time at the prompt (default 100 rows)",
			args: onOff, run: (*Session).paging},
		{name: "EXPAND", syntax: "EXPAND [ON|OFF]", help: "print each row as a block of column | value lines",
			args: onOff, run: func(s *Session, _ context.Context, arg string) error {
				return s.toggle("EXPAND", &s.Expanded, arg)
			}},
		{name: "TIMING", syntax: "TIMING [ON|OFF]", help: "print how long each statement took",
			args: onOff, run: func(s *Session, _ context.Context, arg string) error { return s.toggle("TIMING", &s.Timing, arg) }},
		{name: "SOURCE", syntax: "SOURCE 'file'", help: "run the statements in a file", run: (*Session).source},
		{name: "CAPTURE", syntax: "CAPTURE ['file'|OFF]", help: "append results to a file instead of showing them, until CAPTURE OFF",
			args: func(*Session) []string { return []string{"OFF"} }, run: (*Session).captureTo},
		{name: "COPY", cql: true, syntax: "COPY [ks.]table [(col, …)] TO 'file'|STDOUT | FROM 'file'|STDIN [WITH option = 'value' [AND …]];",
			help: "export a table to CSV with a parallel token-range scan, or import CSV with concurrent inserts, as cqlsh's COPY", run: (*Session).copyCmd},
		{name: "DESCRIBE", aliases: []string{"DESC"}, syntax: "DESCRIBE KEYSPACES|TABLES|KEYSPACE ks|TABLE t|…",
			help: "describe the schema (Cassandra answers it)", run: (*Session).describe,
			args: func(*Session) []string {
				return []string{"KEYSPACES", "KEYSPACE", "TABLES", "TABLE", "TYPES", "TYPE", "FUNCTIONS", "AGGREGATES", "CLUSTER", "SCHEMA", "FULL SCHEMA"}
			}},
		{name: "SHOW", syntax: "SHOW VERSION|HOST|SESSION <trace id>", help: "versions of cqlscan and Cassandra, the cluster connected to, or a trace",
			args: func(*Session) []string { return []string{"VERSION", "HOST", "SESSION"} }, run: (*Session).show},
		{name: "TRACING", syntax: "TRACING [ON|OFF]", help: "trace each statement Cassandra answers as written and print the trace (scans: see --stats)",
			args: onOff, run: (*Session).tracingCmd},
		{name: "SERIAL", syntax: "SERIAL CONSISTENCY [SERIAL|LOCAL_SERIAL]", help: "show or set the serial consistency level of conditional writes",
			args: func(*Session) []string { return []string{"CONSISTENCY"} }, run: (*Session).serial},
		{name: "LOGIN", syntax: "LOGIN user ['password']", help: "connect again as another user (asks for the password when it is not given)",
			run: (*Session).login},
		{name: "CLEAR", aliases: []string{"CLS"}, syntax: "CLEAR", help: "clear the terminal", run: (*Session).clearScreen},
		{name: "HISTORY", syntax: "HISTORY [n]", help: "list the last statements typed at the prompt (50, or n from now on)",
			run: (*Session).history},
		{name: "UNICODE", syntax: "UNICODE", help: "how text is read and shown", run: (*Session).unicode},
		{name: "SET", syntax: "SET CONCURRENCY n | SET SPLITS n | SET FORMAT table|csv|json|jsonl | SET CURSOR 'file'|OFF | SET SETTLE 10s | SET OUT_DIR 'dir'|OFF | SET BATCH_ROWS n",
			help: "change cqlscan's own settings for what follows", run: (*Session).set,
			args: func(*Session) []string {
				return []string{"CONCURRENCY", "SPLITS", "FORMAT", "CURSOR", "SETTLE", "OUT_DIR", "BATCH_ROWS"}
			}},
		{name: "HELP", aliases: []string{"?"}, syntax: "HELP [topic]", help: "list the commands, or explain one",
			args: func(*Session) []string { return commandNames() }, run: (*Session).help},
		{name: "EXIT", aliases: []string{"QUIT"}, syntax: "EXIT", help: "leave the shell (Ctrl-D does too)",
			run: func(*Session, context.Context, string) error { return ErrExit }},
	}
}

// commandNames lists every command's name, for completion.
func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.name)
		out = append(out, c.aliases...)
	}
	return out
}

// findCommand returns the command a word names, if any.
func findCommand(word string) *command {
	word = strings.ToUpper(word)
	for _, c := range commands {
		if c.name == word || contains(c.aliases, word) {
			return c
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// firstWord splits text into its first word and the rest, both trimmed.
func firstWord(text string) (string, string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == ';' })
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimSpace(text[i:])
}

// lookupCommand finds the shell command text starts with (not CQL statements, which the parser
// reads), and its argument without a trailing ';'.
func lookupCommand(text string) (*command, string, bool) {
	word, rest := firstWord(text)
	c := findCommand(word)
	if c == nil || c.run == nil {
		return nil, "", false
	}
	return c, strings.TrimSpace(strings.TrimSuffix(rest, ";")), true
}

// endsAtNewline reports whether a statement starting with line is a shell command that ends with
// its line, as cqlsh's do, rather than at a ';'.
func endsAtNewline(line string) bool {
	word, _ := firstWord(line)
	c := findCommand(word)
	return c != nil && !c.cql
}

func (s *Session) consistency(_ context.Context, arg string) error {
	if arg == "" {
		fmt.Fprintf(s.Err, "Current consistency level is %s.\n", s.Cluster.Consistency())
		return nil
	}
	if err := s.Cluster.SetConsistency(arg); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "Consistency level set to %s.\n", s.Cluster.Consistency())
	return nil
}

// toggle shows or sets an ON/OFF setting, saying so as cqlsh does ("TRACING set to ON").
func (s *Session) toggle(name string, v *bool, arg string) error {
	want := false
	switch strings.ToUpper(arg) {
	case "":
		fmt.Fprintf(s.Err, "%s is %s\n", name, onOff(*v))
		return nil
	case "ON":
		want = true
	case "OFF":
	default:
		return fmt.Errorf("%s %s: use ON or OFF", name, arg)
	}
	if *v == want {
		fmt.Fprintf(s.Err, "%s is already %s\n", name, onOff(*v))
		return nil
	}
	*v = want
	fmt.Fprintf(s.Err, "%s set to %s\n", name, onOff(*v))
	return nil
}

func onOff(b bool) string {
	if b {
		return "ON"
	}
	return "OFF"
}

// defaultPageSize is cqlsh's page size.
const defaultPageSize = 100

// paging is PAGING [ON|OFF|rows], saying so as cqlsh does: the switch, then the page size.
func (s *Session) paging(_ context.Context, arg string) error {
	on := s.PageSize > 0
	size := s.PageSize
	if size == 0 {
		size = defaultPageSize
	}
	if n, err := strconv.Atoi(arg); err == nil {
		if n < 1 {
			return fmt.Errorf("PAGING %s: the page size must be at least 1 row", arg)
		}
		on, size = true, n
	} else if u := strings.ToUpper(arg); u != "" && u != "ON" && u != "OFF" {
		return fmt.Errorf("PAGING %s: use ON, OFF or a number of rows", arg)
	} else if err := s.toggle("PAGING", &on, arg); err != nil {
		return err
	}
	s.PageSize = 0
	if on {
		s.PageSize = size
		fmt.Fprintf(s.Err, "Page size: %d\n", size)
	}
	return nil
}

// unquote removes the quotes around a file name, as cqlsh writes them.
func unquote(arg string) string {
	if len(arg) >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[len(arg)-1] == arg[0] {
		q := arg[:1]
		return strings.ReplaceAll(arg[1:len(arg)-1], q+q, q) // 'it''s' is it's, as in CQL
	}
	return arg
}

// pyRepr quotes a file name as cqlsh's messages do (Python's repr of a string): in single quotes,
// or double quotes when it holds a single quote and no double quote.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, q, `\`+q, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return q + r.Replace(s) + q
}

// maxSourceDepth stops a file that sources itself.
const maxSourceDepth = 16

func (s *Session) source(ctx context.Context, arg string) error {
	name := expandHome(unquote(arg))
	if name == "" {
		return errors.New("SOURCE needs a file name: SOURCE 'file.cql'")
	}
	if s.depth >= maxSourceDepth {
		return fmt.Errorf("SOURCE %q: files source each other more than %d deep", name, maxSourceDepth)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	s.depth++
	defer func() { s.depth-- }()
	return s.RunScript(ctx, f, true) // as cqlsh: a failure is told (FILE:LINE:) and the file goes on
}

func (s *Session) captureTo(_ context.Context, arg string) error {
	switch {
	case arg == "":
		if s.capture != nil {
			fmt.Fprintf(s.Err, "Currently capturing query output to %s.\n", pyRepr(s.capture.Name()))
		} else {
			fmt.Fprintln(s.Err, "Currently not capturing query output.")
		}
		return nil
	case strings.EqualFold(arg, "OFF"):
		if s.capture == nil {
			fmt.Fprintln(s.Err, "Not currently capturing output.")
			return nil
		}
		err := s.capture.Close()
		fmt.Fprintf(s.Err, "Stopped capture. Output saved to %s.\n", pyRepr(s.capture.Name()))
		s.capture = nil
		return err
	}
	f, err := os.OpenFile(expandHome(unquote(arg)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if s.capture != nil {
		s.capture.Close()
	}
	s.capture = f
	fmt.Fprintf(s.Err, "Now capturing query output to %s.\n", pyRepr(f.Name()))
	return nil
}

// Close ends a capture still open.
func (s *Session) Close() error {
	if s.loggedIn != nil { // a connection LOGIN opened is the session's to close
		s.loggedIn.Close()
		s.loggedIn = nil
	}
	if s.capture == nil {
		return nil
	}
	err := s.capture.Close()
	s.capture = nil
	return err
}

func expandHome(p string) string {
	if home, err := os.UserHomeDir(); err == nil && (p == "~" || strings.HasPrefix(p, "~/")) {
		return home + p[1:]
	}
	return p
}

// describe passes DESCRIBE to Cassandra (4.0 and later answer it), made to honour the current
// keyspace as in cqlsh, and prints the CQL it returns.
func (s *Session) describe(ctx context.Context, arg string) error {
	d, err := rewriteDescribe(ctx, arg, s.Keyspace, s.Cluster.KeyspaceExists)
	if err != nil {
		return err
	}
	res, err := s.Cluster.Exec(ctx, d.stmt, s.Keyspace)
	if err != nil {
		return err
	}
	defer s.printWarnings(res.Warnings)
	cols, rows := res.Columns, res.Rows
	if d.keyspace != "" && len(cols) > 0 && cols[0].Name == "keyspace_name" {
		rows = slices.DeleteFunc(rows, func(r executor.Row) bool { return r[0] != d.keyspace })
	}
	var b strings.Builder
	switch names := columnNames(cols); {
	case slices.Contains(names, "create_statement"): // CQL to print as is
		i := slices.Index(names, "create_statement")
		for _, r := range rows {
			fmt.Fprintf(&b, "\n%v\n", r[i])
		}
	case slices.Equal(names, []string{"keyspace_name", "type", "name"}): // a listing, by keyspace
		// Laid out as cqlsh lays it out: names in columns, under a heading per keyspace unless a
		// keyspace is in use.
		var group []string
		flush := func(ks string) {
			if len(group) == 0 {
				return
			}
			b.WriteString("\n")
			if ks != "" && d.keyspace == "" {
				fmt.Fprintf(&b, "Keyspace %s\n%s\n", ks, strings.Repeat("-", len("Keyspace ")+len(ks)))
			}
			b.WriteString(strings.Join(columnize(group, 80), "\n") + "\n")
			group = group[:0]
		}
		last := ""
		for _, r := range rows {
			ks, name := fmt.Sprint(r[0]), fmt.Sprint(r[2])
			if r[1] == "keyspace" {
				ks = "" // DESCRIBE KEYSPACES: one list, no headings
			}
			if ks != last {
				flush(last)
				last = ks
			}
			group = append(group, name)
		}
		flush(last)
	default:
		return s.print(&render.Result{Columns: cols, Rows: rows})
	}
	_, err = fmt.Fprintln(s.out(), render.TrimLines(b.String()))
	return err
}

func columnNames(cols []planner.OutputColumn) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func (s *Session) show(ctx context.Context, arg string) error {
	if word, rest := firstWord(arg); strings.EqualFold(word, "SESSION") {
		return s.showSession(ctx, rest)
	}
	res, err := s.Cluster.Exec(ctx, "SELECT cluster_name, release_version, cql_version, native_protocol_version FROM system.local", "")
	if err != nil {
		return err
	}
	cols, rows := res.Columns, res.Rows
	if len(rows) != 1 || len(cols) != 4 {
		return errors.New("system.local returned no row")
	}
	r := rows[0]
	switch strings.ToUpper(arg) {
	case "VERSION":
		fmt.Fprintf(s.out(), "[cqlscan %s | Cassandra %v | CQL spec %v | Native protocol v%v]\n", s.Version, r[1], r[2], r[3])
	case "HOST":
		hosts := make([]string, 0)
		for _, a := range s.Cluster.HostNames() {
			hosts = append(hosts, a)
		}
		sort.Strings(hosts)
		fmt.Fprintf(s.out(), "Connected to %v at %s.\n", r[0], strings.Join(hosts, ", "))
	default:
		return fmt.Errorf("SHOW %s: use SHOW VERSION, SHOW HOST or SHOW SESSION <trace id>", arg)
	}
	return nil
}

func (s *Session) set(_ context.Context, arg string) error {
	name, value := firstWord(arg)
	value = unquote(value)
	positive := func(v *int) error {
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 {
			return fmt.Errorf("SET %s %q: want a positive whole number", strings.ToUpper(name), value)
		}
		*v = n
		return nil
	}
	if handled, err := s.setCursor(name, value); handled {
		return err
	}
	var err error
	switch strings.ToUpper(name) {
	case "CONCURRENCY":
		err = positive(&s.Concurrency)
	case "SPLITS":
		err = positive(&s.Splits)
	case "FORMAT":
		s.Format, err = render.ParseFormat(value)
		if err != nil {
			s.Format = render.Table
		}
	case "":
		fmt.Fprintf(s.Err, "CONCURRENCY %d, SPLITS %s, FORMAT %s, %s\n", s.Concurrency, splitsText(s.Splits), s.Format, s.cursorSettingsText())
		return nil
	default:
		return fmt.Errorf("SET %s: cqlscan's settings are CONCURRENCY, SPLITS, FORMAT, CURSOR, SETTLE, OUT_DIR and BATCH_ROWS", name)
	}
	if err == nil {
		fmt.Fprintf(s.Err, "%s set to %s.\n", strings.ToUpper(name), value)
	}
	return err
}

func splitsText(n int) string {
	if n == 0 {
		return "default (256 per node)"
	}
	return strconv.Itoa(n)
}
