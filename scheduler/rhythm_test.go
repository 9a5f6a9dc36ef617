package scheduler

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
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
				Occurrence: []string{"I.1@2025", "I.1@2025-03", "I.10@2025", "III.2.2.1@2025", "III.2.2.10@2025", "I.1", ""}[r.IntN(7)], Unit: []string{"a", "b"}[r.IntN(2)],
				Due:        time.Date(2025, 3, 1+r.IntN(3), 17, 0, 0, r.IntN(2), time.UTC).In([]*time.Location{time.UTC, hcm}[r.IntN(2)]), // one instant, two zones
				Assignment: fmt.Sprint(i)})
		}
		want := slices.Clone(items)
		slices.SortStableFunc(want, compareItems)
		if got := sortItems(items); !slices.EqualFunc(got, want, func(a, b notify.Item) bool { return a.Assignment == b.Assignment }) {
			t.Fatalf("case %d: not the stable order", n)
		}
	}
}

// TestCandidatesAsEachTarget: candidates, which looks at each shared
// recipient list once, gives every needed recipient the candidates that
// going through each repeatable's every target gives, in key order —
// lists shared by many repeatables, lists that begin alike but differ in
// length, empty lists, recipients needed or not.
func TestCandidatesAsEachTarget(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 200 {
		var base []target
		for i := range 6 {
			base = append(base, target{to: notify.Recipient{ID: fmt.Sprintf("p%d", r.IntN(5))}, copy: i%2 == 1})
		}
		lists := [][]target{nil, base[:1], base[:3], base, base[2:4], slices.Clone(base[:3])}
		var rep repeatSet
		for i := range n % 50 {
			rep.as = append(rep.as, &repeatable{key: fmt.Sprintf("k%03d", i), kind: notify.KindOverdue, targets: lists[r.IntN(len(lists))]})
		}
		need := map[string]bool{}
		for i := range 5 {
			need[fmt.Sprintf("p%d", i)] = r.IntN(3) > 0
		}
		want := map[string][]candidate{}
		for _, a := range rep.as {
			for j := range a.targets {
				if t := &a.targets[j]; need[t.to.ID] {
					want[t.to.ID] = append(want[t.to.ID], newCandidate(t, a))
				}
			}
		}
		if got := rep.candidates(need); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: got %v, want %v", n, got, want)
		}
	}
}

// TestCandidateItemAsItem: a repeat's item, made from what its repeatable
// keeps, is the item made from its assignment (state.item) at every level
// of detail, for lead units and copies, overdue and coming due.
func TestCandidateItemAsItem(t *testing.T) {
	for _, d := range []Detail{DetailFull, DetailTitles, DetailItems} {
		e := detailEngine(t, NewMemStore(), d)
		coord := oneTask("I.2", "Trong năm 2024", "qlcn")
		coord.CoordIDs = []string{"vp", "qltm"}
		tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.4.1", "Hằng tháng", "cac-phong"), coord}
		if _, err := e.Sync(tasks, at(2024, 11, 1, 9, 0)); err != nil {
			t.Fatal(err)
		}
		s := e.state.Load()
		now := at(2024, 12, 2, 8, 0)
		n := 0
		e.store.View(func(tx Tx) error {
			return tx.ForEachAssignment("", func(a Assignment) error {
				for _, kind := range []notify.Kind{notify.KindOverdue, notify.KindReminder} {
					r := s.newRepeatable(a, kind)
					for j := range r.targets {
						c := newCandidate(&r.targets[j], &r)
						want := s.item(now, fired{a: r.assignment(), step: Step{Kind: kind}})
						want.Copy = c.to.copy
						if got := s.candidateItem(now, c); !reflect.DeepEqual(got, want) {
							t.Fatalf("detail %d, %s: got %+v, want %+v", d, a.Key, got, want)
						}
						n++
					}
				}
				return nil
			})
		})
		if n < 20 {
			t.Fatalf("detail %d: only %d items compared", d, n)
		}
	}
}

// TestStepsUntilAsNextAfterNext: Until, which cuts the sorted steps,
// gives what calling Next from each step it gave does — of steps with the
// same moment and rank only the first — for any (at, rank, until), and
// what it shares of the sequence leaves no room to append into it.
func TestStepsUntilAsNextAfterNext(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	base := time.Date(2025, 3, 3, 8, 0, 0, 0, hcm)
	moment := func() time.Time { return base.Add(time.Duration(r.IntN(8)) * 24 * time.Hour) }
	for n := range 2000 {
		var s Steps
		for i := range n % 9 {
			s.fixed = append(s.fixed, Step{Name: fmt.Sprint("s", i), At: moment(), rank: r.IntN(3)})
		}
		slices.SortStableFunc(s.fixed, func(a, b Step) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return a.rank - b.rank
		})
		at, rank, until := moment().Add(-time.Duration(r.IntN(2))*time.Hour), r.IntN(3), moment()
		if r.IntN(5) == 0 {
			at = time.Time{}
		}
		var want []Step
		for a, k := at, rank; ; {
			st := s.Next(a, k)
			if st.At.IsZero() || st.At.After(until) {
				break
			}
			want = append(want, st)
			a, k = st.At, st.rank
		}
		fixed := slices.Clone(s.fixed)
		got := s.Until(at, rank, until)
		if !slices.EqualFunc(got, want, func(a, b Step) bool { return a.Name == b.Name }) {
			t.Fatalf("case %d: got %v, want %v", n, got, want)
		}
		_ = append(got, Step{Name: "appended"})
		if !slices.EqualFunc(s.fixed, fixed, func(a, b Step) bool { return a.Name == b.Name }) {
			t.Fatalf("case %d: an append to what Until gave wrote into the shared sequence", n)
		}
	}
}

// TestShownYesterdayGallops: the look-up of yesterday's shown keys, which
// goes on from where the last one ended, answers as a search of the whole
// list, for keys asked in runs in order, out of order, again, and absent.
func TestShownYesterdayGallops(t *testing.T) {
	st := testEngine(t, NewMemStore()).state.Load()
	d := calendar.Date{Year: 2024, Month: 11, Day: 19}
	prev := calendar.Date{Year: 2024, Month: 11, Day: 18}
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 60 {
		var shown []string
		for range n {
			shown = append(shown, fmt.Sprintf("k%04d", rng.IntN(300)))
		}
		slices.Sort(shown)
		shown = slices.Compact(shown)
		f := sortedLookup(st.shownYesterday(Rhythm{LastDigest: prev, Shown: shown}, d))
		for range 500 {
			k := fmt.Sprintf("k%04d", rng.IntN(310))
			if rng.IntN(3) > 0 && len(shown) > 0 { // mostly ascending runs
				k = shown[rng.IntN(len(shown))]
			}
			if got, want := f(k), slices.Contains(shown, k); got != want {
				t.Fatalf("%q in %v: %v, want %v", k, shown, got, want)
			}
		}
	}
}
