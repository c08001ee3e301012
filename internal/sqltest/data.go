// Package sqltest checks cqlscan's SQL engine against SQLite: the same generated rows go into a real
// Cassandra table and an SQLite table, the same queries run on both, and the answers must agree.
package sqltest

import (
	"crypto/sha1"
	"fmt"
	"math/big"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"gopkg.in/inf.v0"
)

// Schemas of the two tables, in CQL and in SQLite.
var (
	cqlT1 = `CREATE TABLE %s.t1 (pk int, ck int, grp text, n int, big bigint, f double, s text, flag boolean,
		PRIMARY KEY (pk, ck))`
	sqliteT1 = `CREATE TABLE t1 (pk INTEGER, ck INTEGER, grp TEXT, n INTEGER, big INTEGER, f REAL, s TEXT, flag BOOLEAN)`
	cqlT2    = `CREATE TABLE %s.t2 (a int, b text, c int, d double, e text, PRIMARY KEY ((a, b)))`
	sqliteT2 = `CREATE TABLE t2 (a INTEGER, b TEXT, c INTEGER, d REAL, e TEXT)`
	cqlT3    = `CREATE TABLE %s.t3 (day int, seq int, ts timestamp, u uuid, tu timeuuid, dec decimal, vi varint,
		PRIMARY KEY (day, seq))`
	// SQLite holds timestamps as milliseconds, uuids as text and decimals as REAL: see sqliteValue.
	sqliteT3 = `CREATE TABLE t3 (day INTEGER, seq INTEGER, ts INTEGER, u TEXT, tu TEXT, dec REAL, vi INTEGER)`
)

// columns lists each table's columns in the generators' order.
var columns = map[string]string{
	"t1": "pk, ck, grp, n, big, f, s, flag",
	"t2": "a, b, c, d, e",
	"t3": "day, seq, ts, u, tu, dec, vi",
}

const (
	t1Rows = 100000
	t2Rows = 20000
	t3Rows = 20000
)

// t1Row generates row i of t1: ~33 rows per partition, skewed groups, NULLs in every regular column,
// empty and non-ASCII strings. A nil value is NULL.
func t1Row(i int) []any {
	var grp any
	switch r := (i * 7919) % 100; {
	case i%17 == 0:
		grp = nil
	case r < 50:
		grp = "a"
	case r < 80:
		grp = "b"
	case r < 95:
		grp = "c"
	default:
		grp = "d"
	}
	var n any = (i*31)%1000 - 500
	if i%7 == 0 {
		n = nil
	}
	var f any = float64(i%1000)/7 - 50
	if i%11 == 0 {
		f = nil
	}
	var s any = fmt.Sprintf("s%03d", i%500)
	switch {
	case i%13 == 0:
		s = nil
	case i%97 == 0:
		s = ""
	case i%89 == 0:
		s = fmt.Sprintf("é%d", i%5)
	}
	var flag any = i%3 == 0
	if i%19 == 0 {
		flag = nil
	}
	return []any{i % 3000, i / 3000, grp, n, int64(i) * int64(i), f, s, flag}
}

// t2Row generates row i of t2: single-row partitions under a composite key; e holds LIKE's
// wildcard characters as text now and then.
func t2Row(i int) []any {
	var c any = i % 7
	if i%5 == 0 {
		c = nil
	}
	var e any = string(rune('a' + i%26))
	switch {
	case i%23 == 0:
		e = nil
	case i%37 == 0:
		e = "a%c"
	case i%41 == 0:
		e = "a_c"
	case i%43 == 0:
		e = "%"
	case i%47 == 0:
		e = "_%_"
	}
	return []any{i % 50, fmt.Sprint(i), c, float64(i%313) * 0.25, e}
}

var t3Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// uuidPool returns the k-th of a fixed set of version-4 uuids.
func uuidPool(k int) gocql.UUID {
	var u gocql.UUID
	sum := sha1.Sum([]byte(fmt.Sprint("uuid", k)))
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// t3Row generates row i of t3: timestamps (some before 1970), uuids and timeuuids from skewed pools,
// decimals written at two scales (1.5 as 1.50 and 1.500, which are equal), varints, and NULLs.
func t3Row(i int) []any {
	var ts any = t3Epoch.Add(time.Duration(i)*37*time.Minute + time.Duration(i%1000)*time.Millisecond)
	switch {
	case i%29 == 0:
		ts = nil
	case i%101 == 0:
		ts = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	}
	var u any = uuidPool((i*i + i/100) % 60)
	if i%31 == 0 {
		u = nil
	}
	k := (i * 7) % 200
	if k > 150 {
		k = k % 10 // skew towards the first ten
	}
	var tu any = gocql.TimeUUIDWith(t3Epoch.UnixNano()/100+int64(k)*1e7, uint32(k*131), []byte{1, 2, 3, 4, 5, byte(k)})
	if i%43 == 0 {
		tu = nil
	}
	cents := int64((i*7919)%2001 - 200) // -2.00 .. 18.00, each value about ten times
	var dec any = inf.NewDec(cents, 2)
	switch {
	case i%23 == 0:
		dec = nil
	case i%2 == 1:
		dec = inf.NewDec(cents*10, 3) // the same value at another scale
	}
	var vi any = new(big.Int).SetInt64(int64(i%997-498)*100000000000 + int64(i))
	if i%37 == 0 {
		vi = nil
	}
	return []any{i % 40, i / 40, ts, u, tu, dec, vi}
}

// query is one question for both engines. sqlite, when set, is SQLite's spelling of the same
// question (for AVG of integers, which CQL answers in the integer type). ordered says the
// result's row order is defined by the query; otherwise rows are compared as multisets.
type query struct {
	cql     string
	sqlite  string
	ordered bool
}

var queries = []query{
	{cql: "SELECT COUNT(*) FROM t1"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE n > 0"},
	{cql: "SELECT COUNT(n), COUNT(f), COUNT(s), COUNT(flag), COUNT(grp) FROM t1"},
	{cql: "SELECT grp, COUNT(*) FROM t1 GROUP BY grp"},
	{cql: "SELECT grp, COUNT(*), SUM(n), MIN(n), MAX(n) FROM t1 GROUP BY grp"},
	{cql: "SELECT grp, AVG(f), SUM(f) FROM t1 GROUP BY grp"},
	{cql: "SELECT COUNT(DISTINCT s) FROM t1"},
	{cql: "SELECT COUNT(DISTINCT grp), COUNT(DISTINCT n), COUNT(DISTINCT f) FROM t1"},
	{cql: "SELECT SUM(big), MIN(big), MAX(big) FROM t1"},
	{cql: "SELECT pk, ck FROM t1 WHERE n BETWEEN 10 AND 20 ORDER BY pk, ck", ordered: true},
	{cql: "SELECT pk, ck, n FROM t1 WHERE n NOT BETWEEN -490 AND 490 ORDER BY pk, ck", ordered: true},
	{cql: "SELECT COUNT(*) FROM t1 WHERE NOT (n = 1 OR f IS NULL)"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE NOT (n = 1 OR s IN ('s001', 's002'))"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE n IN (1, 2, 3, -500)"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE n NOT IN (1, 2, 3)"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE s LIKE 's00%'"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE s LIKE '%9'"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE s LIKE 's_1%' OR s LIKE 'é%'"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE s = ''"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE s IS NULL"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE grp IS NOT NULL AND flag = true"},
	{cql: "SELECT s, COUNT(*) AS c FROM t1 GROUP BY s HAVING c > 200 ORDER BY s", ordered: true},
	{cql: "SELECT grp, flag, COUNT(*) FROM t1 GROUP BY grp, flag"},
	{cql: "SELECT n % 10 AS m, COUNT(*) FROM t1 GROUP BY m ORDER BY m", ordered: true},
	{cql: "SELECT pk, ck, f * 2 + n AS x FROM t1 WHERE f * 2 + n > 400 ORDER BY x DESC, pk, ck LIMIT 20", ordered: true},
	{cql: "SELECT pk, -n AS neg FROM t1 WHERE pk < 3 ORDER BY neg, pk, ck", ordered: true},
	{cql: "SELECT DISTINCT grp FROM t1"},
	{cql: "SELECT DISTINCT grp, flag FROM t1 ORDER BY grp, flag", ordered: true},
	{cql: "SELECT DISTINCT pk FROM t1 WHERE n > 490 ORDER BY pk", ordered: true},
	{cql: "SELECT pk, ck FROM t1 ORDER BY f DESC, pk, ck LIMIT 15", ordered: true},
	{cql: "SELECT pk, ck, f FROM t1 ORDER BY f, pk, ck LIMIT 15", ordered: true},
	{cql: "SELECT pk, ck, s FROM t1 ORDER BY s DESC, pk, ck LIMIT 25", ordered: true},
	{cql: "SELECT grp, COUNT(*) AS c FROM t1 GROUP BY grp ORDER BY c DESC LIMIT 2", ordered: true},
	{cql: "SELECT grp, SUM(n) AS total FROM t1 WHERE flag = false GROUP BY grp HAVING total < 0 ORDER BY grp", ordered: true},
	{cql: "SELECT MIN(s), MAX(s) FROM t1"},
	{cql: "SELECT MIN(f), MAX(f), SUM(f) FROM t1 WHERE pk > 100"},
	{cql: "SELECT SUM(n), AVG(f), MIN(s), COUNT(*) FROM t1 WHERE pk = -1"},
	{cql: "SELECT pk, COUNT(*) FROM t1 GROUP BY pk HAVING COUNT(*) > 33 ORDER BY pk LIMIT 10", ordered: true},
	{cql: "SELECT n / 7, COUNT(*) FROM t1 WHERE n IS NOT NULL GROUP BY n / 7 ORDER BY n / 7 LIMIT 20", ordered: true},
	{cql: "SELECT COUNT(*) FROM t1 WHERE (n > 100 OR f < 0) AND NOT flag"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE n > 100 OR s IS NULL"},
	{cql: "SELECT COUNT(*) FROM t1 WHERE big > 1000000000 AND big % 2 = 0"},
	{cql: "SELECT AVG(n) FROM t1", sqlite: "SELECT SUM(n) / COUNT(n) FROM t1"},
	{cql: "SELECT grp, AVG(n) FROM t1 GROUP BY grp", sqlite: "SELECT grp, SUM(n) / COUNT(n) FROM t1 GROUP BY grp"},
	{cql: "SELECT flag, COUNT(*), SUM(f) FROM t1 WHERE grp IN ('a', 'd') GROUP BY flag ORDER BY flag", ordered: true},
	{cql: "SELECT a, COUNT(*), AVG(d) FROM t2 GROUP BY a ORDER BY a", ordered: true},
	{cql: "SELECT COUNT(*) FROM t2 WHERE b LIKE '1%' AND c IS NULL"},
	{cql: "SELECT c, COUNT(DISTINCT a) FROM t2 GROUP BY c ORDER BY c", ordered: true},
	{cql: "SELECT a, b FROM t2 WHERE e > 'm' ORDER BY e, a, b LIMIT 30", ordered: true},
	{cql: "SELECT e, MAX(d), MIN(b) FROM t2 WHERE a BETWEEN 10 AND 20 GROUP BY e"},
	{cql: "SELECT * FROM t2 WHERE a = 7 AND c = 3"},
	// LIKE against text that holds % and _ itself.
	{cql: "SELECT e, COUNT(*) FROM t2 WHERE e LIKE 'a%' GROUP BY e"},
	{cql: "SELECT e, COUNT(*) FROM t2 WHERE e LIKE '%c' OR e LIKE '_' GROUP BY e"},
	{cql: "SELECT e, COUNT(*) FROM t2 WHERE e LIKE 'a_c' OR e LIKE '_%_' GROUP BY e"},
	// ORDER BY and GROUP BY by position in the select list.
	{cql: "SELECT e, COUNT(*) FROM t2 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10", ordered: true},
	{cql: "SELECT pk, ck, n FROM t1 WHERE pk < 4 ORDER BY 3 DESC, 1, 2 LIMIT 30", ordered: true},
	{cql: "SELECT grp, flag, COUNT(*) AS c FROM t1 GROUP BY 1, 2 ORDER BY 3, 1, 2", ordered: true},
	// Functions and casts computed by the replicas, then filtered, grouped and sorted here.
	// (Cassandra 5.0's toDate rounds times before 1970 up to the next day, 1960-01-13 15:00 giving
	// 1960-01-14, where SQLite floors: only later times are compared.)
	{cql: "SELECT toDate(ts) AS day, COUNT(*) FROM t3 WHERE ts >= '1970-01-01 00:00:00+0000' GROUP BY toDate(ts)",
		sqlite: "SELECT CAST(strftime('%s', date(ts / 1000, 'unixepoch')) AS INTEGER) * 1000 AS d, COUNT(*) FROM t3 WHERE ts >= 0 GROUP BY 1"},
	{cql: "SELECT CAST(n AS text) AS s, COUNT(*) FROM t1 WHERE pk < 100 GROUP BY 1"},
	{cql: "SELECT abs(n), COUNT(*), MAX(f) FROM t1 GROUP BY abs(n) ORDER BY 1 LIMIT 20", ordered: true},
	{cql: "SELECT COUNT(*) FROM t1 WHERE CAST(f AS int) BETWEEN -3 AND 3", sqlite: "SELECT COUNT(*) FROM t1 WHERE CAST(f AS INTEGER) BETWEEN -3 AND 3"},
	{cql: "SELECT a, SUM(CAST(d * 4 AS int)) FROM t2 GROUP BY a ORDER BY a", ordered: true,
		sqlite: "SELECT a, SUM(CAST(d * 4 AS INTEGER)) FROM t2 GROUP BY a ORDER BY a"},
	// Every term and aggregate pushed to the replicas (sum as varint, avg as sum and count).
	{cql: "SELECT SUM(n), AVG(f), SUM(f), COUNT(n), MIN(s), MAX(ck) FROM t1 WHERE n < 0 AND ck >= 10"},
	{cql: "SELECT SUM(n), AVG(n), AVG(f), COUNT(*) FROM t1 WHERE s = 'nope'", sqlite: "SELECT SUM(n), SUM(n) / COUNT(n), AVG(f), COUNT(*) FROM t1 WHERE s = 'nope'"},
	// The partition key fixed by = and IN: partition reads, no ring scan.
	{cql: "SELECT ck, n, s FROM t1 WHERE pk = 5 ORDER BY ck", ordered: true},
	{cql: "SELECT pk, COUNT(*), SUM(n) FROM t1 WHERE pk IN (1, 2, 2999, 4000) AND n > 0 GROUP BY pk ORDER BY pk", ordered: true},
	{cql: "SELECT a, b, c FROM t2 WHERE a = 7 AND b IN ('7', '57', '1007', '8')"},
	{cql: "SELECT COUNT(*) FROM t2 WHERE a IN (1, 2) AND b IN ('1', '2', '51', '52')"},
	// timestamp, uuid, timeuuid, decimal, varint.
	{cql: "SELECT COUNT(ts), COUNT(u), COUNT(tu), COUNT(dec), COUNT(vi) FROM t3"},
	{cql: "SELECT MIN(ts), MAX(ts) FROM t3"},
	{cql: "SELECT day, seq, ts FROM t3 ORDER BY ts DESC, day, seq LIMIT 25", ordered: true},
	{cql: "SELECT day, seq FROM t3 WHERE ts < '1970-01-01 00:00:00+0000' ORDER BY ts, day LIMIT 40", ordered: true,
		sqlite: "SELECT day, seq FROM t3 WHERE ts < 0 ORDER BY ts, day LIMIT 40"},
	{cql: "SELECT COUNT(*) FROM t3 WHERE ts >= '2024-03-01 00:00:00+0000' AND ts < '2024-04-01 00:00:00.000+0000'",
		sqlite: fmt.Sprintf("SELECT COUNT(*) FROM t3 WHERE ts >= %d AND ts < %d",
			time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC).UnixMilli())},
	{cql: "SELECT u, COUNT(*) FROM t3 GROUP BY u"},
	{cql: "SELECT COUNT(DISTINCT u), COUNT(DISTINCT tu), COUNT(DISTINCT dec), COUNT(DISTINCT vi) FROM t3"},
	{cql: fmt.Sprintf("SELECT COUNT(*), MAX(ts) FROM t3 WHERE u = %s OR u IN (%s, %s)", uuidPool(3), uuidPool(4), uuidPool(59)),
		sqlite: fmt.Sprintf("SELECT COUNT(*), MAX(ts) FROM t3 WHERE u = '%s' OR u IN ('%s', '%s')", uuidPool(3), uuidPool(4), uuidPool(59))},
	{cql: "SELECT tu, COUNT(*), MIN(dec), MAX(vi) FROM t3 GROUP BY tu"},
	{cql: "SELECT SUM(dec), MIN(dec), MAX(dec), AVG(dec) FROM t3"},
	{cql: "SELECT dec, COUNT(*) FROM t3 WHERE dec > 5 GROUP BY dec ORDER BY dec LIMIT 30", ordered: true},
	{cql: "SELECT COUNT(*) FROM t3 WHERE dec = 1.5 OR dec IN (2.25, 17.999)"},
	{cql: "SELECT SUM(vi), MIN(vi), MAX(vi), AVG(vi) FROM t3", sqlite: "SELECT SUM(vi), MIN(vi), MAX(vi), SUM(vi) / COUNT(vi) FROM t3"},
	{cql: "SELECT day, SUM(vi), COUNT(DISTINCT tu) FROM t3 WHERE vi > 0 GROUP BY day ORDER BY day", ordered: true},
	// Pushed to the replicas: sum(CAST(vi AS varint)) and sum(dec) per range.
	{cql: "SELECT SUM(vi), SUM(dec), MAX(ts), COUNT(*) FROM t3 WHERE seq >= 100"},
	{cql: "SELECT day, MIN(ts), MAX(dec) FROM t3 WHERE day IN (1, 2, 39) GROUP BY day ORDER BY day", ordered: true},
}
