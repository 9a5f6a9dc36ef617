package store

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestGroupedIndicesMatchAssignments: after random writes of assignments,
// in buffered transactions of several writes and in unbuffered ones (the
// bot's and the web's), the grouped indices say exactly what a scan of
// every assignment says: Due lists every next step by moment then key (a
// limit cuts the same list), NextDue its first, ForEachOpen and
// ForEachOpenOf the open ones by due day then key; and no entry is left
// empty.
func TestGroupedIndicesMatchAssignments(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	rng := rand.New(rand.NewPCG(7, 12))
	units := []string{"vp", "qltm", "kt", "a|b"}
	occs := []string{"I.1@2024", "I.2@2024", "I.2@2025", "II.10@2024-03", "II.1@2024-03"}
	base := time.Date(2024, 11, 1, 8, 0, 0, 0, loc)
	steps := []string{"reminder-30", "reminder-7", "due", "overdue-1"}
	random := func(key string, plan, occ, unit string) scheduler.Assignment {
		a := scheduler.Assignment{Key: key, Plan: plan, Occurrence: occ, TaskID: occ[:bytes.IndexByte([]byte(occ), '@')], Unit: unit,
			DueDay: calendar.Date{Year: 2024, Month: time.December, Day: 1 + rng.IntN(4)}, State: scheduler.StateOpen}
		switch rng.IntN(5) {
		case 0:
			a.State, a.DoneAt = scheduler.StateDone, base.Add(time.Duration(rng.IntN(50))*time.Hour)
		case 1:
			a.State = scheduler.StateArchived
		}
		if rng.IntN(4) > 0 {
			a.Next = &scheduler.Pending{At: base.Add(time.Duration(rng.IntN(3)) * 24 * time.Hour), Assignment: key,
				Step: steps[rng.IntN(len(steps))], Rank: rng.IntN(3)}
		}
		return a
	}
	type id struct{ plan, occ, unit string }
	var ids []id
	for _, plan := range []string{"60/KH-SCT", "7/KH-SCT"} {
		for _, occ := range occs {
			for _, unit := range units {
				ids = append(ids, id{plan, occ, unit})
			}
		}
	}
	ids = append(ids, id{"60/KH-SCT", "I.9@2024", "kt"}) // a key that does not end with its unit
	keyOf := func(x id) string {
		if x.occ == "I.9@2024" {
			return "60/KH-SCT|I.9@2024|kt-x"
		}
		return scheduler.AssignmentKey(x.plan, x.occ, x.unit)
	}
	check := func(round int) {
		t.Helper()
		checkIndices(t, db, fmt.Sprintf("round %d", round), rng, base.Add(1000*time.Hour))
	}
	for round := range 60 {
		n := 1 + rng.IntN(12)
		write := func(tx scheduler.Tx) error {
			for range n {
				x := ids[rng.IntN(len(ids))]
				key := keyOf(x)
				if _, found, err := tx.Assignment(key); err != nil {
					return err
				} else if !found && rng.IntN(2) == 0 {
					if err := tx.CreateAssignment(random(key, x.plan, x.occ, x.unit)); err != nil {
						return err
					}
					continue
				}
				if err := tx.PutAssignment(random(key, x.plan, x.occ, x.unit)); err != nil {
					return err
				}
			}
			return nil
		}
		if round%3 == 2 {
			err = db.ApplyChange(func(tx scheduler.Tx, _ func(AuditEntry) error) error { return write(tx) })
		} else {
			err = db.Scheduler().Update(write)
		}
		if err != nil {
			t.Fatal(err)
		}
		check(round)
	}
}

// checkIndices compares what the grouped indices say with a scan of every
// assignment: Due (whole and cut at a random limit), NextDue, ForEachOpen
// (through a random day) and ForEachOpenOf each unit; and checks that no
// entry is left empty.
func checkIndices(t *testing.T, db *DB, when string, rng *rand.Rand, until time.Time) {
	t.Helper()
	as, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	var wantDue []scheduler.Pending
	for _, a := range as {
		if a.Next != nil {
			wantDue = append(wantDue, *a.Next)
		}
	}
	slices.SortFunc(wantDue, func(x, y scheduler.Pending) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.Assignment, y.Assignment))
	})
	through := calendar.Date{Year: 2024, Month: time.December, Day: 1 + rng.IntN(5)}
	if rng.IntN(3) == 0 {
		through = calendar.Date{Year: 2030, Month: time.January, Day: 1}
	}
	var open, scanned []string
	var due, cut []scheduler.Pending
	var first scheduler.Pending
	var hasFirst bool
	limit := 1 + rng.IntN(10)
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		var err error
		if due, err = tx.Due(until, 1000); err != nil {
			return err
		}
		if cut, err = tx.Due(until, limit); err != nil {
			return err
		}
		if first, hasFirst, err = tx.NextDue(); err != nil {
			return err
		}
		if err := tx.ForEachOpen(through, func(a scheduler.Assignment) error { open = append(open, a.Key); return nil }); err != nil {
			return err
		}
		return tx.(schedTx).scanOpen(through, func(a scheduler.Assignment) error { scanned = append(scanned, a.Key); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, when+": due", due, wantDue)
	sameJSON(t, when+fmt.Sprintf(": due, limit %d", limit), cut, wantDue[:min(limit, len(wantDue))])
	if hasFirst != (len(wantDue) > 0) || hasFirst && !sameTime(first, wantDue[0]) {
		t.Errorf("%s: NextDue = %v %v, want the first of %v", when, first, hasFirst, wantDue)
	}
	sameJSON(t, when+": open", open, scanned)
	for _, unit := range units(as) {
		var got, want []string
		if err := db.ForEachOpenOf(unit, func(a scheduler.Assignment) error { got = append(got, a.Key); return nil }); err != nil {
			t.Fatal(err)
		}
		_ = db.Scheduler().View(func(tx scheduler.Tx) error {
			return tx.(schedTx).scanOpen(calendar.Date{Year: 1 << 15}, func(a scheduler.Assignment) error {
				if a.Unit == unit {
					want = append(want, a.Key)
				}
				return nil
			})
		})
		sameJSON(t, when+": open of "+unit, got, want)
	}
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketPending, bucketOpen} {
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
				n := 0
				if err := forEachGroupItem(v, func(groupItem) error { n++; return nil }); err != nil || n == 0 {
					t.Errorf("%s: %s entry %q holds %d items (%v)", when, name, k, n, err)
				}
				return nil
			})
		}
		return nil
	})
}

// units lists the units of as.
func units(as []scheduler.Assignment) []string {
	var out []string
	for _, a := range as {
		if !slices.Contains(out, a.Unit) {
			out = append(out, a.Unit)
		}
	}
	return out
}

func sameTime(x, y scheduler.Pending) bool {
	return x.At.Equal(y.At) && x.Assignment == y.Assignment && x.Step == y.Step && x.Rank == y.Rank
}

// schema3Contents is what nhacviec at 1c18926 (schema 3) read from
// testdata/schema3.db: three tasks of 60/KH-SCT, two of them led by vp and
// qltm together, after the reminder of 19/11/2024; I.2 done by Telegram,
// I.3's qltm snoozed to 23/12 (its next step apart from vp's).
type schema3Contents struct {
	Assignments []scheduler.Assignment          `json:"assignments"`
	Steps       map[string]scheduler.StepRecord `json:"steps"`
	Pending     []scheduler.Pending             `json:"pending"`
	Open        []string                        `json:"open"`
	OpenVP      []string                        `json:"open_vp"`
	Done        []string                        `json:"done"`
}

func readSchema3(t *testing.T, db *DB) schema3Contents {
	t.Helper()
	var c schema3Contents
	var err error
	if c.Assignments, err = db.Assignments(""); err != nil {
		t.Fatal(err)
	}
	if c.Steps, err = db.StepRecords(); err != nil {
		t.Fatal(err)
	}
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		if c.Pending, err = tx.Due(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1000); err != nil {
			return err
		}
		if err := tx.ForEachOpen(calendar.Date{Year: 2030, Month: 1, Day: 1}, func(a scheduler.Assignment) error {
			c.Open = append(c.Open, a.Key)
			return nil
		}); err != nil {
			return err
		}
		return tx.ForEachDoneSince(time.Time{}, func(a scheduler.Assignment) error {
			c.Done = append(c.Done, a.Key)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ForEachOpenOf("vp", func(a scheduler.Assignment) error { c.OpenVP = append(c.OpenVP, a.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMigrateSchema3: a database written by the previous version (schema
// 3, an index entry per assignment) is read as it is by a read-only open,
// which leaves the file alone; an Open for writing migrates it in place to
// grouped entries, one per occurrence and moment or day, and the engine
// reads exactly what the old version read.
func TestMigrateSchema3(t *testing.T) {
	for _, chunk := range []int{20000, 1} {
		t.Run(fmt.Sprint("chunk ", chunk), func(t *testing.T) {
			defer func(n int) { migrateChunk = n }(migrateChunk)
			migrateChunk = chunk
			testMigrateSchema3(t)
		})
	}
}

// TestMigrateSchema3ResumesAfterCrash: a migration stopped after two of its
// transactions (one assignment each: I.1's units apart) leaves schema 3;
// the next Open rebuilds the indices from the start and reads exactly what
// the old version read.
func TestMigrateSchema3ResumesAfterCrash(t *testing.T) {
	defer func(n int) { migrateChunk = n }(migrateChunk)
	migrateChunk = 1
	path, want := schema3Fixture(t)
	chunks := 0
	afterGroupChunk = func() error {
		if chunks++; chunks == 2 {
			return errors.New("crash")
		}
		return nil
	}
	defer func() { afterGroupChunk = func() error { return nil } }()
	if db, err := Open(path, Options{}); err == nil {
		db.Close()
		t.Fatal("the stopped migration opened the database")
	}
	if v, _ := storedSchema(t, path); v != 3 {
		t.Fatalf("schema %d after the stop, want 3", v)
	}
	afterGroupChunk = func() error { return nil }
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "resumed", readSchema3(t, db), want)
	db.Close()
	if v, _ := storedSchema(t, path); v != schemaVersion {
		t.Errorf("schema %d, want %d", v, schemaVersion)
	}
}

func schema3Fixture(t *testing.T) (string, schema3Contents) {
	t.Helper()
	var want schema3Contents
	return fixture(t, "schema3.db", &want), want
}

func testMigrateSchema3(t *testing.T) {
	path, want := schema3Fixture(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "read-only", readSchema3(t, ro), want)
	ro.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Error("a read-only open changed the file")
	}

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "migrated", readSchema3(t, db), want)
	db.Close()
	v, _ := storedSchema(t, path)
	if v != schemaVersion {
		t.Errorf("schema = %d, want %d", v, schemaVersion)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]int{}
	_ = b.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketPending, bucketOpen} {
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
				n := 0
				if err := forEachGroupItem(v, func(groupItem) error { n++; return nil }); err != nil {
					t.Errorf("%s entry %q: %v", name, k, err)
				}
				entries[string(name)] += n * 100
				entries[string(name)]++
				return nil
			})
		}
		return nil
	})
	b.Close()
	// Time index: I.1 at 20/12 (vp, qltm), I.3 at 20/12 (vp), I.3 at
	// 23/12 (qltm); open: I.1 and I.3 (vp, qltm each).
	if entries["pending"] != 3+4*100 || entries["open"] != 2+4*100 {
		t.Errorf("entries (items×100 + entries) %v, want pending 403 and open 402", entries)
	}
	if err := Verify(path); err != nil {
		t.Error(err)
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "opened again", readSchema3(t, db), want)
	db.Close()
}

// TestFreshSyncIndices: a plan's first Sync writes its assignments with
// CreateFresh, which reads no index entry; the indices are still exactly
// those of its assignments, and stay so when the plan changes (a unit
// added to a task's occurrences, through CreateAssignment) and when a
// second plan's first Sync comes while the first plan is stored.
func TestFreshSyncIndices(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	rng := rand.New(rand.NewPCG(3, 4))
	e := testEngine(t, db)
	mk := func(code, id string, leads ...string) scheduler.Task {
		return scheduler.Task{Plan: scheduler.PlanInfo{Code: code, Year: 2024, Start: calendar.Date{Year: 2024, Month: time.June, Day: 13}},
			Task: plan.Task{ID: id, Section: "I", Text: "Nhiệm vụ " + id, Timeline: plan.ParseTimeline("Trong năm 2024"), LeadIDs: leads}}
	}
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, loc)
	now := time.Date(2024, 11, 1, 7, 0, 0, 0, loc)
	a := []scheduler.Task{mk("60/KH-SCT", "I.1", "vp", "qltm"), mk("60/KH-SCT", "I.2", "qltm")}
	if _, err := e.Sync(a, now); err != nil {
		t.Fatal(err)
	}
	checkIndices(t, db, "first sync", rng, until)
	a[1].LeadIDs = []string{"qltm", "vp"}
	b := []scheduler.Task{mk("7/KH-SCT", "I.1", "vp", "qltm")}
	if _, err := e.Sync(slices.Concat(a, b), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkIndices(t, db, "a unit added, a second plan", rng, until)
	as, _ := db.Assignments("")
	if len(as) != 6 {
		t.Fatalf("%d assignments, want 6", len(as))
	}
	var entries int
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		entries = tx.Bucket(bucketPending).Stats().KeyN
		return nil
	})
	if entries != 3 {
		t.Errorf("%d time index entries, want 3 (one per task occurrence)", entries)
	}
}

// TestFreshEntriesMetTwice: fresh writes that meet an entry again after
// another one (not the way Sync writes, but allowed) and a write that looks
// entries up in between still leave each entry listing all its units.
func TestFreshEntriesMetTwice(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	at := time.Date(2024, 12, 1, 8, 0, 0, 0, loc)
	mk := func(occ, unit string) scheduler.Assignment {
		key := scheduler.AssignmentKey("60/KH-SCT", occ, unit)
		return scheduler.Assignment{Key: key, Plan: "60/KH-SCT", TaskID: occ[:strings.IndexByte(occ, '@')], Occurrence: occ, Unit: unit,
			DueDay: calendar.Date{Year: 2024, Month: time.December, Day: 31}, State: scheduler.StateOpen,
			Next: &scheduler.Pending{At: at, Assignment: key, Step: "reminder-30"}}
	}
	err = db.Scheduler().Update(func(tx scheduler.Tx) error {
		fc := tx.(scheduler.FreshCreator)
		for _, a := range []scheduler.Assignment{mk("I.1@2024", "vp"), mk("I.2@2024", "vp"), mk("I.1@2024", "qltm")} {
			if err := fc.CreateFresh(a); err != nil {
				return err
			}
		}
		if err := tx.CreateAssignment(mk("I.1@2024", "kt")); err != nil { // looks its entries up
			return err
		}
		return fc.CreateFresh(mk("I.1@2024", "ab"))
	})
	if err != nil {
		t.Fatal(err)
	}
	checkIndices(t, db, "after", rand.New(rand.NewPCG(1, 2)), at.Add(time.Hour))
	var due []scheduler.Pending
	_ = db.Scheduler().View(func(tx scheduler.Tx) error {
		due, err = tx.Due(at, 100)
		return err
	})
	if len(due) != 5 {
		t.Errorf("due %v, want the 5 assignments", due)
	}
}
