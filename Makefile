# cqlscan — the two commands the README starts with:
#   make demo   start a local one-node Cassandra 5.0, load 100,000 sample rows, count them
#   make test   start the test clusters and run every test (unit, integration, a short fuzz)

GO        ?= go
DEVCLUSTER = scripts/devcluster
DEMO_ROWS ?= 100000
FUZZTIME  ?= 20s

.PHONY: build demo test test-clusters down vet bench bench3

build:
	$(GO) build -o bin/cqlscan ./cmd/cqlscan
	$(GO) build -o bin/cqlscan-load ./cmd/cqlscan-load

demo: build
	$(DEVCLUSTER) up
	bin/cqlscan-load --hosts "$$($(DEVCLUSTER) hosts)" --keyspace demo --rows $(DEMO_ROWS)
	bin/cqlscan "$$($(DEVCLUSTER) hosts)" -e "SELECT COUNT(*) FROM demo.events"
	bin/cqlscan "$$($(DEVCLUSTER) hosts)" --verbose --splits 8 --format csv -e "SELECT COUNT(*) FROM demo.events"

# Two clusters: one node on 127.0.0.21, three nodes on 127.0.0.31-33; and cqlsh from PyPI (installed
# once), the oracle of the differential test.
test-clusters:
	$(DEVCLUSTER) --name test1 up -n 1 --first-ip 21 --set 'user_defined_functions_enabled: true'
	$(DEVCLUSTER) --name test3 up -n 3 --first-ip 31
	$(DEVCLUSTER) --name test1 cqlsh -e "SELECT release_version FROM system.local" > /dev/null

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

# internal/resilience stops nodes and slows the cluster down: it runs after the other packages.
# go mod tidy -diff fails when go.mod or go.sum are not what the imports need.
test: vet test-clusters
	$(GO) mod tidy -diff
	CQLSCAN_TEST_ONE="$$($(DEVCLUSTER) --name test1 hosts)" \
	CQLSCAN_TEST_THREE="$$($(DEVCLUSTER) --name test3 hosts)" CQLSCAN_TEST_THREE_NAME=test3 \
	CQLSCAN_DEVCLUSTER="$(CURDIR)/scripts/devcluster" \
	$(GO) test -race -count=1 -timeout 30m $$($(GO) list ./... | grep -v /internal/resilience)
	CQLSCAN_TEST_ONE="$$($(DEVCLUSTER) --name test1 hosts)" \
	CQLSCAN_TEST_THREE="$$($(DEVCLUSTER) --name test3 hosts)" CQLSCAN_TEST_THREE_NAME=test3 \
	CQLSCAN_DEVCLUSTER="$(CURDIR)/scripts/devcluster" \
	$(GO) test -count=1 -timeout 20m ./internal/resilience
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./parser

down:
	$(DEVCLUSTER) down
	$(DEVCLUSTER) --name test1 down
	$(DEVCLUSTER) --name test3 down
	$(DEVCLUSTER) --name secure down
	$(DEVCLUSTER) --name bench down
	$(DEVCLUSTER) --name bench3 down

# The benchmark against cqlsh, dsbulk and a hand-written Python driver script on a cluster of its
# own (see bench/run): one node, bench/RESULTS.md and bench/scaling.png. `make bench3`: the same on
# three nodes with replication factor 3 (cluster bench3), bench/RESULTS-3nodes.md. Not part of `make test`.
bench:
	bench/run

bench3:
	BENCH_NODES=3 bench/run
