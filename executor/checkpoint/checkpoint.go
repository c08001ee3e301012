// Package checkpoint saves the progress of a range aggregate — the token ranges finished and their
// partial aggregates — or of a client-side aggregate (GroupRecorder: the ranges finished and the
// group table of their rows), so that an interrupted or failed scan can be resumed and still give
// the exact answer. A checkpoint names the query, keyspace and ring it belongs to; resuming it elsewhere is
// refused. Files are written with package savefile: replaced atomically and durably, and checked
// against a SHA-256 of their content when read, so an edited or damaged file is refused rather than
// believed. A scan that finishes marks its file finished, and resuming a finished file is refused.
package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/savefile"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// The file's kind and format version (see package savefile). Version 1 was bare JSON, without a
// checksum; version 2 is savefile's envelope and records whether the scan finished.
const (
	fileKind    = "checkpoint"
	fileVersion = 2
)

// ErrMismatch marks a checkpoint that belongs to another query, keyspace or ring.
var ErrMismatch = errors.New("checkpoint does not match")

// ErrFinished marks a checkpoint of a scan that finished: its answer was printed then, and there is
// nothing to resume.
var ErrFinished = errors.New("checkpoint of a finished scan")

// Key identifies what a checkpoint is for.
type Key struct {
	Query    string `json:"query"`    // the statement, as cqlscan prints it back
	Keyspace string `json:"keyspace"` // the keyspace unqualified names resolved in
	Ring     string `json:"ring"`     // the token ring's fingerprint (ring.Ring.Fingerprint)
}

// body is a checkpoint's content, inside savefile's checksummed envelope.
type body struct {
	Key      Key      `json:"key"`
	Types    []string `json:"types"` // the partial aggregates' CQL types, one per column
	Saved    string   `json:"saved"`
	Finished string   `json:"finished,omitempty"` // when the scan finished, RFC 3339; "" while it has not
	Ranges   []entry  `json:"ranges"`
}

type entry struct {
	Start string      `json:"start"`
	End   string      `json:"end"`
	Rows  [][]*string `json:"rows"` // null for NULL
}

// Recorder is an executor.Journal that keeps the finished ranges and saves them to Path, at most
// every Interval while the run goes on (never, if Interval is 0), and whenever Save or Finish is
// called.
type Recorder struct {
	Path     string
	Key      Key
	Types    []types.Type
	Interval time.Duration

	mu       sync.Mutex
	done     []executor.DoneRange
	saved    time.Time
	finished time.Time // set by Finish
	err      error     // the last save's error
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

// Finish marks the scan finished, now, and saves the checkpoint: resuming it is refused from then on.
func (r *Recorder) Finish() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = time.Now()
	r.err = r.saveLocked()
	return r.err
}

func (r *Recorder) saveLocked() error {
	r.saved = time.Now()
	b := body{Key: r.Key, Saved: r.saved.UTC().Format(time.RFC3339), Types: []string{}, Ranges: []entry{}}
	if !r.finished.IsZero() {
		b.Finished = r.finished.UTC().Format(time.RFC3339)
	}
	for _, t := range r.Types {
		b.Types = append(b.Types, t.String())
	}
	for _, d := range r.done {
		e := entry{Start: d.Range.Start.String(), End: d.Range.End.String(), Rows: [][]*string{}}
		for _, row := range d.Rows {
			enc := make([]*string, len(row))
			for i, v := range row {
				s, err := encode(r.Types[i], v)
				if err != nil {
					return fmt.Errorf("checkpoint %s not saved: %w", r.Path, err)
				}
				enc[i] = s
			}
			e.Rows = append(e.Rows, enc)
		}
		b.Ranges = append(b.Ranges, e)
	}
	return savefile.Write(r.Path, fileKind, fileVersion, b)
}

// Load reads a checkpoint and checks it belongs to key and to partial aggregates of types ts. Every
// error is one line naming the file and saying what to do: a missing file wraps fs.ErrNotExist; an
// edited or damaged one savefile.ErrDamaged; one of another format version savefile.ErrVersion; one
// of another query, keyspace, ring or plan is a *MismatchError (ErrMismatch); one of a scan that
// finished is a *FinishedError (ErrFinished).
func Load(path string, key Key, ts []types.Type) ([]executor.DoneRange, error) {
	var b body
	if err := savefile.Read(path, fileKind, fileVersion, &b); err != nil {
		if errors.Is(err, savefile.ErrDamaged) && isVersion1(path) {
			return nil, &oldFormatError{Path: path}
		}
		if errors.Is(err, savefile.ErrDamaged) || errors.Is(err, savefile.ErrVersion) {
			return nil, fmt.Errorf("%w; run the scan again without --resume", err)
		}
		return nil, err
	}
	if err := match(path, b, key, ts); err != nil {
		return nil, err
	}
	if b.Finished != "" {
		return nil, &FinishedError{Path: path, At: b.Finished}
	}
	out := make([]executor.DoneRange, 0, len(b.Ranges))
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint %s is %w: %s; run the scan again without --resume", path, savefile.ErrDamaged, fmt.Sprintf(format, args...))
	}
	for _, e := range b.Ranges {
		start, ok1 := new(big.Int).SetString(e.Start, 10)
		end, ok2 := new(big.Int).SetString(e.End, 10)
		if !ok1 || !ok2 {
			return nil, damaged("bad range (%s, %s]", e.Start, e.End)
		}
		d := executor.DoneRange{Range: ring.Range{Start: start, End: end}}
		for _, enc := range e.Rows {
			if len(enc) != len(ts) {
				return nil, damaged("a row of range (%s, %s] has %d values, want %d", e.Start, e.End, len(enc), len(ts))
			}
			row := make(executor.Row, len(enc))
			for i, s := range enc {
				v, err := decode(ts[i], s)
				if err != nil {
					return nil, damaged("%v", err)
				}
				row[i] = v
			}
			d.Rows = append(d.Rows, row)
		}
		out = append(out, d)
	}
	return out, nil
}

// match checks that a checkpoint's content is for key and partials of types ts.
func match(path string, b body, key Key, ts []types.Type) error {
	mismatch := func(what string) error { return &MismatchError{Path: path, What: what} }
	switch {
	case b.Key.Query != key.Query:
		return mismatch(fmt.Sprintf("was saved for the query %s, not this one: run that query with --resume, or this one without it", b.Key.Query))
	case b.Key.Keyspace != key.Keyspace:
		do := "USE " + b.Key.Keyspace + " first"
		if b.Key.Keyspace == "" {
			do = "run it with no keyspace in use"
		}
		return mismatch(fmt.Sprintf("was saved with keyspace %s in use, not %s: %s, or run without --resume", keyspaceName(b.Key.Keyspace), keyspaceName(key.Keyspace), do))
	case b.Key.Ring != key.Ring:
		return mismatch("was saved on another token ring (nodes or tokens changed since): run the scan again without --resume")
	case len(b.Types) != len(ts):
		return mismatch(fmt.Sprintf("holds %d partial aggregates where the plan has %d (another cqlscan version?): run the scan again without --resume", len(b.Types), len(ts)))
	}
	for i, t := range ts {
		if b.Types[i] != t.String() {
			return mismatch(fmt.Sprintf("holds partials of type %s where the plan has %s (another cqlscan version?): run the scan again without --resume", b.Types[i], t))
		}
	}
	return nil
}

func keyspaceName(ks string) string {
	if ks == "" {
		return "(none)"
	}
	return ks
}

// MismatchError is a checkpoint of another query, keyspace, ring or plan.
type MismatchError struct {
	Path string
	What string // what it was saved for, and what to do
}

func (e *MismatchError) Error() string { return fmt.Sprintf("checkpoint %s %s", e.Path, e.What) }

// Unwrap makes errors.Is(err, ErrMismatch) hold.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// FinishedError is a checkpoint of a scan that finished: resuming it would resume nothing.
type FinishedError struct {
	Path string
	At   string // when it finished, RFC 3339
}

func (e *FinishedError) Error() string {
	return fmt.Sprintf("checkpoint %s is of a scan that finished at %s, and its answer was printed then: "+
		"nothing is left to resume; run the statement without --resume to scan again", e.Path, e.At)
}

// Unwrap makes errors.Is(err, ErrFinished) hold.
func (e *FinishedError) Unwrap() error { return ErrFinished }

// oldFormatError is a checkpoint in the first format, which had no checksum.
type oldFormatError struct{ Path string }

func (e *oldFormatError) Error() string {
	return fmt.Sprintf("checkpoint %s was written by an older cqlscan in format version 1, without a checksum, "+
		"which cannot be checked and is not read: run the scan again without --resume", e.Path)
}

// Unwrap makes errors.Is(err, savefile.ErrVersion) hold.
func (e *oldFormatError) Unwrap() error { return savefile.ErrVersion }

// isVersion1 reports whether path holds a checkpoint in the first format: bare JSON with a version
// of 1 and a key, without savefile's envelope.
func isVersion1(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var v1 struct {
		Kind    *string `json:"cqlscan"`
		Version int     `json:"version"`
		Key     *Key    `json:"key"`
	}
	return json.Unmarshal(data, &v1) == nil && v1.Kind == nil && v1.Version == 1 && v1.Key != nil
}
