package scheduler

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
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

// TestSortItemsAsStableSort: sortItems, which moves the items in place,
// orders any digest as a stable sort by compareItems does (ties keep
// their order).
func TestSortItemsAsStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	kinds := []notify.Kind{notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation, notify.KindDone}
	for n := range 300 {
		var items []notify.Item
		for i := range n % 40 {
			items = append(items, notify.Item{Kind: kinds[r.IntN(len(kinds))], Copy: r.IntN(3) == 0,
				Occurrence: fmt.Sprintf("I.%d@2025", r.IntN(4)), Unit: []string{"a", "b"}[r.IntN(2)],
				Due: time.Date(2025, 3, 1+r.IntN(3), 17, 0, 0, 0, time.UTC), Assignment: fmt.Sprint(i)})
		}
		want := slices.Clone(items)
		slices.SortStableFunc(want, compareItems)
		if got := sortItems(items); !slices.EqualFunc(got, want, func(a, b notify.Item) bool { return a.Assignment == b.Assignment }) {
			t.Fatalf("case %d: not the stable order", n)
		}
	}
}
