package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/ini.v1"
)

// setting is one value with where it came from ("--port", "env CQLSH_PORT", "FILE [connection]
// port"), so that an error about it can say where to fix it. The empty value means "not set".
type setting struct {
	value, from string
}

// describe names the setting and its value as an error message starts: `--encoding "latin1"` for
// a flag, `FILE [ui] encoding = "latin1"` for a file, `env TZ = "Mars"` for the environment.
func (s setting) describe() string {
	if strings.HasPrefix(s.from, "-") {
		return fmt.Sprintf("%s %q", s.from, s.value)
	}
	return fmt.Sprintf("%s = %q", s.from, s.value)
}

// first returns the first setting that has a value: the callers list them flag, environment,
// file, default.
func first(ss ...setting) setting {
	for _, s := range ss {
		if s.value != "" {
			return s
		}
	}
	return setting{}
}

// env is the environment variable name as a setting.
func env(name string) setting {
	return setting{os.Getenv(name), "env " + name}
}

// fallback is a built-in default as a setting.
func fallback(v string) setting { return setting{v, "default"} }

// iniFile is a cqlsh-style INI file: the cqlshrc, or the credentials file it points to. A nil
// *iniFile is a file that does not exist and sets nothing.
type iniFile struct {
	path string
	f    *ini.File
}

// loadINI parses path as Python's configparser reads cqlshrc: keys are case-insensitive, and a
// value is kept whole ("#", ";" and quotes inside it are part of it).
func loadINI(path string) (*iniFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{InsensitiveKeys: true, IgnoreInlineComment: true,
		PreserveSurroundedQuote: true}, data)
	if err != nil { // the parser's message may quote a line, and a line may hold a password
		return nil, fmt.Errorf("%s is not a valid INI file: want [section] headers and key = value lines", path)
	}
	return &iniFile{path: path, f: f}, nil
}

// get returns [section] key, trimmed, as a setting naming the file.
func (f *iniFile) get(section, key string) setting {
	if f == nil {
		return setting{}
	}
	sec, err := f.f.GetSection(section)
	if err != nil || !sec.HasKey(key) {
		return setting{}
	}
	return setting{strings.TrimSpace(sec.Key(key).Value()), fmt.Sprintf("%s [%s] %s", f.path, section, key)}
}

// loadCqlshrc reads the cqlsh configuration file: path, or ~/.cassandra/cqlshrc when path is empty.
// A missing default file sets nothing; a missing file the user named is an error. A password in it
// draws a warning on stderr (the password itself is never printed).
func loadCqlshrc(path string, stderr io.Writer) (*iniFile, error) {
	explicit := path != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil
		}
		path = filepath.Join(home, ".cassandra", "cqlshrc")
	}
	rc, err := loadINI(expandHome(path))
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--cqlshrc %s: no such file", path)
	case err != nil:
		return nil, fmt.Errorf("reading cqlshrc: %w", err)
	}
	if rc.get("authentication", "password").value != "" {
		fmt.Fprintf(stderr, "cqlscan: warning: %s holds a password; keep it in a credentials file only you can read (chmod 600) named by [authentication] credentials\n", rc.path)
	}
	return rc, nil
}

// loadCredentials reads a cqlsh credentials file ([PlainTextAuthProvider] username and password).
// As cqlsh does, it ignores a file that others may read, with a warning on stderr: only modes
// such as 0600 or 0400 are honoured. A missing default file (explicit false) sets nothing.
func loadCredentials(path setting, explicit bool, stderr io.Writer) (*iniFile, error) {
	if path.value == "" {
		return nil, nil
	}
	p := expandHome(path.value)
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("credentials file %s (%s): %v", p, path.from, pathErr(err))
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		fmt.Fprintf(stderr, "cqlscan: warning: ignoring credentials file %s: its mode is %04o, but only its owner may read it (chmod 600 %s)\n", p, perm, p)
		return nil, nil
	}
	f, err := loadINI(p)
	if err != nil {
		return nil, fmt.Errorf("credentials file (%s): %w", path.from, err)
	}
	return f, nil
}

// credential returns username or password from a credentials file, under the section cqlsh
// writes ([PlainTextAuthProvider]) or its older name ([plain_text_auth]).
func (f *iniFile) credential(key string) setting {
	return first(f.get("PlainTextAuthProvider", key), f.get("plain_text_auth", key))
}

// expandHome replaces a leading ~/ with the home directory, as cqlsh does for the paths in cqlshrc.
func expandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~"))
}
