package agg

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"net"
	"strconv"
	"strings"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// EncodeValue writes a value of type t as text that DecodeValue reads back exactly; nil for NULL.
// Values are those of the native types (the partials, minima, maxima and distinct values of aggregates).
func EncodeValue(t types.Type, v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	var s string
	switch x := v.(type) {
	case int64:
		s = strconv.FormatInt(x, 10)
	case *big.Int:
		s = x.String()
	case *inf.Dec:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64) // NaN, +Inf and -Inf included
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
	case []byte:
		s = hex.EncodeToString(x)
	case types.UUIDValue:
		s = x.String()
	case time.Time: // seconds and nanoseconds: RFC 3339 cannot write years before 0 or after 9999
		s = fmt.Sprintf("%d.%09d", x.Unix(), x.Nanosecond())
	case time.Duration:
		s = strconv.FormatInt(int64(x), 10)
	case net.IP:
		s = x.String()
	case types.Empty:
		if t.IsText() || t.Kind == types.Blob {
			return nil, fmt.Errorf("no empty value in %s", t)
		}
		s = "" // no other value of these types is written as nothing
	default:
		return nil, fmt.Errorf("cannot save a %s value (%T) in an aggregate state", t, v)
	}
	return &s, nil
}

// DecodeValue reads what EncodeValue wrote, as a value of type t in the engine's canonical form.
func DecodeValue(t types.Type, s *string) (any, error) {
	if s == nil {
		return nil, nil
	}
	bad := func(err error) error { return fmt.Errorf("bad %s value %q: %v", t, *s, err) }
	if *s == "" && !t.IsText() && t.Kind != types.Blob {
		return types.Empty{}, nil
	}
	switch {
	case t.IsInteger():
		n, err := strconv.ParseInt(*s, 10, 64)
		if err != nil {
			return nil, bad(err)
		}
		return n, nil
	case t.IsText():
		return *s, nil
	}
	switch t.Kind {
	case types.Varint:
		n, ok := new(big.Int).SetString(*s, 10)
		if !ok {
			return nil, bad(fmt.Errorf("not an integer"))
		}
		return n, nil
	case types.Decimal:
		d, ok := new(inf.Dec).SetString(*s)
		if !ok {
			return nil, bad(fmt.Errorf("not a decimal"))
		}
		return d, nil
	case types.Float, types.Double:
		f, err := strconv.ParseFloat(*s, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, bad(err)
		}
		return f, nil
	case types.Boolean:
		b, err := strconv.ParseBool(*s)
		if err != nil {
			return nil, bad(err)
		}
		return b, nil
	case types.Blob:
		b, err := hex.DecodeString(*s)
		if err != nil {
			return nil, bad(err)
		}
		return b, nil
	case types.UUID, types.TimeUUID:
		b, err := hex.DecodeString(strings.ReplaceAll(*s, "-", ""))
		if err != nil || len(b) != 16 {
			return nil, bad(fmt.Errorf("not a uuid"))
		}
		var u types.UUIDValue
		copy(u[:], b)
		return u, nil
	case types.Timestamp, types.Date:
		var sec, nsec int64
		if _, err := fmt.Sscanf(*s, "%d.%d", &sec, &nsec); err != nil {
			return nil, bad(err)
		}
		return time.Unix(sec, nsec).UTC(), nil
	case types.Time:
		n, err := strconv.ParseInt(*s, 10, 64)
		if err != nil {
			return nil, bad(err)
		}
		return time.Duration(n), nil
	case types.Inet:
		ip := net.ParseIP(*s)
		if ip == nil {
			return nil, bad(fmt.Errorf("not an address"))
		}
		if v4 := ip.To4(); v4 != nil {
			return v4, nil
		}
		return ip, nil
	}
	return nil, fmt.Errorf("cannot read a %s value from an aggregate state", t)
}
