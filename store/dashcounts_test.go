package store

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// reportCounts is what report.Build counts for every assignment, by plan,
// section and unit: what the dashboard showed before it kept counts.
func reportCounts(as []scheduler.Assignment, at time.Time, loc *time.Location) []DashCount {
	rep := report.Build(at, loc, nil, as, nil)
	byGroup := map[[3]string]*DashCount{}
	for _, r := range rep.Rows {
		g := [3]string{r.Plan, r.Section, r.Unit}
		dc := byGroup[g]
		if dc == nil {
			dc = &DashCount{Plan: r.Plan, Section: r.Section, Unit: r.Unit}
			byGroup[g] = dc
		}
		switch r.Bucket {
		case report.DoneOnTime:
			dc.DoneOnTime++
		case report.DoneLate:
			dc.DoneLate++
		case report.OpenInTime:
			dc.InTime++
		case report.Overdue:
			dc.Overdue++
		}
	}
	var out []DashCount
	for _, dc := range byGroup {
		out = append(out, *dc)
	}
	slices.SortFunc(out, func(x, y DashCount) int {
		if c := compareStrings(x.Plan, y.Plan); c != 0 {
			return c
		}
		if c := compareStrings(x.Section, y.Section); c != 0 {
			return c
		}
		return compareStrings(x.Unit, y.Unit)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// dashLocations are the zones the counts are read in: the department's,
// UTC, one with daylight saving time, offsets of half and three quarters
// of an hour, and a fixed zone as tests make them.
func dashLocations(t testing.TB) []*time.Location {
	var out []*time.Location
	for _, name := range []string{"Asia/Ho_Chi_Minh", "UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, loc)
	}
	return append(out, time.FixedZone("IST", 5*3600+1800))
}

// checkDash compares the maintained counts with report.Build over every
// assignment, at moments across the days the assignments fall on.
func checkDash(t *testing.T, db *DB, r *rand.Rand, base time.Time, step string) {
	t.Helper()
	as, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range dashLocations(t) {
		for range 3 {
			at := base.Add(time.Duration(r.IntN(12*24*4)-6*24*4) * 15 * time.Minute).Add(time.Duration(r.IntN(3)-1) * time.Nanosecond)
			if r.IntN(4) == 0 {
				// The end of a day, as a historical view asks.
				at = calendar.DateOf(at.In(loc)).AddDays(1).In(loc).Add(-time.Nanosecond)
			}
			got, ok, err := db.DashCounts(at, loc)
			if err != nil || !ok {
				t.Fatalf("%s: DashCounts(%v, %v) = ok %v, %v", step, at, loc, ok, err)
			}
			if want := reportCounts(as, at, loc); !slices.Equal(got, want) {
				t.Fatalf("%s: at %v in %v (%d assignments):\n got %+v\nwant %+v", step, at, loc, len(as), got, want)
			}
		}
	}
}

// TestDashCountsEqualReport applies random changes — creations, done
// marks near and far from their deadlines, reopenings, archiving, due
// days moved, notes — through both write paths of the real store (the
// scheduler's buffered transactions and ApplyChange), reopens the file on
// the way, and compares the counts kept with report.Build over every
// assignment, at moments across the days and in several zones.
func TestDashCountsEqualReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dash.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	r := rand.New(rand.NewPCG(12, 2))
	vn, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	base := time.Date(2024, 6, 14, 9, 0, 0, 0, vn)
	var keys []string
	newAssignment := func() scheduler.Assignment {
		plans := []string{"60/KH-SCT", "12/KH-SCT"}
		ids := []string{"I.1", "I.2.1", "II.3", "III.1.4", "X", "IV.1"}
		units := []string{"vp", "qltm", "kt"}
		id := ids[r.IntN(len(ids))]
		occ := fmt.Sprintf("%s@%d", id, len(keys))
		p, u := plans[r.IntN(len(plans))], units[r.IntN(len(units))]
		a := scheduler.Assignment{Key: scheduler.AssignmentKey(p, occ, u), Plan: p, TaskID: id, Occurrence: occ, Unit: u,
			DueDay: calendar.DateOf(base).AddDays(r.IntN(11) - 5), State: scheduler.StateOpen}
		keys = append(keys, a.Key)
		return a
	}
	change := func(a scheduler.Assignment) scheduler.Assignment {
		switch r.IntN(6) {
		case 0, 1: // done, near its deadline (either side, any zone's) or far
			a.State = scheduler.StateDone
			deadline := a.DueDay.AddDays(1).In(time.UTC)
			switch r.IntN(5) {
			case 0:
				a.DoneAt = time.Time{}
			case 1:
				a.DoneAt = deadline.Add(time.Duration(r.IntN(40)-20) * 24 * time.Hour)
			default:
				// Quarter hours ± a nanosecond around every zone's midnight.
				a.DoneAt = deadline.Add(time.Duration(r.IntN(30*4)-16*4)*15*time.Minute + time.Duration(r.IntN(3)-1))
			}
			a.DoneBy, a.DoneVia = "an", "web"
		case 2: // reopened
			a.State = scheduler.StateOpen
		case 3:
			a.State = scheduler.StateArchived
		case 4:
			a.DueDay = a.DueDay.AddDays(r.IntN(7) - 3)
		case 5:
			a.Notes = append(a.Notes, scheduler.Note{Text: "ghi chú", By: "an", At: base})
		}
		return a
	}
	apply := func(tx scheduler.Tx) error {
		for range 1 + r.IntN(8) {
			if len(keys) == 0 || r.IntN(3) == 0 {
				a := newAssignment()
				if r.IntN(4) == 0 {
					a = change(a)
				}
				if err := tx.CreateAssignment(a); err != nil {
					return err
				}
				continue
			}
			a, ok, err := tx.Assignment(keys[r.IntN(len(keys))])
			if err != nil || !ok {
				return fmt.Errorf("read back: %v %v", ok, err)
			}
			if err := tx.PutAssignment(change(a)); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range 200 {
		if r.IntN(2) == 0 {
			err = db.Scheduler().Update(apply)
		} else {
			err = db.ApplyChange(func(tx scheduler.Tx, _ func(AuditEntry) error) error { return apply(tx) })
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			db.Close()
			if db, err = Open(path, Options{}); err != nil {
				t.Fatal(err)
			}
		}
		checkDash(t, db, r, base, fmt.Sprintf("step %d", i))
	}
	counts, _ := db.AssignmentCounts()
	if counts[scheduler.StateDone] == 0 || counts[scheduler.StateArchived] == 0 || counts[scheduler.StateOpen] == 0 {
		t.Fatalf("the changes left no assignment in some state: %v", counts)
	}
}

// TestDashCountsMigrated: a database of schema 2 has no counts; Open builds
// them from every assignment with the schema number in one transaction,
// also after a crash that left the bucket created and empty.
func TestDashCountsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dash.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vn, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	base := time.Date(2024, 6, 14, 9, 0, 0, 0, vn)
	err = db.Scheduler().Update(func(tx scheduler.Tx) error {
		for i := range 200 {
			occ := fmt.Sprintf("I.%d@2024", i%7)
			a := scheduler.Assignment{Key: scheduler.AssignmentKey("60/KH-SCT", occ, fmt.Sprint(i)), Plan: "60/KH-SCT", TaskID: fmt.Sprintf("I.%d", i%7),
				Occurrence: occ, Unit: fmt.Sprintf("u%d", i%3), DueDay: calendar.DateOf(base).AddDays(i%9 - 4), State: scheduler.StateOpen}
			switch i % 4 {
			case 1:
				a.State, a.DoneAt = scheduler.StateDone, base.Add(time.Duration(i-100)*time.Hour)
			case 2:
				a.State = scheduler.StateArchived
			}
			if err := tx.CreateAssignment(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := db.DashCounts(base, vn)
	if len(want) == 0 {
		t.Fatal("no counts")
	}
	for _, crashed := range []bool{false, true} {
		// What schema 2 left: no counts (or, after a crash in the middle of
		// this migration, the bucket created empty by Open).
		err = db.bolt.Update(func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(bucketDash); err != nil {
				return err
			}
			if crashed {
				if _, err := tx.CreateBucket(bucketDash); err != nil {
					return err
				}
			}
			return putJSON(tx.Bucket(bucketMeta), keySchema, 2)
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		ro, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := ro.DashCounts(base, vn); ok != crashed || err != nil {
			// Read-only, a database of schema 2 is read as it is: without counts.
			t.Errorf("read-only schema 2 (bucket %v): ok %v, %v", crashed, ok, err)
		}
		ro.Close()
		if db, err = Open(path, Options{}); err != nil {
			t.Fatal(err)
		}
		got, ok, err := db.DashCounts(base, vn)
		if err != nil || !ok || !slices.Equal(got, want) {
			t.Errorf("migrated (crashed %v): ok %v, %v\n got %+v\nwant %+v", crashed, ok, err, got, want)
		}
		if v, _ := storedSchemaOf(t, db); v != schemaVersion {
			t.Errorf("schema %d after the migration", v)
		}
	}
	db.Close()
}

func storedSchemaOf(t *testing.T, db *DB) (int, error) {
	t.Helper()
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		v, err = schema(tx, db.path)
		return err
	})
	return v, err
}

// BenchmarkScaleMigrateDash: the migration from schema 2 at the scale
// benchmarks' 100,000 tasks: every assignment read once to count it for
// the dashboard, in the transaction that writes schema 3.
func BenchmarkScaleMigrateDash(b *testing.B) {
	path, _ := syncedDB(b)
	for b.Loop() {
		b.StopTimer()
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		err = db.bolt.Update(func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(bucketDash); err != nil {
				return err
			}
			return putJSON(tx.Bucket(bucketMeta), keySchema, 2)
		})
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if db, err = Open(path, Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
