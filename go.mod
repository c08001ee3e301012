module github.com/cqlscan/cqlscan

go 1.26.8

require github.com/xwb1989/sqlparser v0.0.0-20180606152119-120387863bf2
