package scheduler

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortByKeyMergesRuns: sortByKey orders any list of runs (each sorted
// by key, as ForEachOpen gives one per due day) as a sort does, whatever
// the number and lengths of the runs.
func TestSortByKeyMergesRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 400 {
		var as []*repeatable
		for range 1 + n%9 { // runs
			var run []string
			for range r.IntN(30) {
				run = append(run, fmt.Sprintf("P|I.%d@2025-%02d|u%d", r.IntN(50), r.IntN(12), r.IntN(5)))
			}
			slices.Sort(run)
			for _, k := range slices.Compact(run) {
				as = append(as, &repeatable{key: k})
			}
		}
		want := slices.Clone(as)
		slices.SortStableFunc(want, func(a, b *repeatable) int { return strings.Compare(a.key, b.key) })
		sortByKey(as)
		if !slices.Equal(as, want) {
			t.Fatalf("case %d: not sorted as a sort does", n)
		}
	}
}
