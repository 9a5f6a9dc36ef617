package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// testdata/schema1.db was written by nhacviec at b01c285 (schema 1, JSON
// records): two assignments of 60/KH-SCT after the reminder of 19/11/2024,
// one snoozed with evidence and a note, one done by Telegram; the
// expected contents are in schema1.db.json, as that version read them.
type schema1Contents struct {
	Assignments []scheduler.Assignment          `json:"assignments"`
	Steps       map[string]scheduler.StepRecord `json:"steps"`
	Pending     []scheduler.Pending             `json:"pending"`
}

func copyFixture(t *testing.T) (string, schema1Contents) {
	t.Helper()
	var want schema1Contents
	return fixture(t, "schema1.db", &want), want
}

// fixture copies testdata/name into a temporary folder, reads what it
// holds from testdata/name.json into want, and returns the copy's path.
func fixture(t *testing.T, name string, want any) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, want); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameJSON compares two values as the old version wrote them.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// readAll checks everything the engine reads from db against want.
func checkContents(t *testing.T, db *DB, want schema1Contents) {
	t.Helper()
	as, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "assignments", as, want.Assignments)
	steps, err := db.StepRecords()
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "steps", steps, want.Steps)
	var pend []scheduler.Pending
	var open, done []string
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		if pend, err = tx.Due(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1000); err != nil {
			return err
		}
		if err := tx.ForEachOpen(calendar.Date{Year: 2030, Month: 1, Day: 1}, func(a scheduler.Assignment) error {
			open = append(open, a.Key)
			return nil
		}); err != nil {
			return err
		}
		return tx.ForEachDoneSince(time.Time{}, func(a scheduler.Assignment) error {
			done = append(done, a.Key)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "pending", pend, want.Pending)
	sameJSON(t, "open", open, []string{"60/KH-SCT|I.1@2024|vp"})
	sameJSON(t, "done", done, []string{"60/KH-SCT|I.2@2024|qltm"})
	counts, err := db.AssignmentCounts()
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "counts", counts, map[scheduler.State]int{scheduler.StateOpen: 1, scheduler.StateDone: 1, scheduler.StateArchived: 0})
}

func storedSchema(t *testing.T, path string) (int, map[string][]byte) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v int
	values := map[string][]byte{}
	b.View(func(tx *bolt.Tx) error {
		json.Unmarshal(tx.Bucket(bucketMeta).Get(keySchema), &v)
		for _, name := range [][]byte{bucketTasks, bucketAssignments, bucketPending, bucketSteps} {
			tx.Bucket(name).ForEach(func(k, val []byte) error {
				values[string(name)+"/"+string(k)] = append([]byte(nil), val...)
				return nil
			})
		}
		return nil
	})
	return v, values
}

// TestMigrateSchema1: a database written by the previous version is
// migrated in place at Open, in chunks (one record each here): every
// record is binary afterwards, the indices and counts are built, and the
// engine reads exactly what the old version read.
func TestMigrateSchema1(t *testing.T) {
	defer func(n int) { migrateChunk = n }(migrateChunk)
	migrateChunk = 1
	path, want := copyFixture(t)
	// A task as schema 1 stored it (the fixture was planned without an
	// import): JSON.
	task := TaskRecord{Plan: "60/KH-SCT", Seq: 3, Task: plan.Task{ID: "I.1", Section: "I", Text: "Rà soát thủ tục hành chính",
		Timeline: plan.ParseTimeline("Trong năm 2024"), Lead: []string{"Văn phòng Sở"}, LeadIDs: []string{"vp"}, Lines: []int{12}},
		Created: time.Date(2024, 6, 14, 7, 0, 0, 0, time.UTC), Updated: time.Date(2024, 6, 14, 7, 0, 0, 0, time.UTC)}
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketTasks), []byte(task.Key()), task) }); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkContents(t, db, want)
	tasks, err := db.Tasks("")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "tasks", tasks, []TaskRecord{task})
	db.Close()
	v, values := storedSchema(t, path)
	if v != schemaVersion {
		t.Errorf("schema after migration = %d, want %d", v, schemaVersion)
	}
	if err := Verify(path); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("the compaction's file is left: %v", err)
	}
	if len(values) == 0 {
		t.Fatal("no records")
	}
	for k, val := range values {
		want := byte(recordV2)
		if strings.HasPrefix(k, string(bucketPending)+"/") {
			want = recordGroup
		}
		if len(val) == 0 || val[0] != want {
			t.Errorf("%s not converted: %q", k, val)
		}
	}
	// A second Open changes nothing.
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkContents(t, db, want)
	db.Close()
}

// TestMigrateResumesAfterCrash: a migration interrupted after some records
// were converted (the schema number not yet written) finishes at the next
// Open, reading the converted and the unconverted records alike.
func TestMigrateResumesAfterCrash(t *testing.T) {
	path, want := copyFixture(t)
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error { // what the first chunk did before the crash
		tx.CreateBucketIfNotExists(bucketOpen)
		k, v := tx.Bucket(bucketAssignments).Cursor().First()
		ws, err := convertRecord(bucketAssignments, k, v)
		if err != nil {
			return err
		}
		for _, w := range ws {
			if err := tx.Bucket(w.bucket).Put(w.key, w.value); err != nil {
				return err
			}
		}
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := storedSchema(t, path); v != 1 {
		t.Fatalf("schema = %d before the resumed migration, want 1", v)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkContents(t, db, want)
	db.Close()
	if v, _ := storedSchema(t, path); v != schemaVersion {
		t.Errorf("schema = %d, want %d", v, schemaVersion)
	}
}

// TestOldSchemaReadOnly: a read-only command on a database of schema 1
// (no daemon has migrated it yet) reads it as it is and leaves it so.
func TestOldSchemaReadOnly(t *testing.T) {
	path, want := copyFixture(t)
	before, _ := os.ReadFile(path)
	db, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	checkContents(t, db, want)
	db.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a read-only open changed the file")
	}
}

// TestNewerSchemaRefused: a database written by a newer nhacviec is
// refused, for writing and for reading, with what to do, and left as it
// was.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketMeta), keySchema, schemaVersion+1) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	for _, ro := range []bool{false, true} {
		db, err := Open(path, Options{ReadOnly: ro})
		if err == nil {
			db.Close()
			t.Fatalf("read-only %v: a database of schema %d was opened", ro, schemaVersion+1)
		}
		for _, want := range []string{path, "newer nhacviec", fmt.Sprintf("schema %d;", schemaVersion+1),
			fmt.Sprintf("reads schema %d at most", schemaVersion), "restore a backup"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("read-only %v: error %q does not say %q", ro, err, want)
			}
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the refused database was changed")
	}
}

// TestMigrationCompacts: the migration's rewrite frees the old records'
// pages, and the file is compacted in place afterwards: a schema 1
// database of 20,000 JSON assignments comes out with (almost) no free
// page, smaller than it went in, consistent, and nothing left beside it.
func TestMigrationCompacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		if err := putJSON(meta, keySchema, 1); err != nil {
			return err
		}
		as, _ := tx.CreateBucket(bucketAssignments)
		for i := range 20000 {
			occ := fmt.Sprintf("I.%d@2024", i)
			a := scheduler.Assignment{Key: scheduler.AssignmentKey("60/KH-SCT", occ, "vp"), Plan: "60/KH-SCT", TaskID: fmt.Sprintf("I.%d", i),
				Occurrence: occ, Unit: "vp", DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}, State: scheduler.StateOpen,
				Note: "Rà soát, cập nhật quy trình nội bộ theo Kế hoạch 60/KH-SCT"}
			if err := putJSON(as, []byte(a.Key), a); err != nil {
				return err
			}
		}
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	before := fi.Size()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.AssignmentCounts(); err != nil || n[scheduler.StateOpen] != 20000 {
		t.Errorf("counts %v, %v", n, err)
	}
	db.Close()
	b, err = bolt.Open(path, 0o600, nil) // writable: a read-only open does not read the free list
	if err != nil {
		t.Fatal(err)
	}
	free := b.Stats().FreePageN
	b.Close()
	if free > 4 {
		t.Errorf("%d pages free in the migrated file: not compacted", free)
	}
	fi, _ = os.Stat(path)
	if fi.Size() >= before {
		t.Errorf("migrated file %d bytes, %d before", fi.Size(), before)
	}
	if err := Verify(path); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("the compaction's file is left: %v", err)
	}
}
