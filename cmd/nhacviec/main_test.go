package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// env is a copy of the example config and plan in a temp dir.
type env struct {
	dir    string
	config string
	vars   map[string]string // environment seen by nhacviec
	setup  func(m *Main)     // adjusts Main before it runs
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"nhacviec.yaml", "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{dir: dir, config: filepath.Join(dir, "nhacviec.yaml"), vars: map[string]string{}}
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:9464\n", "http:\n  listen: 127.0.0.1:0\n")
	e.edit(t, "nhacviec.yaml", "web:\n  listen: 127.0.0.1:8080\n", "web:\n  listen: \"off\"\n")
	return e
}

// appendConfig adds top-level YAML to the config.
func (e *env) appendConfig(t testing.TB, yaml string) {
	t.Helper()
	f, err := os.OpenFile(e.config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n" + yaml); err != nil {
		t.Fatal(err)
	}
}

// run runs nhacviec with args and returns its stdout, stderr and exit code.
func (e *env) run(t testing.TB, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := NewMain(&stdout, &stderr, func(k string) string {
		if k == "NHACVIEC_CONFIG" {
			return e.config
		}
		return e.vars[k]
	})
	m.now = func() time.Time { return time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC) }
	if e.setup != nil {
		e.setup(m)
	}
	err := m.Run(ctx, args)
	code := exitCode(&stderr, err)
	return stdout.String(), stderr.String(), code
}

func (e *env) edit(t testing.TB, name, old, new string) {
	t.Helper()
	path := filepath.Join(e.dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editAll makes several replacements (old, new, old, new, …) in one save,
// written aside and renamed into place as editors do, so that a watcher
// never reads a half-edited file.
func (e *env) editAll(t testing.TB, name string, pairs ...string) {
	t.Helper()
	path := filepath.Join(e.dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if !bytes.Contains(data, []byte(pairs[i])) {
			t.Fatalf("%s does not contain %q", name, pairs[i])
		}
		data = bytes.Replace(data, []byte(pairs[i]), []byte(pairs[i+1]), 1)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestImportThenTasksJSON(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	out, errOut, code := e.run(t, ctx, "import")
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "plan 60/KH-SCT: 46 added") {
		t.Errorf("import said %q", out)
	}
	out, errOut, code = e.run(t, ctx, "tasks", "--json")
	if code != 0 {
		t.Fatalf("tasks: exit %d: %s", code, errOut)
	}
	var tasks []taskView
	if err := json.Unmarshal([]byte(out), &tasks); err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 46 {
		t.Fatalf("%d tasks, want 46", len(tasks))
	}
	byID := map[string]taskView{}
	for _, tv := range tasks {
		byID[tv.ID] = tv
	}
	i2 := byID["I.2"]
	if !slices.Equal(i2.LeadIDs, []string{"vp"}) || !slices.Equal(i2.CoordIDs, []string{"cac-phong"}) ||
		i2.Timeline.Kind != "regulation" || i2.Status != "active" || i2.Plan != "60/KH-SCT" {
		t.Errorf("I.2 = %+v", i2)
	}
	if got := byID["III.4.1"].LeadIDs; !slices.Equal(got, []string{"phong-chuyen-mon", "ttpvhcc"}) {
		t.Errorf("III.4.1 lead = %v", got)
	}
	if got := byID["VII.2.2"].LeadIDs; !slices.Equal(got, []string{"cac-phong"}) {
		t.Errorf("VII.2.2 lead = %v", got)
	}
	// The JSON keys scripts rely on.
	var raw []map[string]any
	_ = json.Unmarshal([]byte(out), &raw)
	for _, key := range []string{"plan", "id", "text", "timeline", "lead_ids", "coord_ids", "output", "status", "lines"} {
		if _, ok := raw[0][key]; !ok {
			t.Errorf("JSON lacks key %q", key)
		}
	}

	out, _, code = e.run(t, ctx, "tasks")
	if code != 0 || !strings.Contains(out, "III.2.2.2") || !strings.Contains(out, "Theo kế hoạch của Bộ Nội vụ") {
		t.Errorf("tasks table: exit %d\n%s", code, out)
	}
}

func TestReimportArchivesRemovedTask(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, errOut, code := e.run(t, ctx, "import"); code != 0 {
		t.Fatal(errOut)
	}
	// Renumber nothing, just drop the last task VII.3.3.
	e.edit(t, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt", "3.3\tTỷ lệ hồ sơ thanh toán trực tuyến\tTrong năm 2024\tVăn phòng Sở\tCác phòng thuộc Sở\tĐạt tỷ lệ tối thiểu 50%", "")
	out, errOut, code := e.run(t, ctx, "import")
	if code != 0 {
		t.Fatal(errOut)
	}
	if !strings.Contains(out, "0 added, 0 updated, 45 unchanged, 0 restored, 1 archived") || !strings.Contains(out, "archived VII.3.3") {
		t.Errorf("re-import said %q", out)
	}
	out, _, _ = e.run(t, ctx, "tasks", "--json", "--all")
	var tasks []taskView
	if err := json.Unmarshal([]byte(out), &tasks); err != nil {
		t.Fatal(err)
	}
	last := tasks[len(tasks)-1]
	if last.ID != "VII.3.3" || last.Status != "archived" || last.ArchivedAt == nil {
		t.Errorf("last task = %+v", last)
	}
}

func TestValidateReportsUnknownUnit(t *testing.T) {
	e := newEnv(t)
	e.edit(t, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt", "\tTheo Kế hoạch kiểm tra\t\t", "\tTheo Kế hoạch kiểm tra\tPhòng Thanh tra\t")
	out, _, code := e.run(t, context.Background(), "validate")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := filepath.Join(e.dir, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt") + `:11: task I.3: lead unit "Phòng Thanh tra" is not in the config (closest known:`
	if !strings.Contains(out, want) {
		t.Errorf("validate said:\n%s\nwant it to contain %q", out, want)
	}
	// Nothing is imported when a plan has problems.
	_, errOut, code := e.run(t, context.Background(), "import")
	if code != 1 || !strings.Contains(errOut, "Phòng Thanh tra") {
		t.Errorf("import: exit %d, %s", code, errOut)
	}
}

func TestValidateConfigErrors(t *testing.T) {
	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "    head: tp-qltm\n", "    head: tp-qltm\n    emial: x@y.z\n")
	data, _ := os.ReadFile(e.config)
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "    emial:")]), "\n")
	out, _, code := e.run(t, context.Background(), "validate")
	if want := fmt.Sprintf(`nhacviec.yaml:%d: units[3]: unknown key "emial"`, line); code != 1 || !strings.Contains(out, want) {
		t.Errorf("exit %d:\n%s\nwant %q", code, out, want)
	}
}

func TestValidateOK(t *testing.T) {
	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "  - id: cc-ttpvhcc\n", "  - id: thu-ky\n    name: Thư ký\n    unit: vp\n  - id: cc-ttpvhcc\n")
	out, _, code := e.run(t, context.Background(), "validate")
	for _, want := range []string{
		"Plan 60/KH-SCT", "46 tasks",
		"schedules: cron 5 due 38 reports 1 unscheduled 2",
		`unscheduled until dates are set: I.3 ("Theo Kế hoạch kiểm tra", task 60/KH-SCT I.3); I.6 ("Theo kế hoạch của Bộ Nội vụ", task 60/KH-SCT I.6)`,
		"People without a channel (no e-mail, no Telegram): thu-ky",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("validate lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestRunImportsAndStops(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errOut string
	go func() {
		var code int
		_, errOut, code = e.run(t, ctx, "run")
		done <- code
	}()
	// The daemon holds the database once its admin socket is there: a
	// second writer (here a second Main) is told so instead of hanging.
	waitFor(t, "the admin socket", func() bool {
		_, err := os.Lstat(filepath.Join(e.dir, "nhacviec.db.sock"))
		return err == nil
	})
	if _, stderr, code := e.run(t, context.Background(), "import"); code != 1 || !strings.Contains(stderr, "in use by another nhacviec process") {
		t.Fatalf("import while run holds the database: exit %d %q", code, stderr)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("run: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "plan imported") || !strings.Contains(errOut, "added=46") {
		t.Errorf("run logged %q", errOut)
	}
}

func TestUsage(t *testing.T) {
	e := newEnv(t)
	_, errOut, code := e.run(t, context.Background(), "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	_, errOut, code = e.run(t, context.Background(), "tasks", "--jsn")
	if code != 2 || !strings.Contains(errOut, "flag provided but not defined: -jsn") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestValidateReportsUnknownTimeline(t *testing.T) {
	e := newEnv(t)
	e.edit(t, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt", "\tTheo quy định\t", "\tKhi có yêu cầu\t")
	out, _, code := e.run(t, context.Background(), "validate")
	want := `:10: task I.2: timeline "Khi có yêu cầu" is not understood (kept verbatim)`
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("exit %d:\n%s\nwant %q", code, out, want)
	}
	// The phrase is kept verbatim, never dropped: import still stores it.
	if _, errOut, code := e.run(t, context.Background(), "import"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out, _, _ = e.run(t, context.Background(), "tasks", "--json")
	if !strings.Contains(out, `"text": "Khi có yêu cầu"`) || !strings.Contains(out, `"kind": "unknown"`) {
		t.Error("unknown timeline not kept verbatim in the store")
	}
}

// TestCommandHelp: every command's --help (and `help COMMAND`) prints that
// command's synopsis and its own flags on stdout and exits 0 without running
// the command; an unknown command name is a usage error.
func TestCommandHelp(t *testing.T) {
	e := newEnv(t)
	for _, c := range commands() {
		if c.name == "help" {
			continue
		}
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			out, stderr, code := e.run(t, context.Background(), args...)
			if code != 0 || stderr != "" {
				t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
			}
			if !strings.HasPrefix(out, "Usage: nhacviec [--config FILE] "+c.name+" ") || !strings.Contains(out, c.summary) || !strings.Contains(out, "-config FILE") {
				t.Errorf("%q printed:\n%s", args, out)
			}
		}
	}
	out, _, _ := e.run(t, context.Background(), "report", "--help")
	if !strings.Contains(out, "-format FORMAT") || strings.Contains(out, "-note") {
		t.Errorf("report --help does not show report's own flags:\n%s", out)
	}
	// --help runs nothing: no database was created by any of the above.
	if _, err := os.Stat(filepath.Join(e.dir, "nhacviec.db")); !os.IsNotExist(err) {
		t.Errorf("a --help created the database: %v", err)
	}
	if _, stderr, code := e.run(t, context.Background(), "help", "nope"); code != 2 || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("help nope: exit %d %q", code, stderr)
	}
}
