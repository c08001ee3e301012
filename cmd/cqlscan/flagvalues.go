package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The flag values below check their range as they are parsed, so that a value that makes no sense is
// a command-line error naming the flag before anything connects, never a silent default.

// intValue is a whole-number flag that must lie in [min, max].
type intValue struct {
	p        *int
	min, max int
}

func newIntValue(p *int, def, min, max int) *intValue {
	*p = def
	return &intValue{p: p, min: min, max: max}
}

// Set implements pflag.Value.
func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < v.min || n > v.max {
		return fmt.Errorf("want %s", v.accepted())
	}
	*v.p = n
	return nil
}

// accepted says which values the flag takes.
func (v *intValue) accepted() string {
	switch {
	case v.max == math.MaxInt:
		return fmt.Sprintf("a whole number, %d or more", v.min)
	default:
		return fmt.Sprintf("a whole number from %d to %d", v.min, v.max)
	}
}

func (v *intValue) String() string { return strconv.Itoa(*v.p) }

// Type implements pflag.Value.
func (v *intValue) Type() string { return "int" }

// secondsValue is a timeout given as cqlsh gives it, a number of seconds (30, 2.5), or as a Go
// duration (30s, 1m); positive unless zero is allowed, in which case 0 means "no limit".
type secondsValue struct {
	p         *time.Duration
	allowZero bool
}

func newSecondsValue(p *time.Duration, def time.Duration, allowZero bool) *secondsValue {
	*p = def
	return &secondsValue{p: p, allowZero: allowZero}
}

// Set implements pflag.Value.
func (v *secondsValue) Set(s string) error {
	d, err := parseSeconds(s)
	if err != nil || d < 0 || (d == 0 && !v.allowZero) {
		if v.allowZero {
			return fmt.Errorf("want a number of seconds (30) or a duration (10m), 0 for no limit")
		}
		return fmt.Errorf("want a positive number of seconds (30) or a duration (30s)")
	}
	*v.p = d
	return nil
}

// parseSeconds reads "30", "2.5" (seconds) or "30s", "1m30s" (Go durations).
func parseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > math.MaxInt64/float64(time.Second) {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}

// String returns the value as a Go duration, which parseSeconds and connect.go's parseDuration read
// back.
func (v *secondsValue) String() string { return v.p.String() }

// Type implements pflag.Value.
func (v *secondsValue) Type() string { return "seconds" }

// colorValue backs -C/--color and --no-color: both set one tri-state choice, the last one given
// winning, as in cqlsh. nil means "not given".
type colorValue struct {
	p  **bool
	on bool // what the flag asks for: true for --color, false for --no-color
}

// Set implements pflag.Value; "-C=false" asks for the opposite of -C.
func (v *colorValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	choice := b == v.on
	*v.p = &choice
	return nil
}

func (v *colorValue) String() string { return "false" }

// Type implements pflag.Value.
func (v *colorValue) Type() string { return "bool" }

// IsBoolFlag lets the flag stand alone, without a value.
func (v *colorValue) IsBoolFlag() bool { return true }
