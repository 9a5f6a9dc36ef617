package main

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// plannedStore imports the env's plan and plans its assignments as of now
// (read in the config's zone), returning the config and the open database.
func plannedStore(t *testing.T, e *env, now time.Time) (*config.Config, *store.DB, time.Time) {
	t.Helper()
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
	now = time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), 0, 0, cfg.Location)
	if _, err := scheduler.New(schedulerConfig(cfg), db.Scheduler(), nil).Sync(tasks, now); err != nil {
		t.Fatal(err)
	}
	return cfg, db, now
}

// TestEvidenceCommand: evidence kept by a door ends up in the year's
// bundle under its task's folder, with the name the person gave it.
func TestEvidenceCommand(t *testing.T) {
	e := newEnv(t)
	_, db, now := plannedStore(t, e, time.Date(2024, 9, 20, 9, 0, 0, 0, time.UTC))
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

// TestReportPeriodDraft: `report --period 2024-Q3` lists each task for each
// lead unit with its latest progress note, names the units that have not
// reported, and its XLSX counts equal its text.
func TestReportPeriodDraft(t *testing.T) {
	e := newEnv(t)
	_, db, now := plannedStore(t, e, time.Date(2024, 9, 20, 9, 0, 0, 0, time.UTC))
	key := scheduler.AssignmentKey("60/KH-SCT", "III.2.1@2024", "vp")
	err := db.Scheduler().Update(func(tx scheduler.Tx) error {
		a, ok, err := tx.Assignment(key)
		if err != nil || !ok {
			t.Fatalf("assignment %s: %v %v", key, ok, err)
		}
		a.Notes = append(a.Notes, scheduler.Note{Text: "Đã công bố 20/25 TTHC", By: "chanh-vp", At: now.AddDate(0, 0, -30)})
		return tx.PutAssignment(a)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := e.run(t, context.Background(), "report", "--period", "2024-Q3", "--now", "2024-11-19T08:00")
	if code != 0 {
		t.Fatalf("report --period: exit %d %s", code, stderr)
	}
	for _, want := range []string{
		"DỰ THẢO BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC QUÝ III NĂM 2024",
		"Số liệu từ ngày 15/06/2024 đến ngày 14/09/2024",
		"Kết quả thực hiện: Đã công bố 20/25 TTHC (Chánh Văn phòng, 21/08/2024)",
		"3. ĐƠN VỊ CHƯA BÁO CÁO TIẾN ĐỘ\n- Văn phòng Sở (Chánh Văn phòng):",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("draft lacks %q:\n%s", want, out)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "du-thao.xlsx")
	if _, stderr, code := e.run(t, context.Background(), "report", "--period", "2024-Q3", "--now", "2024-11-19T08:00", "--format", "xlsx", "-o", xlsx); code != 0 {
		t.Fatalf("xlsx: %s", stderr)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(report.SheetDraft)
	for _, r := range rows {
		if len(r) == 2 && r[0] != "Tình trạng" {
			// "Hoàn thành đúng hạn  3" in the text's table.
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(r[0]) + `\s+` + r[1] + `\s*$`).MatchString(out) {
				t.Errorf("xlsx says %s = %s; the text does not", r[0], r[1])
			}
		}
	}
	if _, stderr, code := e.run(t, context.Background(), "report", "--period", "2024-Q2"); code != 2 || !strings.Contains(stderr, `"Q2" is not Q1, H1, Q3 or Y`) {
		t.Errorf("a period that is no CCHC report: exit %d %q", code, stderr)
	}
}

// TestTwoPlansSameTaskIDs: with a second plan numbering its tasks like
// 60/KH-SCT, the example's per-plan rules stay with 60/KH-SCT (the other
// plan's I.3 gets its kind's schedule), and a rule by bare id is refused by
// validate with its file and line.
func TestTwoPlansSameTaskIDs(t *testing.T) {
	e := newEnv(t)
	seed, err := os.ReadFile(filepath.Join(e.dir, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt"))
	if err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(string(seed), "Kế hoạch số 60/KH-SCT", "Kế hoạch số 12/KH-SCT", 1)
	if err := os.WriteFile(filepath.Join(e.dir, "ke-hoach-12.txt"), []byte(second), 0o644); err != nil {
		t.Fatal(err)
	}
	e.edit(t, "nhacviec.yaml", "plans:\n  - ke-hoach-60-KH-SCT-2024-phu-luc-I.txt\n", "plans:\n  - ke-hoach-60-KH-SCT-2024-phu-luc-I.txt\n  - ke-hoach-12.txt\n")
	out, _, code := e.run(t, context.Background(), "validate")
	if code != 0 || !strings.Contains(out, `unscheduled until dates are set: I.3 ("Theo Kế hoạch kiểm tra", task 60/KH-SCT I.3); I.6`) {
		t.Fatalf("validate with two plans: exit %d\n%s", code, out)
	}
	// Plan 12's I.3 and I.6 are not unscheduled by 60/KH-SCT's rules.
	if n := strings.Count(out, "unscheduled until dates are set:"); n != 2 || !strings.Contains(out, `I.3 ("Theo Kế hoạch kiểm tra", default other-plan)`) {
		t.Errorf("plan 12's tasks took 60/KH-SCT's rules:\n%s", out)
	}
	e.edit(t, "nhacviec.yaml", "  sections: {}\n", "  sections: {}\n  tasks:\n    I.5: {due: \"2024-10-15\"}\n")
	out, _, code = e.run(t, context.Background(), "validate")
	line := 0
	for i, l := range strings.Split(readFile(t, e.config), "\n") {
		if strings.HasPrefix(l, "    I.5: {due:") {
			line = i + 1
		}
	}
	want := fmt.Sprintf("nhacviec.yaml:%d: schedules.tasks.I.5: task I.5 is in plans 12/KH-SCT and 60/KH-SCT", line)
	if code != 1 || line == 0 || !strings.Contains(out, want) {
		t.Errorf("an ambiguous bare id: exit %d, want %q in\n%s", code, want, out)
	}
	if _, stderr, code := e.run(t, context.Background(), "import"); code != 1 || !strings.Contains(stderr, "task I.5 is in plans") {
		t.Errorf("import with an ambiguous bare id: exit %d %q", code, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
