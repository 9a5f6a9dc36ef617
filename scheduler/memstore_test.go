package scheduler

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestMemStoreAnswersAsBefore: the compact MemStore (records without
// pointers, a queue of buckets by moment, lean step keys by record) gives
// every answer the MemStore of maps and a heap gave (refStore), through
// thousands of random writes — new and rewritten assignments, states,
// due days, done marks, snoozes, next steps moved, dropped and put back
// in two zones, notes and evidence, steps recorded for stored and unknown
// assignments, reports — and the scans, point reads and queue reads
// between them, lean and not.
func TestMemStoreAnswersAsBefore(t *testing.T) {
	for _, lean := range []bool{false, true} {
		t.Run(fmt.Sprint("lean=", lean), func(t *testing.T) {
			got, want := NewMemStore(), newRefStore()
			if lean {
				got.Lean()
				want.Lean()
			}
			compareStores(t, rand.New(rand.NewPCG(5, 8)), got, want, 4000)
		})
	}
}

func compareStores(t *testing.T, r *rand.Rand, got, want Store, ops int) {
	t.Helper()
	ict := time.FixedZone("ICT", 7*3600)
	locs := []*time.Location{ict, time.UTC, hcm}
	moment := func() time.Time {
		return time.Date(2025, 3, 1+r.IntN(12), 7+r.IntN(3), 30*r.IntN(2), 0, 0, locs[r.IntN(len(locs))])
	}
	plans := []string{"P", "P2", "60/KH-SCT"}
	key := func() (plan, task, occ, unit, key string) {
		plan = plans[r.IntN(len(plans))]
		task = fmt.Sprintf("I.%d", 1+r.IntN(6))
		occ = task + []string{"@2025", "@2025-03", "@2025-04"}[r.IntN(3)]
		unit = []string{"vp", "qlcn", "u"}[r.IntN(3)]
		return plan, task, occ, unit, AssignmentKey(plan, occ, unit)
	}
	states := []State{StateOpen, StateOpen, StateDone, StateArchived}
	steps := []string{"reminder-7", "due", "overdue-1", "escalation-1"}
	assignment := func() Assignment {
		plan, task, occ, unit, k := key()
		a := Assignment{Key: k, Plan: plan, TaskID: task, Occurrence: occ, Unit: unit,
			DueDay: day(2025, 3, 1+r.IntN(20)), State: states[r.IntN(len(states))]}
		if r.IntN(10) == 0 { // fields that are not parts of the key
			a.Plan, a.Unit = "", "Phòng "+unit
		}
		if a.State == StateDone || r.IntN(8) == 0 {
			a.DoneAt = moment()
		}
		if a.State == StateDone && r.IntN(2) == 0 {
			a.DoneBy, a.DoneVia, a.Note = "chanh-vp", "telegram", "đã gửi báo cáo"
		}
		if r.IntN(6) == 0 {
			a.Evidence = []Evidence{{Name: "bao-cao.pdf", By: "chanh-vp", At: moment()}}
			a.Notes = []Note{{Text: "đang làm", By: "tp-qlcn", At: moment()}}
		}
		if r.IntN(5) == 0 {
			a.SnoozedUntil = moment()
		}
		if r.IntN(2) == 0 {
			a.LastStep, a.LastStepAt, a.LastStepRank = steps[r.IntN(len(steps))], moment(), r.IntN(4)
		}
		if r.IntN(4) > 0 {
			a.Next = &Pending{At: moment(), Assignment: k, Step: steps[r.IntN(len(steps))], Rank: r.IntN(3)}
		}
		return a
	}
	// reads returns what a transaction reads, the same calls on both stores.
	type reads struct {
		All, Plan, Task, Open, Done []Assignment
		Due                         []Pending
		Next                        Pending
		NextOK                      bool
		Completions                 []string
		Point                       []Assignment
		Recorded                    []bool
	}
	collect := func(out *[]Assignment) func(Assignment) error {
		return func(a Assignment) error { *out = append(*out, a); return nil }
	}
	read := func(st Store, seed uint64, stepKeys []string) (rd reads) {
		rr := rand.New(rand.NewPCG(seed, 1))
		err := st.View(func(tx Tx) error {
			if err := tx.ForEachAssignment("", collect(&rd.All)); err != nil {
				return err
			}
			if err := tx.ForEachAssignment(plans[rr.IntN(len(plans))], collect(&rd.Plan)); err != nil {
				return err
			}
			if err := tx.ForEachTaskAssignment(plans[rr.IntN(len(plans))], fmt.Sprintf("I.%d", 1+rr.IntN(6)), collect(&rd.Task)); err != nil {
				return err
			}
			if err := tx.ForEachOpen(day(2025, 3, 1+rr.IntN(25)), collect(&rd.Open)); err != nil {
				return err
			}
			if err := tx.ForEachDoneSince(time.Date(2025, 3, 1+rr.IntN(12), 8, 0, 0, 0, ict), collect(&rd.Done)); err != nil {
				return err
			}
			var err error
			if rd.Due, err = tx.Due(time.Date(2025, 3, 1+rr.IntN(14), 8, 0, 0, 0, ict), 1+rr.IntN(20)); err != nil {
				return err
			}
			if rd.Next, rd.NextOK, err = tx.NextDue(); err != nil {
				return err
			}
			if rd.Completions, err = tx.Completions(time.Date(2025, 3, 1+rr.IntN(14), 8, 0, 0, 0, ict)); err != nil {
				return err
			}
			for range 5 {
				a, ok, err := tx.Assignment(AssignmentKey(plans[rr.IntN(len(plans))], fmt.Sprintf("I.%d@2025", 1+rr.IntN(6)), "vp"))
				if err != nil {
					return err
				}
				if ok {
					rd.Point = append(rd.Point, a)
				}
			}
			for _, k := range stepKeys {
				ok, err := tx.StepRecorded(k)
				if err != nil {
					return err
				}
				rd.Recorded = append(rd.Recorded, ok)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rd
	}
	var stepKeys []string
	nonEmpty := 0
	for op := range ops {
		// One transaction of writes, the same on both stores.
		var as []Assignment
		for range 1 + r.IntN(4) {
			as = append(as, assignment())
		}
		var recs []string
		for range r.IntN(3) {
			_, _, _, _, k := key()
			if r.IntN(5) == 0 {
				k = "gone|" + k
			}
			recs = append(recs, StepKey(k, steps[r.IntN(len(steps))]))
		}
		stepKeys = append(stepKeys, recs...)
		reported := ""
		if r.IntN(5) == 0 {
			_, _, _, _, reported = key()
		}
		for _, st := range []Store{got, want} {
			err := st.Update(func(tx Tx) error {
				for _, a := range as {
					if err := tx.PutAssignment(a); err != nil {
						return err
					}
				}
				for _, k := range recs {
					if err := tx.RecordStep(StepRecord{Key: k}); err != nil {
						return err
					}
				}
				if reported != "" {
					return tx.Reported(reported)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if op%3 != 0 {
			continue
		}
		seed := r.Uint64()
		check := stepKeys
		if len(check) > 30 {
			check = check[len(check)-30:]
		}
		g, w := read(got, seed, check), read(want, seed, check)
		if !reflect.DeepEqual(g, w) {
			gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
			for i := range gv.NumField() {
				if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
					t.Fatalf("operation %d, %s:\n got %+v\nwant %+v", op, gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
				}
			}
		}
		if len(w.Due) > 1 && len(w.Open) > 1 && len(w.Done) > 0 && len(w.Completions) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < ops/30 {
		t.Fatalf("only %d of the reads found several of each: the comparison tests little", nonEmpty)
	}
}

// TestLeanStepsBeyondBits: a lean store knows the steps recorded for a
// stored assignment under more step names than its bits hold (check-ins
// add a name per report), for a key not stored, and no others.
func TestLeanStepsBeyondBits(t *testing.T) {
	st := NewMemStore()
	st.Lean()
	a := Assignment{Key: "P|I.1@2025|vp", State: StateOpen}
	err := st.Update(func(tx Tx) error {
		if err := tx.PutAssignment(a); err != nil {
			return err
		}
		for i := range 150 {
			if i%3 == 0 {
				continue
			}
			if err := tx.RecordStep(StepRecord{Key: StepKey(a.Key, fmt.Sprintf("checkin-%d", i))}); err != nil {
				return err
			}
		}
		return tx.RecordStep(StepRecord{Key: StepKey("Q|I.9@2025|vp", "due")})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(func(tx Tx) error {
		for i := range 150 {
			for _, k := range []string{a.Key, "P|I.2@2025|vp"} {
				got, err := tx.StepRecorded(StepKey(k, fmt.Sprintf("checkin-%d", i)))
				if err != nil {
					return err
				}
				if want := k == a.Key && i%3 != 0; got != want {
					t.Errorf("%s checkin-%d recorded: %v, want %v", k, i, got, want)
				}
			}
		}
		for k, want := range map[string]bool{StepKey("Q|I.9@2025|vp", "due"): true, StepKey("Q|I.9@2025|vp", "overdue-1"): false} {
			if got, err := tx.StepRecorded(k); err != nil || got != want {
				t.Errorf("%s recorded: %v, %v; want %v", k, got, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemStoreArenaChunks: strings spread over many arena chunks (the
// first ones small, a string longer than a chunk) read back as written.
func TestMemStoreArenaChunks(t *testing.T) {
	st := NewMemStore()
	var as []Assignment
	for i := range 3000 {
		plan := fmt.Sprintf("%d/KH-%0*d", i%7, 40+i%50, i)
		occ := fmt.Sprintf("I.%d@2025", i)
		a := Assignment{Key: AssignmentKey(plan, occ, "vp"), Plan: plan, TaskID: fmt.Sprintf("I.%d", i), Occurrence: occ,
			Unit: "vp", State: StateOpen, DueDay: day(2025, 3, 1+i%28)}
		if i == 1234 {
			a.LastStep = string(make([]byte, 2*arenaChunk)) // longer than a chunk
		}
		as = append(as, a)
	}
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
	if n := len(st.arena.chunks); n < 3 {
		t.Fatalf("%d arena chunks: the test crosses no chunk", n)
	}
	err = st.View(func(tx Tx) error {
		for _, want := range as {
			got, ok, err := tx.Assignment(want.Key)
			if err != nil || !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v, %v, %v", want.Key, got, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemStoreReserve: after Reserve(n), n assignments go in without the
// records growing (one allocation, not one per quarter of growth), and
// read back as written.
func TestMemStoreReserve(t *testing.T) {
	s := NewMemStore()
	s.Reserve(1000)
	recs, ids := cap(s.recs), cap(s.keys.ids)
	if recs < 1000 || ids < 1000 {
		t.Fatalf("room for %d records and %d keys, want 1000", recs, ids)
	}
	err := s.Update(func(tx Tx) error {
		for i := range 1000 {
			occ := fmt.Sprintf("I.%d@2025", i)
			if err := tx.PutAssignment(Assignment{Key: AssignmentKey("P", occ, "u"), Plan: "P", TaskID: fmt.Sprintf("I.%d", i), Occurrence: occ, Unit: "u", State: StateOpen}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cap(s.recs) != recs || cap(s.keys.ids) != ids {
		t.Errorf("the records grew from %d to %d, the keys from %d to %d", recs, cap(s.recs), ids, cap(s.keys.ids))
	}
	s.View(func(tx Tx) error {
		a, ok, _ := tx.Assignment(AssignmentKey("P", "I.999@2025", "u"))
		if !ok || a.TaskID != "I.999" || a.State != StateOpen {
			t.Errorf("read back %+v, %v", a, ok)
		}
		return nil
	})
}
