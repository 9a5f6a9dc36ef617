package scheduler

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/plan"
)

// messageIDByFmt is messageID as it was written first (fmt into the hash):
// the IDs stored in databases and outboxes are these.
func messageIDByFmt(to, channel string, at time.Time, steps []string, items []notify.Item) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", to, channel, at.Unix())
	for _, s := range steps {
		fmt.Fprintln(h, s)
	}
	for _, it := range items {
		fmt.Fprintln(h, it.Assignment, it.Kind, it.Copy)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// TestMessageIDBytes: messageID hashes the bytes it always hashed, so a
// message already stored keeps its ID (a restart would send it again
// otherwise), for any steps and items, Vietnamese and empty strings and
// moments before 1970 included.
func TestMessageIDBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	words := []string{"", "vp", "unit:vp", "60/KH-SCT|I.4.1@2024-09|vp", "Phòng KH-TC", "a b", "x\ny", "#due"}
	kinds := []notify.Kind{notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation, notify.KindDone, ""}
	pick := func() string { return words[r.IntN(len(words))] + words[r.IntN(len(words))] }
	for range 300 {
		var steps []string
		for range r.IntN(5) {
			steps = append(steps, pick())
		}
		var items []notify.Item
		for range r.IntN(6) {
			items = append(items, notify.Item{Assignment: pick(), Kind: kinds[r.IntN(len(kinds))], Copy: r.IntN(2) == 0})
		}
		at := time.Unix(r.Int64N(4e9)-1e9, r.Int64N(1e9))
		to, ch := pick(), pick()
		if got, want := messageID(to, ch, at, steps, items), messageIDByFmt(to, ch, at, steps, items); got != want {
			t.Fatalf("messageID(%q, %q, %v, %q, %+v) = %s, want %s", to, ch, at, steps, items, got, want)
		}
	}
}

// TestRhythmShownSortedAndComplete: after every digest the rhythm stored
// for its recipient lists, sorted and once each, the key of every item it
// carried (and no more than the digest looked at): copies, repeats,
// reminders, escalations and completions, over months of rounds with
// catch-ups. shownYesterday searches the list; a restart reads it back.
func TestRhythmShownSortedAndComplete(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	coord := oneTask("I.2", "Trong năm 2024", "qlcn")
	coord.CoordIDs = []string{"vp", "qltm"}
	tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Hằng tháng", "cac-phong"),
		oneTask("I.4.1", "Hằng tháng", "qlcn"), coord,
		{Plan: plan60, Task: plan.Task{ID: "I.6", Section: "I", Text: "Báo cáo", Timeline: plan.ParseTimeline("Hằng quý"), LeadIDs: []string{"qltm"}, CoordIDs: []string{"qlcn", "vp"}}}}
	if _, err := e.Sync(tasks, at(2024, 10, 1, 9, 0)); err != nil {
		t.Fatal(err)
	}
	now, digests, summaries := at(2024, 10, 1, 9, 0), 0, 0
	for range 400 {
		next, ok, err := e.NextWake(now)
		if err != nil || !ok || next.After(at(2025, 2, 28, 17, 0)) {
			break
		}
		now = next
		if now.Day() >= 12 && now.Day() <= 16 { // completions: the office's news, the leadership's summaries
			late := AssignmentKey(plan60.Code, "I.5@"+now.AddDate(0, -1, 0).Format("2006-01"), []string{"vp", "qlcn", "qltm"}[now.Day()%3])
			if _, err := e.Complete(late, "tp-qlcn", "cli", "", now); err != nil && !errors.Is(err, ErrNotFound) {
				t.Fatal(err)
			}
		}
		msgs, err := e.Fire(now)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			var r Rhythm
			store.View(func(tx Tx) error { r, err = tx.Rhythm(m.To.ID); return err })
			if !slices.IsSorted(r.Shown) || len(slices.Compact(slices.Clone(r.Shown))) != len(r.Shown) {
				t.Fatalf("%s %s: shown not sorted once each: %v", now, m.To.ID, r.Shown)
			}
			for _, it := range m.Items {
				summaries += boolInt(it.Kind == notify.KindDone && slices.Contains(r.Shown, "done|"+it.Assignment))
				_, ok := slices.BinarySearch(r.Shown, itemKey(it))
				if it.Kind == notify.KindDone && !ok { // a summary's completion
					_, ok = slices.BinarySearch(r.Shown, "done|"+it.Assignment)
				}
				if !ok {
					t.Fatalf("%s %s: item %s %s not among those shown %v", now, m.To.ID, it.Kind, itemKey(it), r.Shown)
				}
			}
			digests++
		}
	}
	if digests < 50 || summaries == 0 {
		t.Fatalf("only %d digests, %d completions in summaries: the test sees too little", digests, summaries)
	}
}

// TestInParallelCallsEachOnce: inParallel calls fn once for each index,
// whatever the number of indices and of processors, and returns after
// the last call.
func TestInParallelCallsEachOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 3, 100, 1000} {
			calls := make([]atomic.Int32, n)
			inParallel(n, func(i int) { calls[i].Add(1) })
			for i := range calls {
				if c := calls[i].Load(); c != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d called %d times", procs, n, i, c)
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// TestParallelDigestsAsOneByOne: a round's digests made on several cores
// are the ones made one after the other — every message, item and order —
// at both levels of detail a preview uses, through months of reminders,
// copies, escalations, completions and a catch-up.
func TestParallelDigestsAsOneByOne(t *testing.T) {
	run := func(d Detail, parallel int) []string {
		e := testEngine(t, NewMemStore())
		cfg := *e.state.Load().Config
		cfg.Detail, cfg.parallel = d, parallel
		e.SetConfig(cfg)
		coord := oneTask("I.2", "Trong năm 2024", "qlcn")
		coord.CoordIDs = []string{"vp", "qltm"}
		tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Hằng tháng", "cac-phong"),
			oneTask("I.4.1", "Hằng tháng", "qlcn"), coord}
		if _, err := e.Sync(tasks, at(2024, 10, 1, 9, 0)); err != nil {
			t.Fatal(err)
		}
		msgs := runFrom(t, e, at(2024, 10, 1, 9, 0), at(2024, 12, 20, 17, 0))
		if _, err := e.Complete(AssignmentKey(plan60.Code, "I.1@2024", "vp"), "chanh-vp", "cli", "", at(2024, 12, 20, 18, 0)); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, runFrom(t, e, at(2025, 1, 6, 10, 0), at(2025, 2, 28, 17, 0))...)
		var out []string
		for _, m := range msgs {
			out = append(out, fmt.Sprintf("%s %s %s %s %s %+v", m.At, m.To.ID, m.Channel, m.Kind, m.Title, m.Items))
		}
		return out
	}
	for _, d := range []Detail{DetailTitles, DetailItems} {
		one, many := run(d, 1<<30), run(d, 1)
		if len(one) < 50 {
			t.Fatalf("detail %d: only %d messages", d, len(one))
		}
		if !slices.Equal(one, many) {
			t.Fatalf("detail %d: digests made in parallel differ from those made one by one", d)
		}
	}
}

// TestDigestListsEachItemOnce: a digest lists an item once, however many
// ways lead to its reader: copies of one occurrence from each of its lead
// units, a coordinating unit named itself and through a group, over
// months of repeats (the candidates are deduplicated as they come, by
// key, not through a set); and no copy of what the reader leads (a lead
// unit of the occurrence that also coordinates it through the group).
func TestDigestListsEachItemOnce(t *testing.T) {
	e := testEngine(t, NewMemStore())
	twice := oneTask("I.8", "Hằng tháng", "phong-cm")
	twice.CoordIDs = []string{"vp", "cac-phong"}
	if _, err := e.Sync([]Task{twice, oneTask("I.1", "Trong năm 2024", "qlcn")}, at(2024, 10, 1, 9, 0)); err != nil {
		t.Fatal(err)
	}
	copies, repeats := 0, 0
	for _, m := range runFrom(t, e, at(2024, 10, 1, 9, 0), at(2025, 1, 31, 17, 0)) {
		seen, leads := map[string]bool{}, map[string]bool{}
		for _, it := range m.Items {
			leads[it.Occurrence] = leads[it.Occurrence] || !it.Copy && it.Kind != notify.KindEscalation
		}
		for _, it := range m.Items {
			k := itemKey(it)
			if seen[k] {
				t.Fatalf("%s %s %s: item %s twice", m.At, m.To.ID, m.Channel, k)
			}
			seen[k] = true
			if it.Copy && leads[it.Occurrence] {
				t.Fatalf("%s %s %s: a copy of %s, which the reader leads", m.At, m.To.ID, m.Channel, it.Occurrence)
			}
			copies += boolInt(it.Copy && m.To.ID == "chanh-vp")
			repeats += boolInt(it.Kind == notify.KindOverdue && !it.Copy)
		}
	}
	if copies < 10 || repeats < 10 {
		t.Fatalf("%d copies to the office, %d repeats: the test sees too little", copies, repeats)
	}
}
