package testcluster

import (
	"context"
	"fmt"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/internal/load"
)

// Dataset is a table with generated contents whose CQL row count is known in advance.
type Dataset struct {
	Name string
	// Load creates ks.<Name>, fills it and returns the number of rows a full SELECT * returns.
	Load func(ctx context.Context, s *gocql.Session, ks string) (int64, error)
}

const workers = 48

func exec(ctx context.Context, s *gocql.Session, stmt string) error {
	return s.Query(stmt).ExecContext(ctx)
}

// Datasets are the table layouts the exactness tests count.
var Datasets = []Dataset{
	{"single_pk", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.single_pk (id int PRIMARY KEY, v text)`, ks)); err != nil {
			return 0, err
		}
		const n = 5000
		err := load.Run(ctx, s, n, workers, func(i int) load.Stmt {
			return load.S(fmt.Sprintf(`INSERT INTO %s.single_pk (id, v) VALUES (?, ?)`, ks), i*7919-20000, fmt.Sprint(i))
		})
		return n, err
	}},
	{"composite_pk", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.composite_pk (a int, b text, v int, PRIMARY KEY ((a, b)))`, ks)); err != nil {
			return 0, err
		}
		const n = 3000
		err := load.Run(ctx, s, n, workers, func(i int) load.Stmt {
			return load.S(fmt.Sprintf(`INSERT INTO %s.composite_pk (a, b, v) VALUES (?, ?, ?)`, ks), i%50, fmt.Sprintf("b%d", i), i)
		})
		return n, err
	}},
	{"clustered", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		// 300 partitions of 1..25 rows: the count is of rows, not partitions.
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.clustered (p int, c int, v text, PRIMARY KEY (p, c))`, ks)); err != nil {
			return 0, err
		}
		var keys [][2]int
		for p := 0; p < 300; p++ {
			for c := 0; c < 1+(p*13)%25; c++ {
				keys = append(keys, [2]int{p, c})
			}
		}
		err := load.Run(ctx, s, len(keys), workers, func(i int) load.Stmt {
			return load.S(fmt.Sprintf(`INSERT INTO %s.clustered (p, c, v) VALUES (?, ?, 'x')`, ks), keys[i][0], keys[i][1])
		})
		return int64(len(keys)), err
	}},
	{"static_only", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		// 100 partitions with 4 clustering rows each and 150 partitions that hold only a static
		// value; CQL returns one row for each static-only partition.
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.static_only (p int, c int, s text STATIC, v text, PRIMARY KEY (p, c))`, ks)); err != nil {
			return 0, err
		}
		err := load.Run(ctx, s, 100*4+150, workers, func(i int) load.Stmt {
			if i < 400 {
				return load.S(fmt.Sprintf(`INSERT INTO %s.static_only (p, c, s, v) VALUES (?, ?, 's', 'v')`, ks), i/4, i%4)
			}
			return load.S(fmt.Sprintf(`INSERT INTO %s.static_only (p, s) VALUES (?, 'only static')`, ks), 1000+i)
		})
		return 400 + 150, err
	}},
	{"deleted", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		// 200 partitions × 10 rows; then every 4th partition is deleted whole and, in the others,
		// rows with c = 3 and a range c >= 8 are deleted.
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.deleted (p int, c int, v text, PRIMARY KEY (p, c))`, ks)); err != nil {
			return 0, err
		}
		if err := load.Run(ctx, s, 2000, workers, func(i int) load.Stmt {
			return load.S(fmt.Sprintf(`INSERT INTO %s.deleted (p, c, v) VALUES (?, ?, 'x')`, ks), i/10, i%10)
		}); err != nil {
			return 0, err
		}
		err := load.Run(ctx, s, 200, workers, func(p int) load.Stmt {
			if p%4 == 0 {
				return load.S(fmt.Sprintf(`DELETE FROM %s.deleted WHERE p = ?`, ks), p)
			}
			return load.S(fmt.Sprintf(`BEGIN UNLOGGED BATCH DELETE FROM %[1]s.deleted WHERE p = ? AND c = 3; DELETE FROM %[1]s.deleted WHERE p = ? AND c >= 8; APPLY BATCH`, ks), p, p)
		})
		return 150 * 7, err // 150 partitions survive, each with c in {0,1,2,4,5,6,7}
	}},
	{"ttl_expired", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		// 1000 rows live, 700 written with a 1-second TTL that have expired by the time of the count.
		if err := exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.ttl_expired (id int PRIMARY KEY, v text)`, ks)); err != nil {
			return 0, err
		}
		err := load.Run(ctx, s, 1700, workers, func(i int) load.Stmt {
			if i < 1000 {
				return load.S(fmt.Sprintf(`INSERT INTO %s.ttl_expired (id, v) VALUES (?, 'live')`, ks), i)
			}
			return load.S(fmt.Sprintf(`INSERT INTO %s.ttl_expired (id, v) VALUES (?, 'gone') USING TTL 1`, ks), i)
		})
		time.Sleep(2500 * time.Millisecond)
		return 1000, err
	}},
	{"empty", func(ctx context.Context, s *gocql.Session, ks string) (int64, error) {
		return 0, exec(ctx, s, fmt.Sprintf(`CREATE TABLE %s.empty (id uuid PRIMARY KEY, v text)`, ks))
	}},
}

// CountBySelect counts rows the slow, obvious way — SELECT * paged through one coordinator — as an
// oracle for what CQL considers a row.
func CountBySelect(ctx context.Context, s *gocql.Session, ks, table string) (int64, error) {
	iter := s.Query(fmt.Sprintf(`SELECT * FROM %s.%s`, ks, table)).Consistency(gocql.All).PageSize(5000).IterContext(ctx)
	sc := iter.Scanner()
	var n int64
	for sc.Next() {
		n++
	}
	return n, sc.Err()
}
