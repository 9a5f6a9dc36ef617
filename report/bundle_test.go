package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

func TestEvidenceBundle(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	dir := t.TempDir()
	// Files as the doors keep them: generated names on disk.
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	info := scheduler.PlanInfo{Code: "60/KH-SCT", Year: 2024}
	tasks := []scheduler.Task{
		{Plan: info, Task: plan.Task{ID: "III.2.2.1", Section: "III", Text: "Công bố thủ tục hành chính"}},
		{Plan: info, Task: plan.Task{ID: "I.4.1", Section: "I", Text: "Đăng tải thông tin CCHC"}},
	}
	at := time.Date(2024, 9, 20, 10, 30, 0, 0, loc)
	ev := func(name, path, by string) scheduler.Evidence {
		return scheduler.Evidence{Name: name, Path: path, By: by, At: at}
	}
	assignments := []scheduler.Assignment{
		{Plan: "60/KH-SCT", TaskID: "III.2.2.1", Occurrence: "III.2.2.1@2024", Unit: "khtc", Note: "Đã công bố 25 TTHC",
			Evidence: []scheduler.Evidence{
				ev("Báo cáo quý III.pdf", write("a1.pdf", "khtc report"), "tp-khtc"),
				ev("../x", write("a2.bin", "hostile 1"), "tp-khtc"),
				ev("a\x00b.pdf", write("a3.pdf", "hostile 2"), "tp-khtc"),
			}},
		{Plan: "60/KH-SCT", TaskID: "III.2.2.1", Occurrence: "III.2.2.1@2024", Unit: "qlcn",
			Evidence: []scheduler.Evidence{
				ev("Báo cáo quý III.pdf", write("b1.pdf", "qlcn report"), "tp-qlcn"), // same name, another unit
				ev("BÁO CÁO QUÝ III.pdf", write("b2.pdf", "shouting"), "tp-qlcn"),    // same name but for case
				ev("..", write("b3.bin", "dots"), "tp-qlcn"),
				ev("ảnh chụp.jpg", "", "tp-qlcn"),                        // Telegram only
				ev("mất.pdf", filepath.Join(dir, "gone.pdf"), "tp-qlcn"), // lost on disk
			}},
		{Plan: "60/KH-SCT", TaskID: "I.4.1", Occurrence: "I.4.1@2024-09", Unit: "vp",
			Evidence: []scheduler.Evidence{ev("CON.txt", write("c1.txt", "reserved"), "chanh-vp")}},
		{Plan: "60/KH-SCT", TaskID: "I.9", Occurrence: "I.9@2024", Unit: "vp", // a task not asked for
			Evidence: []scheduler.Evidence{ev("khác.pdf", write("d1.pdf", "other"), "chanh-vp")}},
	}
	var buf bytes.Buffer
	sum, err := WriteEvidenceBundle(&buf, tasks, assignments, nil, loc, func(p string) (io.ReadCloser, error) { return os.Open(p) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != 7 || sum.Missing != 2 || sum.Tasks != 2 {
		t.Errorf("summary %+v, want 7 files, 2 missing, 2 tasks", sum)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
	}
	want := map[string]string{
		"III/III.2.2.1/Báo cáo quý III.pdf":     "khtc report",
		"III/III.2.2.1/_x":                      "hostile 1",
		"III/III.2.2.1/ab.pdf":                  "hostile 2",
		"III/III.2.2.1/Báo cáo quý III (2).pdf": "qlcn report",
		"III/III.2.2.1/BÁO CÁO QUÝ III (3).pdf": "shouting",
		"III/III.2.2.1/tai-lieu":                "dots",
		"I/I.4.1/_CON.txt":                      "reserved",
	}
	for name, content := range want {
		if got[name] != content {
			t.Errorf("%s: %q, want %q", name, got[name], content)
		}
	}
	for name := range got {
		if name == BundleIndex {
			continue
		}
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected entry %q", name)
		}
		if strings.Contains(name, "..") || strings.ContainsRune(name, 0) || strings.HasPrefix(name, "/") {
			t.Errorf("unsafe entry %q", name)
		}
	}
	index := got[BundleIndex]
	if !strings.HasPrefix(index, "\uFEFF") {
		t.Error("the index has no byte-order mark for Excel")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(index, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+9 {
		t.Fatalf("index has %d rows, want a header and 9 documents:\n%s", len(rows), index)
	}
	if !slices.Equal(rows[0][:7], []string{"STT", "Kế hoạch", "Nhiệm vụ", "Nội dung nhiệm vụ", "Kỳ", "Đơn vị", "Tệp trong gói"}) {
		t.Errorf("header %q", rows[0])
	}
	// Section order: I before III; every zipped file is listed once.
	if rows[1][2] != "I.4.1" {
		t.Errorf("first row is %q, want I.4.1", rows[1][2])
	}
	listed := map[string]bool{}
	for _, r := range rows[1:] {
		listed[r[6]] = true
		if r[9] != "20/09/2024 10:30" {
			t.Errorf("time %q", r[9])
		}
		if r[7] == "ảnh chụp.jpg" && !strings.Contains(r[6], "chưa tải về") {
			t.Errorf("Telegram-only document: %q", r[6])
		}
		if r[7] == "mất.pdf" && !strings.Contains(r[6], "không đọc được") {
			t.Errorf("lost document: %q", r[6])
		}
		if r[7] == "Báo cáo quý III.pdf" && r[5] == "khtc" && r[10] != "Đã công bố 25 TTHC" {
			t.Errorf("note %q", r[10])
		}
	}
	for name := range want {
		if !listed[name] {
			t.Errorf("%s is not in the index", name)
		}
	}
}
