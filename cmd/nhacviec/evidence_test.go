package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// TestEvidenceCommand: evidence kept by a door ends up in the year's
// bundle under its task's folder, with the name the person gave it.
func TestEvidenceCommand(t *testing.T) {
	e := newEnv(t)
	if _, stderr, code := e.run(t, context.Background(), "import"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	cfg, err := (&Main{configPath: e.config, getenv: func(string) string { return "" }}).loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DatabasePath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := storedTasks(cfg.Scheduling.Calendar, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 9, 20, 9, 0, 0, 0, cfg.Location)
	if _, err := scheduler.New(schedulerConfig(cfg), db.Scheduler(), nil).Sync(tasks, now); err != nil {
		t.Fatal(err)
	}
	key := scheduler.AssignmentKey("60/KH-SCT", "III.2.1@2024", "vp")
	ev, err := action.KeepEvidence(filepath.Join(e.dir, "evidence"), key, "Quyết định công bố <b>&amp;</b>.pdf", []byte("%PDF-1.4 qđ"))
	if err != nil {
		t.Fatal(err)
	}
	ev.By, ev.At = "chanh-vp", now
	err = db.Scheduler().Update(func(tx scheduler.Tx) error {
		a, ok, err := tx.Assignment(key)
		if err != nil || !ok {
			t.Fatalf("assignment %s: %v %v", key, ok, err)
		}
		a.Evidence = append(a.Evidence, ev)
		return tx.PutAssignment(a)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "minh-chung-2024.zip")
	stdout, stderr, code := e.run(t, context.Background(), "evidence", "--year", "2024", "-o", out)
	if code != 0 || !strings.Contains(stdout, "1 document of 1 task") {
		t.Fatalf("evidence: exit %d %q %q", code, stdout, stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	want := "III/III.2.1/Quyết định công bố _b_&amp;__b_.pdf"
	if len(names) != 2 || names[0] != want {
		t.Errorf("bundle holds %q, want %q and the index", names, want)
	}
	if _, stderr, code := e.run(t, context.Background(), "evidence", "--year", "2031", "-o", out); code != 1 || !strings.Contains(stderr, "no imported plan") {
		t.Errorf("a year without plans: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error("the earlier bundle was lost:", err)
	}
}
