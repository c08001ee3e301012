// Package checkpoint saves the progress of a range aggregate — the token ranges finished and their
// partial aggregates — so that an interrupted or failed scan can be resumed and still give the exact
// answer. A checkpoint names the query, keyspace and ring it belongs to; resuming it elsewhere is
// refused. Files are replaced atomically (write, sync, rename), so a crash never leaves a torn one.
package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// version is the file format's version.
const version = 1

// ErrMismatch marks a checkpoint that belongs to another query, keyspace or ring.
var ErrMismatch = errors.New("checkpoint does not match")

// Key identifies what a checkpoint is for.
type Key struct {
	Query    string `json:"query"`    // the statement, as cqlscan prints it back
	Keyspace string `json:"keyspace"` // the keyspace unqualified names resolved in
	Ring     string `json:"ring"`     // the token ring's fingerprint (ring.Ring.Fingerprint)
}

// file is the JSON form of a checkpoint.
type file struct {
	Version int      `json:"version"`
	Key     Key      `json:"key"`
	Types   []string `json:"types"` // the partial aggregates' CQL types, one per column
	Saved   string   `json:"saved"`
	Ranges  []entry  `json:"ranges"`
}

type entry struct {
	Start string      `json:"start"`
	End   string      `json:"end"`
	Rows  [][]*string `json:"rows"` // null for NULL
}

// Recorder is an executor.Journal that keeps the finished ranges and saves them to Path, at most
// every Interval while the run goes on (never, if Interval is 0), and whenever Save is called.
type Recorder struct {
	Path     string
	Key      Key
	Types    []types.Type
	Interval time.Duration

	mu    sync.Mutex
	done  []executor.DoneRange
	saved time.Time
	err   error // the last save's error
}

// NewRecorder returns a recorder that starts with done (the ranges of a resumed checkpoint).
func NewRecorder(path string, key Key, ts []types.Type, done []executor.DoneRange) *Recorder {
	return &Recorder{Path: path, Key: key, Types: ts, Interval: time.Second, saved: time.Now(),
		done: append([]executor.DoneRange(nil), done...)}
}

// RangeDone implements executor.Journal.
func (r *Recorder) RangeDone(rng ring.Range, rows []executor.Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = append(r.done, executor.DoneRange{Range: rng, Rows: rows})
	if r.Interval > 0 && time.Since(r.saved) >= r.Interval {
		r.err = r.saveLocked()
	}
}

// Done returns how many ranges are recorded.
func (r *Recorder) Done() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.done)
}

// Save writes the checkpoint now. It supersedes any failed save made while the run went on.
func (r *Recorder) Save() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = r.saveLocked()
	return r.err
}

func (r *Recorder) saveLocked() error {
	r.saved = time.Now()
	f := file{Version: version, Key: r.Key, Saved: r.saved.UTC().Format(time.RFC3339)}
	for _, t := range r.Types {
		f.Types = append(f.Types, t.String())
	}
	for _, d := range r.done {
		e := entry{Start: d.Range.Start.String(), End: d.Range.End.String(), Rows: [][]*string{}}
		for _, row := range d.Rows {
			enc := make([]*string, len(row))
			for i, v := range row {
				s, err := encode(r.Types[i], v)
				if err != nil {
					return fmt.Errorf("checkpoint: %w", err)
				}
				enc[i] = s
			}
			e.Rows = append(e.Rows, enc)
		}
		f.Ranges = append(f.Ranges, e)
	}
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return writeAtomic(r.Path, data)
}

// writeAtomic replaces path with data: a temporary file in the same directory, synced, then renamed.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Load reads a checkpoint and checks it belongs to key and to partial aggregates of types ts.
func Load(path string, key Key, ts []types.Type) ([]executor.DoneRange, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("checkpoint %s is not a cqlscan checkpoint: %v", path, err)
	}
	switch {
	case f.Version != version:
		return nil, fmt.Errorf("checkpoint %s has format version %d; this cqlscan reads version %d", path, f.Version, version)
	case f.Key.Query != key.Query:
		return nil, fmt.Errorf("%w: %s was saved for the query\n  %s\nnot\n  %s", ErrMismatch, path, f.Key.Query, key.Query)
	case f.Key.Keyspace != key.Keyspace:
		return nil, fmt.Errorf("%w: %s was saved with keyspace %q in use, not %q", ErrMismatch, path, f.Key.Keyspace, key.Keyspace)
	case f.Key.Ring != key.Ring:
		return nil, fmt.Errorf("%w: %s was saved on another token ring (nodes or tokens changed since); start the scan again", ErrMismatch, path)
	case len(f.Types) != len(ts):
		return nil, fmt.Errorf("%w: %s holds %d partial aggregates, the plan has %d", ErrMismatch, path, len(f.Types), len(ts))
	}
	for i, t := range ts {
		if f.Types[i] != t.String() {
			return nil, fmt.Errorf("%w: %s holds partials of type %s where the plan has %s", ErrMismatch, path, f.Types[i], t)
		}
	}
	out := make([]executor.DoneRange, 0, len(f.Ranges))
	for _, e := range f.Ranges {
		start, ok1 := new(big.Int).SetString(e.Start, 10)
		end, ok2 := new(big.Int).SetString(e.End, 10)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("checkpoint %s: bad range (%s, %s]", path, e.Start, e.End)
		}
		d := executor.DoneRange{Range: ring.Range{Start: start, End: end}}
		for _, enc := range e.Rows {
			if len(enc) != len(ts) {
				return nil, fmt.Errorf("checkpoint %s: a row of range (%s, %s] has %d values, want %d", path, e.Start, e.End, len(enc), len(ts))
			}
			row := make(executor.Row, len(enc))
			for i, s := range enc {
				v, err := decode(ts[i], s)
				if err != nil {
					return nil, fmt.Errorf("checkpoint %s: %w", path, err)
				}
				row[i] = v
			}
			d.Rows = append(d.Rows, row)
		}
		out = append(out, d)
	}
	return out, nil
}
