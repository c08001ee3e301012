package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// env is where the tools are and which node they ask.
type env struct {
	host     string
	cqlscan  string // binary
	cqlsh    string // cqlsh executable
	dsbulkCP string // dsbulk's class path (lib/*)
	logDir   string // dsbulk's logs
	python   string // the Python that has the cassandra-driver (cqlsh's venv)
	peer     string // the hand-written parallel count (bench/peer/ring_count.py)
}

// Tool is one way of answering a question.
type Tool struct {
	Name  string
	Argv  func(e env) []string
	Parse func(out string) (string, error) // the answer in canonical form
	// Writes is the file or directory the tool writes its answer to, if any (Parse reads it); it
	// is removed before and after each run.
	Writes string
}

// Question is one benchmark question and the tools that answer it; cqlscan comes first, and ratios
// are cqlscan's figures divided by each peer's.
type Question struct {
	ID, Title string
	Dataset   dataset.Dataset
	CQL       string
	Tools     []Tool
	// Expected is the answer computed from the generator, in canonical form.
	Expected func() string
}

func questions() []Question {
	ds := map[string]dataset.Dataset{}
	for _, d := range dataset.All() {
		ds[d.Name] = d
	}
	var qs []Question
	for _, name := range []string{"standard1-" + dataset.Short(dataset.SmallRows), "standard1-1m", "standard1-10m"} {
		d := ds[name]
		q := fmt.Sprintf("SELECT COUNT(*) FROM %s", d.Ref())
		qs = append(qs, Question{
			ID: "count-" + strings.TrimPrefix(name, "standard1-"), Title: fmt.Sprintf("COUNT(*) of %s (%s rows)", d.Ref(), short(d.Rows)),
			Dataset: d, CQL: q,
			Tools: []Tool{
				cqlscanTool(q, parseCount),
				dsbulkTool("dsbulk unload key | wc -l", fmt.Sprintf("SELECT key FROM %s", d.Ref()), "wc -l", parseCount),
				cqlshTool(q, parseCount),
				peerTool(d.Ref(), ""),
			},
			Expected: func() string { return fmt.Sprint(d.Rows) },
		})
	}
	big, sales := ds["standard1-10m"], ds["sales-2m"]
	q := fmt.Sprintf(`SELECT "C0", COUNT(*) FROM %s GROUP BY "C0"`, big.Ref())
	qs = append(qs, Question{
		ID: "groupby-10m", Title: fmt.Sprintf("GROUP BY a regular column of %s (%s rows, %d groups)", big.Ref(), short(big.Rows), dataset.Standard1Groups),
		Dataset: big, CQL: q,
		Tools: []Tool{
			cqlscanTool(q, parseGroups),
			dsbulkTool("dsbulk unload \"C0\" | awk", fmt.Sprintf(`SELECT "C0" FROM %s`, big.Ref()),
				`awk -F, '{n[$1]++} END {for (k in n) print k "," n[k]}'`, parseGroups),
		},
		Expected: func() string { return expectedStandard1Groups(big.Rows) },
	})
	q = fmt.Sprintf("SELECT category, COUNT(*), SUM(qty) FROM %s GROUP BY category", sales.Ref())
	qs = append(qs, Question{
		ID: "groupby-sales", Title: fmt.Sprintf("GROUP BY category with COUNT and SUM over %s (%s rows)", sales.Ref(), short(sales.Rows)),
		Dataset: sales, CQL: q,
		Tools: []Tool{
			cqlscanTool(q, parseGroups),
			dsbulkTool("dsbulk unload category,qty | awk", fmt.Sprintf("SELECT category, qty FROM %s", sales.Ref()),
				`awk -F, '{n[$1]++; s[$1]+=$2} END {for (k in n) print k "," n[k] "," s[k]}'`, parseGroups),
		},
		Expected: func() string { return expectedSalesGroups(sales.Rows) },
	})
	where := "region = 'eu-west' AND amount > 100"
	q = fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", sales.Ref(), where)
	qs = append(qs, Question{
		ID: "filtered-count", Title: fmt.Sprintf("COUNT(*) of %s WHERE %s", sales.Ref(), where),
		Dataset: sales, CQL: q,
		Tools: []Tool{
			cqlscanTool(q, parseCount),
			dsbulkTool("dsbulk unload region,amount | awk", fmt.Sprintf("SELECT region, amount FROM %s", sales.Ref()),
				`awk -F, '$1 == "eu-west" && $2 > 100 {n++} END {print n+0}'`, parseCount),
			cqlshTool(q+" ALLOW FILTERING", parseCount),
			peerTool(sales.Ref(), where),
		},
		Expected: func() string { return expectedFiltered(sales.Rows) },
	})
	qs = append(qs, copyToQuestion(sales, len(salesColumns)))
	q = fmt.Sprintf("SELECT * FROM %s LIMIT 10", sales.Ref())
	check := func(out string, parse func(string) ([][]string, error)) (string, error) {
		rows, err := parse(out)
		if err != nil {
			return "", err
		}
		return checkSalesRows(rows, sales.Rows)
	}
	qs = append(qs, Question{
		ID: "first-10", Title: fmt.Sprintf("first 10 rows of SELECT * FROM %s LIMIT 10", sales.Ref()),
		Dataset: sales, CQL: q,
		Tools: []Tool{
			cqlscanTool(q, func(out string) (string, error) { return check(out, csvRecords) }),
			cqlshTool(q, func(out string) (string, error) { return check(out, cqlshRecords) }),
			dsbulkTool("dsbulk unload LIMIT 10", q, "cat", func(out string) (string, error) { return check(out, csvRecordsNoHeader(salesColumns)) }),
		},
		Expected: func() string { return "10 rows of the table" },
	})
	return qs
}

func cqlscanTool(q string, parse func(string) (string, error)) Tool {
	return Tool{Name: "cqlscan", Parse: parse, Argv: func(e env) []string {
		return []string{e.cqlscan, e.host, "--format", "csv", "--no-progress", "-e", q}
	}}
}

func cqlshTool(q string, parse func(string) (string, error)) Tool {
	return Tool{Name: "cqlsh", Parse: parse, Argv: func(e env) []string {
		return []string{e.cqlsh, e.host, "--request-timeout=3600", "--connect-timeout=60", "-e", q}
	}}
}

// dsbulkTool unloads query's columns as CSV without a header (blobs in hex, as cqlscan prints
// them) and pipes them into then, the trivial aggregation a user would write. dsbulk reads -query as
// a HOCON string, in which a quoted identifier's double quotes must be escaped.
func dsbulkTool(name, query, then string, parse func(string) (string, error)) Tool {
	query = strings.ReplaceAll(query, `"`, `\"`)
	return Tool{Name: name, Parse: parse, Argv: func(e env) []string {
		java := fmt.Sprintf(`java -cp '%s' com.datastax.oss.dsbulk.runner.DataStaxBulkLoader unload -h %s -query %s `+
			`-header false --codec.binary HEX --log.directory %s --log.verbosity 0`,
			e.dsbulkCP, e.host, shellQuote(query), e.logDir)
		return []string{"bash", "-o", "pipefail", "-c", java + " | " + then}
	}}
}

// peerProcesses is how many processes the hand-written peer runs: one per core × 4, as its users
// are told to.
var peerProcesses = runtime.NumCPU() * 4

// peerTool is the parallel count people write by hand today (bench/peer/ring_count.py): the
// Python driver, the ring cut into equal slices, one process per slice, fetch size 5000. where,
// if not empty, is sent with each slice's count (with ALLOW FILTERING).
func peerTool(table, where string) Tool {
	return Tool{Name: fmt.Sprintf("Python driver, %d processes", peerProcesses), Parse: parseCount, Argv: func(e env) []string {
		argv := []string{e.python, e.peer, "--host", e.host, "--table", table, "--processes", fmt.Sprint(peerProcesses)}
		if where != "" {
			argv = append(argv, "--where", where)
		}
		return argv
	}}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// short writes a row count for a title: 10M, 250K.
func short(n int) string { return strings.ToUpper(dataset.Short(n)) }
