package executor

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"
)

// pagedTable serves every read pages pages of one fixed page of rows, each after latency.
type pagedTable struct {
	page    []Row
	pages   int
	latency time.Duration
}

func (f *pagedTable) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	if f.latency > 0 {
		if err := sleep(ctx, f.latency); err != nil {
			return Page{}, err
		}
	}
	n := 0
	if req.PageState != nil {
		n = int(binary.BigEndian.Uint32(req.PageState))
	}
	page := Page{Rows: f.page}
	if n+1 < f.pages {
		page.Next = binary.BigEndian.AppendUint32(nil, uint32(n+1))
	}
	return page, nil
}

// BenchmarkPools measures rows through the unordered readPool and the orderedPool: the cost of
// keeping token order, over 768 ranges (the default splits of three nodes) of one and of four pages,
// served at once (the pools' own overhead) and after 1ms (a network's latency).
func BenchmarkPools(b *testing.B) {
	const ranges, fetch = 768, 1000
	page := make([]Row, fetch)
	for i := range page {
		page[i] = Row{int64(i)}
	}
	for _, pages := range []int{1, 4} {
		for _, latency := range []time.Duration{0, time.Millisecond} {
			for _, ordered := range []bool{false, true} {
				name := fmt.Sprintf("pages=%d/latency=%v/ordered=%v", pages, latency, ordered)
				b.Run(name, func(b *testing.B) {
					f := &pagedTable{page: page, pages: pages, latency: latency}
					ex := New(f, Options{Concurrency: DefaultConcurrency, PerHost: DefaultConcurrency, FetchSize: fetch})
					plan := denseScan(1, ranges-2)
					b.ReportAllocs()
					rows := 0
					for b.Loop() {
						it := newRangeScanIter(plan, ex).pool(ordered)
						for {
							_, err := it.Next(context.Background())
							if err == io.EOF {
								break
							}
							if err != nil {
								b.Fatal(err)
							}
							rows++
						}
						it.Close()
					}
					if want := b.N * ranges * pages * fetch; rows != want {
						b.Fatalf("%d rows, want %d", rows, want)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
				})
			}
		}
	}
}
