package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// TestMemCopyInBatches: the copy of a database's state read in batches
// (one assignment, seven, and all at once) holds the same assignments,
// next steps, unreported completions and counts; what a batch size
// leaves over at the end is copied too.
func TestMemCopyInBatches(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.run(t, ctx, "run", "--now", "2024-11-18T20:00") // plans the assignments, sends nothing
	e.setup = func(m *Main) { m.now = func() time.Time { return time.Date(2024, 11, 19, 3, 0, 0, 0, time.UTC) } }
	if out, stderr, code := e.run(t, context.Background(), "done", "VII.2.1@2024-06", "--unit", "khtc", "--note", "Đã số hóa"); code != 0 {
		t.Fatalf("done: %s %s", out, stderr)
	}
	cfg, db := envStore(t, e)
	now := time.Date(2024, 11, 19, 8, 0, 0, 0, cfg.Location)
	state := func(batch int) (string, int) {
		mem, c, err := memCopy(db, cfg.Directory, now, batch)
		if err != nil {
			t.Fatalf("batches of %d: %v", batch, err)
		}
		var out string
		n := 0
		err = mem.View(func(tx scheduler.Tx) error {
			err := tx.ForEachAssignment("", func(a scheduler.Assignment) error {
				n++
				next := a.Next
				a.Next = nil // its address differs
				out += fmt.Sprintf("%+v %+v\n", a, next)
				return nil
			})
			if err != nil {
				return err
			}
			done, err := tx.Completions(now.AddDate(1, 0, 0))
			out += fmt.Sprintf("unreported %v, counts %+v\n", done, c)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, n
	}
	want, n := state(1 << 20)
	if n < 100 {
		t.Fatalf("only %d assignments copied", n)
	}
	for _, batch := range []int{1, 7, n - 1, n} {
		if got, _ := state(batch); got != want {
			t.Errorf("batches of %d copy another state:\n%s\nall at once:\n%s", batch, got, want)
		}
	}
}

// TestMemCopyKeepsHeldSteps: a preview copies the steps held of a round
// the daemon has not finished (Tx.HoldSteps), in their order, so that its
// round puts them in its digests as the daemon's will.
func TestMemCopyKeepsHeldSteps(t *testing.T) {
	e := newEnv(t)
	cfg, db := envStore(t, e)
	at := time.Date(2024, 11, 19, 8, 0, 0, 0, cfg.Location)
	held := []scheduler.StepRecord{
		{Key: "60/KH-SCT|I.1@2024|vp#reminder-30", At: at, Produced: at},
		{Key: "60/KH-SCT|I.2@2024|qltm#reminder-30", At: at, Produced: at},
	}
	if err := db.Scheduler().Update(func(tx scheduler.Tx) error { return tx.HoldSteps(held) }); err != nil {
		t.Fatal(err)
	}
	mem, _, err := memCopy(db, cfg.Directory, at, copyBatch)
	if err != nil {
		t.Fatal(err)
	}
	var got []scheduler.StepRecord
	if err := mem.View(func(tx scheduler.Tx) error {
		got, err = tx.HeldSteps()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(held) || got[0].Key != held[0].Key || got[1].Key != held[1].Key || !got[0].At.Equal(at) || !got[1].Produced.Equal(at) {
		t.Errorf("the copy holds %+v, want %+v", got, held)
	}
}

// envStore is e's config and its database, open for writing until the
// test ends.
func envStore(t *testing.T, e *env) (*config.Config, *store.DB) {
	t.Helper()
	cfg, err := (&Main{configPath: e.config, getenv: func(string) string { return "" }}).loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return cfg, db
}
