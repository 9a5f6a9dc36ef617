package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

func testEngine(t *testing.T, db *DB) *scheduler.Engine {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	days, _ := calendar.ParseDays("2024-01-01, 2024-02-08..2024-02-14, 2024-04-18, 2024-04-27..2024-05-01, 2024-08-31..2024-09-03")
	cal, err := calendar.New(calendar.Config{Location: loc, Years: map[int]calendar.Year{2024: {DaysOff: days}}})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := org.New([]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "an"}, {ID: "qltm", Name: "Phòng QLTM", Head: "binh"}}, nil,
		[]org.Person{{ID: "an", Unit: "vp", Email: "an@example.vn"}, {ID: "binh", Unit: "qltm", Email: "binh@example.vn"}})
	if err != nil {
		t.Fatal(err)
	}
	return scheduler.New(scheduler.Config{Calendar: cal, Directory: dir, Policy: scheduler.DefaultPolicy, Office: "vp"}, db.Scheduler(), nil)
}

func schedTasks() []scheduler.Task {
	info := scheduler.PlanInfo{Code: "60/KH-SCT", Year: 2024, Start: calendar.Date{Year: 2024, Month: time.June, Day: 13}}
	mk := func(id, lead string) scheduler.Task {
		return scheduler.Task{Plan: info, Task: plan.Task{ID: id, Section: "I", Text: "Nhiệm vụ " + id,
			Timeline: plan.ParseTimeline("Trong năm 2024"), LeadIDs: []string{lead}}}
	}
	return []scheduler.Task{mk("I.1", "vp"), mk("I.2", "qltm")}
}

// TestNoDuplicatesAcrossRestart: what a process produced is in the database;
// a new process at the same moment (or later the same day) produces nothing
// again, and the outbox holds each message once.
func TestNoDuplicatesAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Date(2024, 11, 19, 8, 0, 0, 0, loc) // reminder-30 of a 31/12 deadline

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := testEngine(t, db)
	if _, err := e.Sync(schedTasks(), now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	first, err := e.Fire(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 {
		t.Fatalf("first process produced %d messages, want 2", len(first))
	}
	db.Close() // the process dies

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e = testEngine(t, db)
	if _, err := e.Sync(schedTasks(), now); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{now, now.Add(time.Minute), now.Add(3 * time.Hour)} {
		again, err := e.Fire(at)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 0 {
			t.Errorf("after restart at %s: %d messages produced again", at, len(again))
		}
	}
	recs, err := db.OutboxDue(now.Add(24*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Errorf("outbox holds %d messages, want 2", len(recs))
	}
	steps, err := db.StepRecords()
	if err != nil {
		t.Fatal(err)
	}
	r := steps[scheduler.StepKey(scheduler.AssignmentKey("60/KH-SCT", "I.1@2024", "vp"), "reminder-30")]
	if r.Skipped || len(r.Messages) != 1 || r.Messages[0] != first[0].ID && r.Messages[0] != first[1].ID {
		t.Errorf("step record = %+v", r)
	}
	// The next wake-up is the next reminder, found from the time index.
	next, ok, err := e.NextWake(now)
	if err != nil || !ok || !next.Equal(time.Date(2024, 12, 20, 8, 0, 0, 0, loc)) {
		t.Errorf("next wake = %s, %v, %v", next, ok, err)
	}
}

// TestScanAfterWriteRefused: in one scheduler transaction every scan comes
// before the first write; a scan after a write fails and the transaction
// leaves nothing behind. A point read sees the buffered write.
func TestScanAfterWriteRefused(t *testing.T) {
	scans := map[string]func(scheduler.Tx) error{
		"Due":         func(tx scheduler.Tx) error { _, err := tx.Due(time.Now(), 10); return err },
		"NextDue":     func(tx scheduler.Tx) error { _, _, err := tx.NextDue(); return err },
		"Completions": func(tx scheduler.Tx) error { _, err := tx.Completions(time.Now()); return err },
		"ForEachAssignment": func(tx scheduler.Tx) error {
			return tx.ForEachAssignment("", func(scheduler.Assignment) error { return nil })
		},
	}
	writes := map[string]func(scheduler.Tx) error{
		"PutAssignment": func(tx scheduler.Tx) error {
			return tx.PutAssignment(scheduler.Assignment{Key: "60/KH-SCT|I.1@2024|vp", Plan: "60/KH-SCT", State: scheduler.StateOpen,
				DueDay: calendar.Date{Year: 2024, Month: time.December, Day: 31}})
		},
		"RecordStep": func(tx scheduler.Tx) error {
			return tx.RecordStep(scheduler.StepRecord{Key: "k|due", Produced: time.Now()})
		},
	}
	for wname, write := range writes {
		for sname, scan := range scans {
			t.Run(wname+" then "+sname, func(t *testing.T) {
				db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), &clock{t: time.Now()})
				err := db.Scheduler().Update(func(tx scheduler.Tx) error {
					if err := scan(tx); err != nil {
						return err // before any write: allowed
					}
					if err := write(tx); err != nil {
						return err
					}
					if _, ok, err := tx.Assignment("60/KH-SCT|I.1@2024|vp"); err != nil || ok != (wname == "PutAssignment") {
						t.Errorf("point read after the write: found %t, %v", ok, err)
					}
					return scan(tx)
				})
				if !errors.Is(err, scheduler.ErrReadAfterWrite) {
					t.Fatalf("err = %v, want ErrReadAfterWrite", err)
				}
				recs, _ := db.StepRecords()
				if as, _ := db.Assignments(""); len(as) != 0 || len(recs) != 0 {
					t.Errorf("the refused transaction left %d assignments, %d steps", len(as), len(recs))
				}
			})
		}
	}
}
