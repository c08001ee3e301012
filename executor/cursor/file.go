package cursor

import (
	"errors"
	"fmt"
	"time"

	"github.com/cqlscan/cqlscan/executor/savefile"
)

// The cursor file's kind and format version (see package savefile).
const (
	fileKind    = "cursor"
	fileVersion = 1
)

// ErrMismatch marks a cursor file that belongs to another statement, keyspace or table.
var ErrMismatch = errors.New("cursor of another statement")

// MismatchError is a cursor file of another statement, keyspace or table: what it belongs to.
type MismatchError struct {
	Path string
	Identity
	Want Identity
}

func (e *MismatchError) Error() string {
	if e.Statement == e.Want.Statement && e.Keyspace == e.Want.Keyspace && e.Table == e.Want.Table {
		return fmt.Sprintf("cursor %s was made when %s had another primary key (fingerprint %s, now %s): its remembered rows cannot be matched; start a new cursor",
			e.Path, e.Table, e.Fingerprint, e.Want.Fingerprint)
	}
	ks := e.Keyspace
	if ks == "" {
		ks = "no keyspace"
	} else {
		ks = "keyspace " + ks
	}
	if e.Table != e.Want.Table {
		ks += ", table " + e.Table
	}
	return fmt.Sprintf("cursor %s belongs to %q (%s), not to this statement: use another file or delete it", e.Path, e.Statement, ks)
}

// Unwrap makes errors.Is(err, ErrMismatch) hold.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// fileBody is a cursor file's content, inside savefile's checksummed envelope.
type fileBody struct {
	Statement string `json:"statement"`
	Keyspace  string `json:"keyspace"`
	Table     string `json:"table"`
	// Fingerprint is that of the table's primary key (see Identity).
	Fingerprint string    `json:"fingerprint"`
	Mark        int64     `json:"mark"`
	MarkText    string    `json:"mark_text"` // for people reading the file; not read back
	Settle      string    `json:"settle"`
	NextBatch   int       `json:"next_batch"`
	Runs        int       `json:"runs"`
	Overlap     []Version `json:"overlap"`
	Last        *Summary  `json:"last,omitempty"`
	// Pending is a run that stopped part way (see Pending).
	Pending *pendingBody `json:"pending,omitempty"`
}

// Save replaces the cursor file at path with s, atomically and durably.
func (s *State) Save(path string) error {
	body := fileBody{
		Statement: s.Statement, Keyspace: s.Keyspace, Table: s.Table, Fingerprint: s.Fingerprint,
		Mark: s.Mark, MarkText: MarkText(s.Mark), Settle: s.Settle.String(),
		NextBatch: s.NextBatch, Runs: s.Runs, Overlap: s.Overlap, Last: s.Last, Pending: s.Pending.body(),
	}
	if body.Overlap == nil {
		body.Overlap = []Version{}
	}
	if err := check(&body); err != nil {
		return fmt.Errorf("cursor %s not saved: %w", path, err)
	}
	return savefile.Write(path, fileKind, fileVersion, body)
}

// Load reads the cursor file at path for id. A missing file is an error wrapping fs.ErrNotExist (a
// new cursor, for the caller); a damaged or edited one wraps savefile.ErrDamaged (or
// savefile.ErrVersion); one of another statement, keyspace or table is a *MismatchError, wrapping
// ErrMismatch. Every message is one line naming the file.
func Load(path string, id Identity) (*State, error) {
	var body fileBody
	if err := savefile.Read(path, fileKind, fileVersion, &body); err != nil {
		return nil, err
	}
	if err := check(&body); err != nil {
		return nil, fmt.Errorf("cursor %s is %w: %v", path, savefile.ErrDamaged, err)
	}
	settle, _ := time.ParseDuration(body.Settle) // check has parsed it
	pending, err := body.Pending.pending(body.Mark)
	if err != nil {
		return nil, fmt.Errorf("cursor %s is %w: %v", path, savefile.ErrDamaged, err)
	}
	s := &State{
		Identity: Identity{Statement: body.Statement, Keyspace: body.Keyspace, Table: body.Table, Fingerprint: body.Fingerprint},
		Mark:     body.Mark, Settle: settle, NextBatch: body.NextBatch, Runs: body.Runs,
		Overlap: body.Overlap, Last: body.Last, Pending: pending,
	}
	if s.Identity != id {
		return nil, &MismatchError{Path: path, Identity: s.Identity, Want: id}
	}
	return s, nil
}

// check finds what no cursor of this cqlscan writes: counts below their start, an overlap out of
// order, keys that are not key identities, versions at or before the mark.
func check(b *fileBody) error {
	if d, err := time.ParseDuration(b.Settle); err != nil || d < 0 {
		return fmt.Errorf("settle window %q", b.Settle)
	}
	if b.NextBatch < 1 || b.Runs < 0 {
		return fmt.Errorf("next batch %d, runs %d", b.NextBatch, b.Runs)
	}
	for i, v := range b.Overlap {
		switch {
		case !isKey(v.Key):
			return fmt.Errorf("overlap key %q is not a key identity", v.Key)
		case i > 0 && v.Key <= b.Overlap[i-1].Key:
			return fmt.Errorf("overlap key %s out of order or repeated", v.Key)
		case v.Written <= b.Mark:
			return fmt.Errorf("overlap version %s at %d, not after the mark %d", v.Key, v.Written, b.Mark)
		}
	}
	return nil
}

// isKey reports whether s has the form of KeyOf's identities: 32 lower-case hex digits.
func isKey(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
