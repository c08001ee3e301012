package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// copyToQuestion exports a table of columns columns (the benchmark's: sales) to CSV: cqlscan's COPY
// TO against cqlsh's COPY TO and dsbulk unload to a directory, each as its users run it. The answer
// is the number of CSV records written, every one with the table's columns.
func copyToQuestion(sales dataset.Dataset, columns int) Question {
	file := func(name string) string { return filepath.Join(os.TempDir(), "benchrun-copy-to-"+name) }
	copyTo := func(path string) string { return fmt.Sprintf("COPY %s TO '%s'", sales.Ref(), path) }
	count := func(path string) func(string) (string, error) {
		return func(string) (string, error) { return countCSVRecords(path, columns) }
	}
	scan, sh, bulk := file("cqlscan.csv"), file("cqlsh.csv"), file("dsbulk") // dsbulk's is a directory
	return Question{
		ID: "copy-to", Title: fmt.Sprintf("COPY %s TO a CSV file (%s rows)", sales.Ref(), short(sales.Rows)),
		Dataset: sales, CQL: copyTo("FILE"),
		Tools: []Tool{
			{Name: "cqlscan COPY TO", Writes: scan, Parse: count(scan), Argv: func(e env) []string {
				return []string{e.cqlscan, e.host, "-e", copyTo(scan)}
			}},
			{Name: "cqlsh COPY TO", Writes: sh, Parse: count(sh), Argv: func(e env) []string {
				return []string{e.cqlsh, e.host, "--request-timeout=3600", "--connect-timeout=60", "-e", copyTo(sh)}
			}},
			// dsbulk writes a directory of files, as many at once as it likes: its fastest way.
			{Name: "dsbulk unload -url DIR", Writes: bulk, Parse: count(bulk), Argv: func(e env) []string {
				return []string{"java", "-cp", e.dsbulkCP, "com.datastax.oss.dsbulk.runner.DataStaxBulkLoader", "unload",
					"-h", e.host, "-k", sales.Keyspace, "-t", sales.Table, "-url", bulk, "-header", "false",
					"--log.directory", e.logDir, "--log.verbosity", "0"}
			}},
		},
		Expected: func() string { return fmt.Sprint(sales.Rows) },
	}
}

// countCSVRecords counts the CSV records in path, a file or a directory of files (dsbulk's), and
// checks each has fields fields: a short or garbled file is an error, not a smaller count.
func countCSVRecords(path string, fields int) (string, error) {
	files := []string{path}
	if st, err := os.Stat(path); err != nil {
		return "", err
	} else if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return "", err
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		if len(files) == 0 {
			return "", fmt.Errorf("%s: no files written", path)
		}
	}
	n := 0
	for _, f := range files {
		c, err := countFile(f, fields)
		if err != nil {
			return "", err
		}
		n += c
	}
	return fmt.Sprint(n), nil
}

func countFile(path string, fields int) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = fields
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
}

// removeOutput deletes what a tool wrote (a file or a directory), before and after its run.
func removeOutput(path string) error {
	if path == "" || !strings.HasPrefix(filepath.Base(path), "benchrun-") {
		return nil // only ever what benchrun named
	}
	return os.RemoveAll(path)
}
