// Package savefile writes and reads the files cqlscan keeps between runs — checkpoints of scans and
// cursors of incremental reads — so that a crash never leaves a torn file and an edited or damaged
// one is refused instead of believed.
//
// A file is a JSON envelope: what it is (kind), the format's version, a SHA-256 of the body and the
// body itself (the checksum is of the body's compact JSON, so only its content counts):
//
//	{"cqlscan": "cursor", "version": 1, "sha256": "…", "body": {…}}
//
// Files are replaced atomically: a temporary file in the same directory is written, synced and
// renamed over the old one, and the directory is synced, so the new name survives a power loss.
package savefile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrDamaged marks a file that is not what it claims to be: not JSON, not a cqlscan file of the
// expected kind, or a body that does not match its checksum (edited by hand, or damaged).
var ErrDamaged = errors.New("damaged or edited")

// ErrVersion marks a file written in a format version this cqlscan does not read.
var ErrVersion = errors.New("unsupported format version")

// envelope is the file's JSON form.
type envelope struct {
	Kind    string          `json:"cqlscan"`
	Version int             `json:"version"`
	SHA256  string          `json:"sha256"`
	Body    json.RawMessage `json:"body"`
}

// Write replaces path with an envelope of kind and version holding body, encoded as JSON.
func Write(path, kind string, version int, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, path, err)
	}
	sum := sha256.Sum256(raw)
	data, err := json.MarshalIndent(envelope{Kind: kind, Version: version, SHA256: hex.EncodeToString(sum[:]), Body: raw}, "", " ")
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, path, err)
	}
	if err := WriteFile(path, append(data, '\n')); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}

// Read reads the envelope at path, checks that it is of kind and version and that its body matches
// its checksum, and decodes the body into v. Errors name the file and wrap ErrDamaged, ErrVersion or
// the error of reading it (errors.Is(err, fs.ErrNotExist) for a missing file).
func Read(path, kind string, version int, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("%s %s is %w: not a cqlscan %s file (%v)", kind, path, ErrDamaged, kind, err)
	}
	switch {
	case env.Kind != kind:
		return fmt.Errorf("%s %s is %w: not a cqlscan %s file", kind, path, ErrDamaged, kind)
	case env.Version != version:
		return fmt.Errorf("%s %s: %w %d (this cqlscan reads version %d)", kind, path, ErrVersion, env.Version, version)
	}
	// The checksum covers the body's compact form: layout may change, content may not.
	var body bytes.Buffer
	if err := json.Compact(&body, env.Body); err != nil {
		return fmt.Errorf("%s %s is %w: %v", kind, path, ErrDamaged, err)
	}
	sum := sha256.Sum256(body.Bytes())
	if hex.EncodeToString(sum[:]) != env.SHA256 {
		return fmt.Errorf("%s %s is %w: its content does not match its checksum, so it is not used", kind, path, ErrDamaged)
	}
	if err := json.Unmarshal(env.Body, v); err != nil {
		return fmt.Errorf("%s %s is %w: %v", kind, path, ErrDamaged, err)
	}
	return nil
}

// WriteFile replaces path with data atomically: a temporary file in the same directory, synced,
// renamed over path; then the directory is synced so that the rename itself is durable.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir makes the entries of a directory (names created or renamed in it) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
