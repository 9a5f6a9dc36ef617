package store

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestCachedAssignmentsFollowsWrites: reads through the cache equal
// Assignments after every kind of write: a change, an addition.
func TestCachedAssignmentsFollowsWrites(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "c.db"), &clock{})
	put := func(as ...scheduler.Assignment) {
		t.Helper()
		err := db.ApplyChange(func(tx scheduler.Tx, _ func(AuditEntry) error) error {
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
	mk := func(id, unit string) scheduler.Assignment {
		return scheduler.Assignment{Key: "P|" + id + "@2024|" + unit, Plan: "P", TaskID: id, Occurrence: id + "@2024", Unit: unit,
			DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}, State: scheduler.StateOpen}
	}
	var c AssignmentCache
	check := func(when string) {
		t.Helper()
		want, _ := db.Assignments("")
		got, err := db.CachedAssignments(&c)
		if err != nil || len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: cached %+v, stored %+v (%v)", when, got, want, err)
		}
	}
	check("empty")
	a, b := mk("I.1", "vp"), mk("I.2", "tc")
	put(a, b)
	check("first read")
	check("unchanged")
	a.State, a.DoneAt, a.DoneBy = scheduler.StateDone, time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC), "an"
	put(a, mk("I.0", "kt"))
	check("after a done mark and an addition")
}
