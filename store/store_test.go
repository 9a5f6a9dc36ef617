package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/plan"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func mustOpen(tb testing.TB, path string, c *clock) *DB {
	tb.Helper()
	db, err := Open(path, Options{Now: c.now, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func samplePlan(ids ...string) *plan.Plan {
	p := &plan.Plan{Code: "60/KH-SCT", Year: 2024, Title: "T", Source: "p.txt"}
	for i, id := range ids {
		p.Tasks = append(p.Tasks, plan.Task{ID: id, Section: "I", Text: "Nhiệm vụ " + id,
			Timeline: plan.Timeline{Text: "Trong năm 2024", Kind: plan.KindYear, Year: 2024},
			Lead:     []string{"Văn phòng Sở"}, LeadIDs: []string{"vp"}, Lines: []int{10 + i}})
	}
	return p
}

func ids(recs []TaskRecord, archived bool) []string {
	var out []string
	for _, r := range recs {
		if r.Archived == archived {
			out = append(out, r.ID)
		}
	}
	return out
}

func TestImportIdempotentAndArchives(t *testing.T) {
	c := &clock{time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)

	res, err := db.ImportPlan(samplePlan("I.1", "I.2", "I.3"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"I.1", "I.2", "I.3"}) {
		t.Errorf("first import added %v", res.Added)
	}
	created := c.t

	c.t = c.t.Add(time.Hour)
	res, err = db.ImportPlan(samplePlan("I.1", "I.2", "I.3"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 3 || len(res.Added)+len(res.Updated)+len(res.Archived) != 0 {
		t.Errorf("same document again: %s", res)
	}

	// Edit I.2, drop I.3, add I.4.
	c.t = c.t.Add(time.Hour)
	edited := samplePlan("I.1", "I.2", "I.4")
	edited.Tasks[1].Text = "Nhiệm vụ đã sửa"
	res, err = db.ImportPlan(edited)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Updated, []string{"I.2"}) || !slices.Equal(res.Added, []string{"I.4"}) {
		t.Errorf("updated = %v, added = %v; want [I.2], [I.4]", res.Updated, res.Added)
	}
	if !slices.Equal(res.Archived, []string{"I.3"}) {
		t.Errorf("archived = %v, want [I.3]", res.Archived)
	}
	recs, err := db.Tasks("60/KH-SCT")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(recs, false); !slices.Equal(got, []string{"I.1", "I.2", "I.4"}) {
		t.Errorf("active = %v", got)
	}
	if got := ids(recs, true); !slices.Equal(got, []string{"I.3"}) {
		t.Errorf("archived = %v", got)
	}
	for _, r := range recs {
		switch r.ID {
		case "I.2":
			if r.Text != "Nhiệm vụ đã sửa" || !r.Created.Equal(created) || !r.Updated.Equal(c.t) {
				t.Errorf("I.2 = %+v", r)
			}
		case "I.3":
			if !r.ArchivedAt.Equal(c.t) || r.Text != "Nhiệm vụ I.3" {
				t.Errorf("I.3 = %+v", r)
			}
		}
	}

	// I.3 comes back: restored with its original creation time.
	c.t = c.t.Add(time.Hour)
	res, err = db.ImportPlan(samplePlan("I.1", "I.2", "I.3"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Restored, []string{"I.3"}) || !slices.Equal(res.Archived, []string{"I.4"}) {
		t.Errorf("restore: %s (restored %v archived %v)", res, res.Restored, res.Archived)
	}
	recs, _ = db.Tasks("")
	for _, r := range recs {
		if r.ID == "I.3" && (r.Archived || !r.Created.Equal(created)) {
			t.Errorf("restored I.3 = %+v", r)
		}
	}
	plans, err := db.Plans()
	if err != nil || len(plans) != 1 || plans[0].Code != "60/KH-SCT" || plans[0].Tasks != 3 {
		t.Errorf("plans = %+v, %v", plans, err)
	}
}

// TestImportMovedRowsAreNotUpdates: a row removed near the top moves every
// later task down the document; only the task whose content changed counts
// as updated, and the moved ones keep their update time but learn their new
// lines.
func TestImportMovedRowsAreNotUpdates(t *testing.T) {
	c := &clock{time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	if _, err := db.ImportPlan(samplePlan("I.1", "I.2", "I.3", "I.4", "I.5")); err != nil {
		t.Fatal(err)
	}
	first := c.t
	c.t = c.t.Add(time.Hour)
	edited := samplePlan("I.2", "I.3", "I.4", "I.5") // I.1 removed: all move up
	edited.Tasks[2].Text = "Nhiệm vụ I.4 đã sửa"
	res, err := db.ImportPlan(edited)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Updated, []string{"I.4"}) || res.Unchanged != 3 || !slices.Equal(res.Archived, []string{"I.1"}) {
		t.Errorf("import after removing a row: updated %v, unchanged %d, archived %v", res.Updated, res.Unchanged, res.Archived)
	}
	recs, err := db.Tasks("60/KH-SCT")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		switch r.ID {
		case "I.2", "I.3", "I.5":
			if r.Line() != edited.Tasks[r.Seq].Line() || !r.Updated.Equal(first) {
				t.Errorf("%s moved: line %d (want %d), updated %v (want %v)", r.ID, r.Line(), edited.Tasks[r.Seq].Line(), r.Updated, first)
			}
		case "I.4":
			if !r.Updated.Equal(c.t) {
				t.Errorf("I.4 edited: updated %v, want %v", r.Updated, c.t)
			}
		}
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	c := &clock{time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC)}
	db, err := Open(path, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(samplePlan("I.1")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpen(t, path, c)
	recs, err := db.Tasks("")
	if err != nil || len(recs) != 1 || recs[0].Lines[0] != 10 || recs[0].LeadIDs[0] != "vp" {
		t.Errorf("after reopen: %+v, %v", recs, err)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	mustOpen(t, path, &clock{})
	start := time.Now()
	_, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by another nhacviec process") || !strings.Contains(err.Error(), path) {
		t.Errorf("message = %q", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second open took %s", d)
	}
}

// TestSecondProcessFailsFast opens the database from a child process while
// this one holds it.
func TestSecondProcessFailsFast(t *testing.T) {
	if path := os.Getenv("NHACVIEC_STORE_CHILD"); path != "" {
		_, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(3)
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "n.db")
	mustOpen(t, path, &clock{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessFailsFast$")
	cmd.Env = append(os.Environ(), "NHACVIEC_STORE_CHILD="+path)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("child: err = %v, output %s", err, out)
	}
	if !strings.Contains(string(out), "database is in use by another nhacviec process") {
		t.Errorf("child said %q", out)
	}
}

// TestOpenCreatesTheFolder: a new install's database folder is made, for
// the owner only.
func TestOpenCreatesTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "nhacviec")
	db, err := Open(filepath.Join(dir, "nhacviec.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("folder mode %o, want 700", perm)
	}
}
