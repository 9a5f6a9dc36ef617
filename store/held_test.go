package store

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// failDrop makes the first transaction that drops the held boxes fail
// (a crash in a round's last batch: bbolt rolls the transaction back).
type failDrop struct {
	scheduler.Store
	failed *bool
}

func (f failDrop) Update(fn func(scheduler.Tx) error) error {
	return f.Store.Update(func(tx scheduler.Tx) error { return fn(failDropTx{tx, f.failed}) })
}

type failDropTx struct {
	scheduler.Tx
	failed *bool
}

var errCrash = errors.New("crash")

func (t failDropTx) DropHeld() error {
	if !*t.failed {
		*t.failed = true
		return errCrash
	}
	return t.Tx.DropHeld()
}

// TestRoundInBatchesAcrossCrash: a round of more due steps than a batch,
// written to bbolt, makes one digest per recipient and channel — the
// messages, IDs and items of the same round in one batch — and so does it
// when its last batch fails (its transaction rolled back, the batches
// before committed with their steps held) and a new process fires again,
// making their lines again from the steps held: nothing is sent twice or
// lost, the step records carry their messages, and no step stays held.
func TestRoundInBatchesAcrossCrash(t *testing.T) {
	cfg := benchConfig(t)
	tasks := benchPlan(300)
	now := benchStart.AddDate(0, 2, 2).Add(2 * time.Hour) // Monday 5 May, 09:00, a catch-up: every unit has hundreds of steps due
	dir := t.TempDir()
	run := func(name string, batch int, crash bool) ([]string, map[string]scheduler.StepRecord, *DB) {
		t.Helper()
		db, err := Open(filepath.Join(dir, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		failed := !crash
		e := scheduler.New(cfg, failDrop{db.Scheduler(), &failed}, nil)
		e.SetFireBatch(batch)
		if _, err := e.Sync(tasks, benchStart); err != nil {
			t.Fatal(err)
		}
		if crash {
			if _, err := e.Fire(now); !errors.Is(err, errCrash) {
				t.Fatalf("the round's last batch: %v, want the crash", err)
			}
			var held []scheduler.StepRecord
			if err := db.Scheduler().View(func(tx scheduler.Tx) error {
				held, err = tx.HeldSteps()
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(held) == 0 {
				t.Fatal("no step held after the batches before the crash")
			}
			e = scheduler.New(cfg, db.Scheduler(), nil) // the next process
			e.SetFireBatch(batch)
			if _, err := e.Sync(tasks, now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Fire(now); err != nil {
			t.Fatal(err)
		}
		if again, err := e.Fire(now); err != nil || len(again) != 0 {
			t.Fatalf("fired again at the same moment: %d messages, %v", len(again), err)
		}
		recs, err := db.Outbox(OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, r := range recs {
			raw, err := json.Marshal(r.Message)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, string(raw))
		}
		slices.Sort(msgs)
		steps, err := db.StepRecords()
		if err != nil {
			t.Fatal(err)
		}
		return msgs, steps, db
	}
	one, oneSteps, _ := run("one.db", 50000, false)
	if len(one) < 5 {
		t.Fatalf("only %d messages", len(one))
	}
	for _, c := range []struct {
		name  string
		batch int
		crash bool
	}{{"batches.db", 97, false}, {"crash.db", 97, true}} {
		many, manySteps, db := run(c.name, c.batch, c.crash)
		if !slices.Equal(one, many) {
			t.Errorf("%s: %d messages in the outbox, want the %d of one batch, the same", c.name, len(many), len(one))
			for i := range min(len(one), len(many)) {
				if one[i] != many[i] {
					a, b := one[i], many[i]
					j := 0
					for j < min(len(a), len(b)) && a[j] == b[j] {
						j++
					}
					t.Logf("first difference at byte %d:\n%s\n%s", j, a[max(0, j-200):min(len(a), j+200)], b[max(0, j-200):min(len(b), j+200)])
					break
				}
			}
		}
		if len(manySteps) != len(oneSteps) {
			t.Errorf("%s: %d step records, want %d", c.name, len(manySteps), len(oneSteps))
		}
		for k, a := range oneSteps {
			b := manySteps[k]
			if !a.At.Equal(b.At) || !a.Produced.Equal(b.Produced) || a.Skipped != b.Skipped || !slices.Equal(a.Messages, b.Messages) {
				t.Errorf("%s: step %s recorded as %+v, want %+v", c.name, k, b, a)
				break
			}
		}
		var held []scheduler.StepRecord
		if err := db.Scheduler().View(func(tx scheduler.Tx) error {
			var err error
			held, err = tx.HeldSteps()
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(held) != 0 {
			t.Errorf("%s: %d steps still held", c.name, len(held))
		}
	}
}
