package scheduler

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
)

// TestRepeatCacheMatchesRebuild: the repeats a round keeps from the last
// one and updates (repeatCache) are the ones read afresh from every open
// assignment (state.repeats) — the same repeatables in the same order,
// kinds, recipients, and completions — through random changes between
// rounds: assignments created, marked done, reopened, archived, snoozed
// and unsnoozed, moved to another due day, their last step moved on, some
// of a task the plan no longer has or whose policy repeats nothing; rounds
// on consecutive days, after gaps, twice a day, and a reload (a new
// planning state) and a clock set back on the way. It also checks that
// most rounds were updates, not rebuilds.
func TestRepeatCacheMatchesRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	store := NewMemStore()
	e := testEngine(t, store)
	cfg := *e.state.Load().Config
	cfg.TaskPolicies = map[string]Policy{"I.4": {At: DefaultPolicy.At, Before: []int{5}, OnDueDay: true}} // repeats nothing
	e.SetConfig(cfg)
	var tasks []Task
	for i := range 8 {
		tk := oneTask(fmt.Sprintf("I.%d", i), "Hằng tháng", []string{"vp", "qlcn", "qltm", "cac-phong"}[i%4])
		if i%3 == 0 {
			tk.CoordIDs = []string{"qltm"}
		}
		tasks = append(tasks, tk)
	}
	start := at(2024, 9, 2, 7, 0)
	if _, err := e.Sync(tasks, start); err != nil {
		t.Fatal(err)
	}
	units := []string{"vp", "qlcn", "qltm"}
	steps := []string{"", "reminder-30", "reminder-7", "reminder-3", "reminder-1", "due", "overdue-1", "escalation-1", "reminder-5"}
	var keys []string
	store.Update(func(tx Tx) error {
		return tx.ForEachAssignment("", func(a Assignment) error { keys = append(keys, a.Key); return nil })
	})
	change := func(now time.Time) {
		store.Update(func(tx Tx) error {
			for range r.IntN(40) {
				var a Assignment
				if r.IntN(5) == 0 { // a new one, maybe of a task gone
					task := fmt.Sprintf("I.%d", r.IntN(10))
					occ := fmt.Sprintf("%s@r%d", task, r.IntN(1000))
					unit := units[r.IntN(len(units))]
					a = Assignment{Key: AssignmentKey(plan60.Code, occ, unit), Plan: plan60.Code, TaskID: task, Occurrence: occ, Unit: unit, State: StateOpen}
					keys = append(keys, a.Key)
				} else {
					var ok bool
					a, ok, _ = tx.Assignment(keys[r.IntN(len(keys))])
					if !ok {
						t.Fatal("an assignment written is gone")
					}
				}
				switch r.IntN(6) {
				case 0:
					a.State, a.DoneAt, a.DoneBy = StateDone, now.Add(-time.Duration(r.IntN(200))*time.Hour), "chanh-vp"
				case 1:
					a.State, a.DoneAt = StateOpen, time.Time{}
				case 2:
					a.State = StateArchived
				case 3:
					a.SnoozedUntil = now.Add(time.Duration(r.IntN(120)-30) * time.Hour)
				}
				if r.IntN(2) == 0 {
					a.DueDay = calendar.DateOf(now.AddDate(0, 0, r.IntN(90)-40))
				}
				if r.IntN(2) == 0 {
					a.LastStep = steps[r.IntN(len(steps))]
				}
				a.Next = nil
				if err := tx.PutAssignment(a); err != nil {
					t.Fatal(err)
				}
			}
			return nil
		})
	}
	now := start
	rounds, rebuilds := 0, 0
	for round := range 60 {
		switch x := r.IntN(20); {
		case x == 0: // set back
			now = now.Add(-time.Duration(1+r.IntN(72)) * time.Hour)
		case x < 3: // later the same day
			now = now.Add(time.Duration(r.IntN(4)) * time.Hour)
		default:
			now = now.AddDate(0, 0, 1+r.IntN(3)*r.IntN(3))
		}
		if round == 30 { // a reload: a new planning state
			tasks = append(tasks[:len(tasks):len(tasks)], Task{Plan: plan60, Task: plan.Task{ID: "I.9", Section: "I",
				Timeline: plan.ParseTimeline("Hằng quý"), LeadIDs: []string{"phong-cm"}}})
			if _, err := e.Sync(tasks, now); err != nil {
				t.Fatal(err)
			}
			store.Update(func(tx Tx) error {
				keys = keys[:0]
				return tx.ForEachAssignment("", func(a Assignment) error { keys = append(keys, a.Key); return nil })
			})
		}
		change(now)
		s := e.state.Load()
		before := e.rounds.rebuilds
		err := store.Update(func(tx Tx) error {
			got, gotDone, err := e.rounds.repeats(s, tx, now)
			if err != nil {
				return err
			}
			want, wantDone, err := s.repeats(tx, now)
			if err != nil {
				return err
			}
			if len(want.as) == 0 {
				t.Logf("round %d: nothing to repeat", round)
			}
			if g, w := describeRepeats(got), describeRepeats(want); !slices.Equal(g, w) {
				t.Fatalf("round %d at %s: kept repeats\n%v\nread afresh\n%v", round, now, g, w)
			}
			if !slices.Equal(got.ids, want.ids) {
				t.Fatalf("round %d: recipients %v, want %v", round, got.ids, want.ids)
			}
			if !reflect.DeepEqual(gotDone, wantDone) {
				t.Fatalf("round %d: completions %v, want %v", round, gotDone, wantDone)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rounds++
		rebuilds += e.rounds.rebuilds - before
	}
	if rebuilds > 4 {
		t.Errorf("%d of %d rounds read every open assignment again", rebuilds, rounds)
	}
}

// describeRepeats lists a repeat set's repeatables as text, in order.
func describeRepeats(rep *repeatSet) []string {
	var out []string
	for _, a := range rep.as {
		var to []string
		for _, t := range a.targets {
			to = append(to, fmt.Sprintf("%s/%v", t.to.ID, t.copy))
		}
		out = append(out, fmt.Sprintf("%s %s|%s|%s|%s %s %s %v", a.key, a.plan, a.taskID, a.occurrence, a.unit, a.due, a.kind, to))
	}
	return out
}

// TestMemStoreChangedSince: the MemStore's change feed starts at the first
// question, answers each assignment written since the mark it handed out
// once, as it is now, and refuses a mark it did not hand out last (the
// asker reads afresh).
func TestMemStoreChangedSince(t *testing.T) {
	s := NewMemStore()
	put := func(keys ...string) {
		s.Update(func(tx Tx) error {
			for i, k := range keys {
				if err := tx.PutAssignment(Assignment{Key: k, Plan: "P", State: StateOpen, LastStep: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			return nil
		})
	}
	ask := func(mark uint64) (got []string, next uint64, ok bool) {
		s.View(func(tx Tx) error {
			next, ok, _ = tx.(changeFeed).ChangedSince(mark, func(_ int32, a Assignment) error {
				got = append(got, a.Key+" "+a.LastStep)
				return nil
			})
			return nil
		})
		return got, next, ok
	}
	put("P|a@1|u", "P|b@1|u")
	if _, _, ok := ask(0); ok {
		t.Fatal("the first question was answered: nothing was kept before it")
	}
	_, m, _ := ask(0)
	put("P|b@1|u", "P|c@1|u", "P|b@1|u")
	got, m2, ok := ask(m)
	if want := []string{"P|b@1|u 2", "P|c@1|u 1"}; !ok || !slices.Equal(got, want) {
		t.Fatalf("got %v %v, want %v", got, ok, want)
	}
	if got, _, ok := ask(m2); !ok || len(got) != 0 {
		t.Fatalf("got %v %v, want nothing written since", got, ok)
	}
	put("P|a@1|u")
	if _, _, ok := ask(m); ok {
		t.Fatal("an old mark was answered: what came between is lost")
	}
}
