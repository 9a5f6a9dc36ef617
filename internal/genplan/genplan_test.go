package genplan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
)

// The generated files are what nhacviec reads: the appendix parses to the
// asked number of tasks, each led by a group the config knows.
func TestWriteReadsBack(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{Tasks: 250, Group: 3, Groups: 4}, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "nhacviec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "plan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Parse(f, "plan.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 250 || p.Code != "1/KH-BENCH" || p.Year != 2025 {
		t.Fatalf("plan %s %d: %d tasks", p.Code, p.Year, len(p.Tasks))
	}
	if err := cfg.Directory.ResolvePlan(p); err != nil {
		t.Fatal(err)
	}
	recurring := 0
	for _, task := range p.Tasks {
		if len(task.LeadIDs) != 1 {
			t.Fatalf("%s: lead %q", task.ID, task.LeadIDs)
		}
		g, ok := cfg.Directory.Group(task.LeadIDs[0])
		if !ok || len(g.Members) != 3 {
			t.Fatalf("%s: lead %q is not a group of 3 in the config", task.ID, task.Lead[0])
		}
		if task.Timeline.Kind == plan.KindRecurring {
			recurring++
		}
	}
	if recurring != 25 {
		t.Errorf("%d monthly tasks, want one in ten", recurring)
	}
}
