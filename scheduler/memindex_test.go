package scheduler

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMemStoreIndicesFollowChanges: the MemStore's scans keep their order
// and membership through writes between scans (keys added out of order, a
// due day moved, a done mark and its undo), and a plan's scan does not
// take a plan whose code starts with it.
func TestMemStoreIndicesFollowChanges(t *testing.T) {
	st := NewMemStore()
	put := func(as ...Assignment) {
		t.Helper()
		err := st.Update(func(tx Tx) error {
			for _, a := range as {
				if err := tx.PutAssignment(a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	scan := func() (all, p, open, done []string) {
		t.Helper()
		err := st.View(func(tx Tx) error {
			keys := func(out *[]string) func(Assignment) error {
				return func(a Assignment) error { *out = append(*out, a.Key); return nil }
			}
			if err := tx.ForEachAssignment("", keys(&all)); err != nil {
				return err
			}
			if err := tx.ForEachAssignment("P", keys(&p)); err != nil {
				return err
			}
			if err := tx.ForEachOpen(day(2024, 3, 10), keys(&open)); err != nil {
				return err
			}
			return tx.ForEachDoneSince(at(2024, 3, 2, 0, 0), keys(&done))
		})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	check := func(step string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", step, got, want)
		}
	}
	open := func(key string, d int) Assignment {
		return Assignment{Key: key, DueDay: day(2024, 3, d), State: StateOpen}
	}
	put(open("P|c|u", 5), open("P2|a|u", 1), open("P|a|u", 5))
	all, p, o, d := scan()
	check("first", all, []string{"P2|a|u", "P|a|u", "P|c|u"})
	check("first plan P", p, []string{"P|a|u", "P|c|u"})
	check("first open", o, []string{"P2|a|u", "P|a|u", "P|c|u"})
	check("first done", d, nil)

	// A key added after a scan, before the others; a due day moved past
	// the day; another moved earlier.
	put(open("P|b|u", 7), open("P|a|u", 11), open("P|c|u", 2))
	all, p, o, _ = scan()
	check("second", all, []string{"P2|a|u", "P|a|u", "P|b|u", "P|c|u"})
	check("second plan P", p, []string{"P|a|u", "P|b|u", "P|c|u"})
	check("second open", o, []string{"P2|a|u", "P|c|u", "P|b|u"})

	// Done marks: by done time, since the moment; an undo takes it back.
	doneAt := func(a Assignment, t time.Time) Assignment {
		a.State, a.DoneAt = StateDone, t
		return a
	}
	put(doneAt(open("P|b|u", 7), at(2024, 3, 4, 9, 0)), doneAt(open("P|c|u", 2), at(2024, 3, 3, 9, 0)),
		doneAt(open("P2|a|u", 1), at(2024, 3, 1, 9, 0)))
	_, _, o, d = scan()
	check("third open", o, nil)
	check("third done", d, []string{"P|c|u", "P|b|u"})
	put(open("P|c|u", 2))
	_, _, o, d = scan()
	check("undo open", o, []string{"P|c|u"})
	check("undo done", d, []string{"P|b|u"})
}

// TestMemStoreTaskAssignments: a task's assignments, in key order, not
// those of a task whose id starts with it, also for keys added after a scan.
func TestMemStoreTaskAssignments(t *testing.T) {
	st := NewMemStore()
	put := func(keys ...string) {
		t.Helper()
		err := st.Update(func(tx Tx) error {
			for _, k := range keys {
				if err := tx.PutAssignment(Assignment{Key: k, State: StateOpen}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	task := func(plan, id string) (got []string) {
		t.Helper()
		err := st.View(func(tx Tx) error {
			return tx.ForEachTaskAssignment(plan, id, func(a Assignment) error { got = append(got, a.Key); return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	put("P|I.1@2024-02|u", "P|I.10@2024|u", "P|I.1@2024-01|v", "Q|I.1@2024|u")
	if got, want := task("P", "I.1"), []string{"P|I.1@2024-01|v", "P|I.1@2024-02|u"}; !slices.Equal(got, want) {
		t.Errorf("P I.1: %q, want %q", got, want)
	}
	put("P|I.1@2024-01|a")
	if got, want := task("P", "I.1"), []string{"P|I.1@2024-01|a", "P|I.1@2024-01|v", "P|I.1@2024-02|u"}; !slices.Equal(got, want) {
		t.Errorf("P I.1 after a write: %q, want %q", got, want)
	}
}

// TestLeanMemStoreFiresTheSame: a lean MemStore (no outbox, step records
// kept as keys) gives the engine the same messages as a full one through a
// catch-up that skips steps and the weeks after, and a step it recorded is
// not produced again.
func TestLeanMemStoreFiresTheSame(t *testing.T) {
	run := func(st *MemStore) []string {
		e := testEngine(t, st)
		tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Trong năm 2024", "cac-phong"),
			oneTask("I.4.1", "Hằng tháng", "qlcn")}
		if _, err := e.Sync(tasks, at(2024, 12, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		msgs, err := e.Fire(at(2024, 12, 27, 10, 0)) // after a downtime: skips reminders
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := e.Fire(at(2024, 12, 27, 10, 0)); len(again) != 0 {
			t.Errorf("second fire at the same moment: %v", events(again))
		}
		msgs = append(msgs, runFrom(t, e, at(2024, 12, 27, 10, 1), at(2025, 2, 28, 17, 0))...)
		// A deadline moved later after its reminder-30 went: that step
		// comes round again and must not be produced twice.
		task := oneTask("III.2.1", "Trong năm 2025", "vp")
		if _, err := e.Sync(append(tasks, task), at(2025, 3, 3, 9, 0)); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, runFrom(t, e, at(2025, 3, 3, 9, 0), at(2025, 11, 26, 12, 0))...)
		cfg := *e.state.Load().Config
		cfg.Schedules.Tasks = map[string]Rule{"III.2.1": {Due: "2026-01-30"}}
		if _, err := e.Apply(cfg, append(tasks, task), at(2025, 11, 27, 9, 0)); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, runFrom(t, e, at(2025, 11, 27, 9, 0), at(2026, 1, 10, 12, 0))...)
		return events(msgs)
	}
	full, lean := NewMemStore(), NewMemStore()
	lean.Lean()
	want, got := run(full), run(lean)
	if len(want) < 5 {
		t.Fatalf("only %d messages: the scenario tests nothing", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("lean store:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(lean.Outbox()); n != 0 {
		t.Errorf("lean store kept %d messages", n)
	}
	// What it keeps of a step record: that it exists.
	err := lean.Update(func(tx Tx) error {
		if err := tx.RecordStep(StepRecord{Key: "P|x@1|u#reminder-30", Skipped: true}); err != nil {
			return err
		}
		for key, want := range map[string]bool{"P|x@1|u#reminder-30": true, "P|x@1|u#reminder-7": false} {
			if got, err := tx.StepRecorded(key); err != nil || got != want {
				t.Errorf("StepRecorded(%s) = %v, %v; want %v", key, got, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
