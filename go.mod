module github.com/cqlscan/cqlscan

go 1.24

require (
	github.com/apache/cassandra-gocql-driver/v2 v2.1.2
	github.com/spf13/pflag v1.0.10
	github.com/xwb1989/sqlparser v0.0.0-20180606152119-120387863bf2
)

require gopkg.in/inf.v0 v0.9.1
