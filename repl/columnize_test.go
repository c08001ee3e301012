package repl

import (
	"reflect"
	"strings"
	"testing"
)

func TestColumnize(t *testing.T) {
	many := strings.Fields("available_ranges batches built_views compaction_history local paxos peers peers_v2 size_estimates sstable_activity")
	cases := []struct {
		names []string
		width int
		want  []string
	}{
		{nil, 80, []string{"<empty>"}},
		{[]string{"only"}, 80, []string{"only"}},
		{[]string{"a", "bb", "c"}, 80, []string{"a  bb  c"}},
		// Filled top to bottom, in the fewest rows that fit.
		{many, 80, []string{
			"available_ranges  built_views         local  peers     size_estimates",
			"batches           compaction_history  paxos  peers_v2  sstable_activity"}},
		{[]string{"aaaa", "bbbb", "cccc"}, 10, []string{"aaaa  cccc", "bbbb"}},
		{[]string{"a_long_name", "another_long_one"}, 5, []string{"a_long_name", "another_long_one"}},
	}
	for _, c := range cases {
		if got := columnize(c.names, c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("columnize(%q, %d) =\n%q\nwant\n%q", c.names, c.width, got, c.want)
		}
	}
}
