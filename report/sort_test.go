package report

import (
	"math/rand/v2"
	"testing"
)

// TestSortRowsAsCompareRows: sortRows orders as compareRows, stably.
func TestSortRowsAsCompareRows(t *testing.T) {
	tasks, as := benchState()
	rows := Build(asOf, ict, tasks, as[:3000], testDirectory(t)).Rows
	n := newNamer(testDirectory(t))
	shuffled := append([]Row(nil), rows...)
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got := sortRows(shuffled, n)
	for i := 1; i < len(got); i++ {
		if compareRows(got[i-1], got[i], n) > 0 {
			t.Fatalf("rows %d and %d out of order: %s %s", i-1, i, got[i-1].Occurrence, got[i].Occurrence)
		}
	}
	for i := range rows {
		if rows[i].Occurrence != got[i].Occurrence || rows[i].Unit != got[i].Unit {
			t.Fatalf("row %d differs from Build's order", i)
		}
	}
}
