package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

func TestParsePeriodAndWindow(t *testing.T) {
	for _, tc := range []struct {
		in, label, name, from, cutoff string
	}{
		{"2024-Q1", "2024-Q1", "quý I năm 2024", "15/12/2023", "14/03/2024"},
		{"2024-h1", "2024-H1", "6 tháng đầu năm 2024", "15/12/2023", "14/06/2024"},
		{"2024-Q3", "2024-Q3", "quý III năm 2024", "15/06/2024", "14/09/2024"},
		{"2024-Y", "2024-Y", "năm 2024", "15/12/2023", "14/12/2024"},
		{"2024", "2024-Y", "năm 2024", "15/12/2023", "14/12/2024"},
	} {
		p, err := ParsePeriod(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		from, cutoff := p.Window()
		if p.String() != tc.label || p.Name() != tc.name || dayText(from) != tc.from || dayText(cutoff) != tc.cutoff {
			t.Errorf("%s: %s %q %s–%s", tc.in, p, p.Name(), dayText(from), dayText(cutoff))
		}
	}
	for _, bad := range []string{"2024-Q2", "24-Q3", "Q3", "2024-Q5", ""} {
		if _, err := ParsePeriod(bad); err == nil || !strings.Contains(err.Error(), "period \""+bad+"\"") || !strings.Contains(err.Error(), "CCHC reports") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// draftFixture: plan 60/KH-SCT in the Q3 2024 window (15/6–14/9).
func draftFixture(t *testing.T) ([]scheduler.Task, []scheduler.Assignment, *org.Directory) {
	t.Helper()
	dir, err := org.New(
		[]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "chanh-vp"}, {ID: "khtc", Name: "Phòng Kế hoạch - Tài chính", Head: "tp-khtc"}, {ID: "qlcn", Name: "Phòng Quản lý công nghiệp", Head: "tp-qlcn"}},
		nil,
		[]org.Person{
			{ID: "chanh-vp", Name: "Nguyễn Văn An", Unit: "vp", Role: org.RoleHead},
			{ID: "tp-khtc", Name: "Phạm Thị Hoa", Unit: "khtc", Role: org.RoleHead},
			{ID: "tp-qlcn", Name: "Trần Thị Bình", Unit: "qlcn", Role: org.RoleHead},
		})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(id, text, timeline string) scheduler.Task {
		return scheduler.Task{Plan: scheduler.PlanInfo{Code: plan60, Year: 2024},
			Task: plan.Task{ID: id, Section: sectionOf(id), Text: text, Timeline: plan.Timeline{Text: timeline}}}
	}
	tasks := []scheduler.Task{
		mk("III.2.1", "Công bố <b>TTHC</b> đúng hạn", "Trong năm 2024"),
		mk("VII.2.1", "Số hóa hồ sơ TTHC", "Thường xuyên"),
		mk("II.1", "Rà soát văn bản", "Quý II/2024"),
	}
	open := func(task, occ, unit string, due time.Time) scheduler.Assignment {
		return scheduler.Assignment{Plan: plan60, TaskID: task, Occurrence: occ, Unit: unit, DueDay: day(due.Year(), due.Month(), due.Day()), State: scheduler.StateOpen}
	}
	done := func(a scheduler.Assignment, when time.Time, by, note string) scheduler.Assignment {
		a.State, a.DoneAt, a.DoneBy, a.Note = scheduler.StateDone, when, by, note
		return a
	}
	d := func(m time.Month, dd int) time.Time { return at(2024, m, dd, 9, 0) }
	khtc := open("III.2.1", "III.2.1@2024", "khtc", d(12, 31))
	khtc.Notes = []scheduler.Note{
		{Text: "Đã rà soát 10 TTHC", By: "tp-khtc", At: d(6, 1)},   // before the window
		{Text: "Đã công bố 60% TTHC", By: "tp-khtc", At: d(8, 10)}, // the latest in it
		{Text: "Đã công bố 80% TTHC", By: "tp-khtc", At: d(9, 20)}, // after the cut-off
	}
	khtc.Evidence = []scheduler.Evidence{{Name: "qđ.pdf", By: "tp-khtc", At: d(8, 10)}, {Name: "sau.pdf", By: "tp-khtc", At: d(9, 20)}}
	archived := open("III.2.1", "III.2.1@2024", "vp", d(12, 31))
	archived.State = scheduler.StateArchived
	assignments := []scheduler.Assignment{
		khtc,
		open("III.2.1", "III.2.1@2024", "qlcn", d(12, 31)), // no news: chưa báo cáo
		archived,
		done(open("VII.2.1", "VII.2.1@2024-05", "vp", d(5, 27)), d(5, 20), "chanh-vp", "Tháng 5 xong"), // before the window
		done(open("VII.2.1", "VII.2.1@2024-06", "vp", d(6, 25)), d(6, 20), "chanh-vp", "Tháng 6 xong"),
		done(open("VII.2.1", "VII.2.1@2024-07", "vp", d(7, 25)), d(7, 30), "chanh-vp", "Tháng 7 xong muộn"),
		open("VII.2.1", "VII.2.1@2024-08", "vp", d(8, 26)),
		open("VII.2.1", "VII.2.1@2024-09", "vp", d(9, 25)),                                 // after the cut-off
		done(open("II.1", "II.1@2024", "vp", d(6, 28)), d(6, 3), "chanh-vp", "Đã rà soát"), // before the window, no longer reported
	}
	return tasks, assignments, dir
}

func TestBuildDraft(t *testing.T) {
	tasks, assignments, dir := draftFixture(t)
	p, _ := ParsePeriod("2024-Q3")
	dr := BuildDraft(p, at(2024, 11, 19, 8, 0), ict, tasks, assignments, dir)
	if want := at(2024, 9, 14, 23, 59).Add(59 * time.Second); !dr.At.Equal(want) {
		t.Errorf("draft taken at %v, want the end of the cut-off day %v", dr.At, want)
	}
	var got []string
	for _, r := range dr.Rows {
		got = append(got, r.TaskID+"/"+r.Unit+": "+r.State()+" | "+r.Result())
	}
	want := []string{
		"III.2.1/khtc: Chưa hoàn thành, trong hạn | Đã công bố 60% TTHC (Phạm Thị Hoa, 10/08/2024); 1 tài liệu kiểm chứng",
		"III.2.1/qlcn: Chưa hoàn thành, trong hạn — chưa báo cáo | Chưa có báo cáo tiến độ",
		"VII.2.1/vp: Hoàn thành đúng hạn: tháng 6/2024; Hoàn thành quá hạn: tháng 7/2024; Quá hạn chưa hoàn thành: tháng 8/2024 | Tháng 7 xong muộn (Nguyễn Văn An, 30/07/2024)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c := dr.Totals.Counts
	if dr.Totals.Total != 5 || c[DoneOnTime] != 1 || c[DoneLate] != 1 || c[OpenInTime] != 2 || c[Overdue] != 1 {
		t.Errorf("totals %v of %d", c, dr.Totals.Total)
	}
	if len(dr.NotReported) != 1 || dr.NotReported[0].UnitName != "Phòng Quản lý công nghiệp" || dr.NotReported[0].HeadName != "Trần Thị Bình" {
		t.Errorf("not reported: %+v", dr.NotReported)
	}
	if r := dr.Rows[2]; r.ProgressCell() != "Thường xuyên (hạn 25/06/2024, 25/07/2024, 26/08/2024)" {
		t.Errorf("progress cell %q", r.ProgressCell())
	}

	// Before the cut-off the draft is as of now.
	early := BuildDraft(p, at(2024, 8, 1, 8, 0), ict, tasks, assignments, dir)
	if !early.At.Equal(at(2024, 8, 1, 8, 0)) || early.Rows[0].Progress != "" {
		t.Errorf("early draft at %v, khtc progress %q", early.At, early.Rows[0].Progress)
	}
}

func TestDraftWriters(t *testing.T) {
	tasks, assignments, dir := draftFixture(t)
	p, _ := ParsePeriod("2024-Q3")
	dr := BuildDraft(p, at(2024, 11, 19, 8, 0), ict, tasks, assignments, dir)

	var html bytes.Buffer
	if err := dr.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{"quý III năm 2024", "<th class=\"n\">STT</th><th>Nhiệm vụ</th><th>Đơn vị chủ trì</th><th>Tiến độ</th><th>Kết quả thực hiện</th><th>Tình trạng</th>",
		"Công bố &lt;b&gt;TTHC&lt;/b&gt; đúng hạn", "Trần Thị Bình", "từ ngày 15/06/2024 đến ngày 14/09/2024"} {
		if !strings.Contains(h, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(h, "<b>TTHC") || strings.Contains(h, "<script") || strings.Contains(h, "http") {
		t.Error("html has unescaped task text, a script or an outside address")
	}
	if n := strings.Count(h, "<tr><td class=\"n\">"); n != len(dr.Rows)+len(dr.NotReported) {
		t.Errorf("html has %d numbered rows, want %d", n, len(dr.Rows)+len(dr.NotReported))
	}

	var xb bytes.Buffer
	if err := dr.WriteXLSX(&xb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetDraft)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]string{}
	var tasksSeen []string
	for _, r := range rows {
		if len(r) == 2 {
			counts[r[0]] = r[1]
		}
		if len(r) == 6 && r[0] != "STT" {
			id, _, _ := strings.Cut(r[1], ". ")
			tasksSeen = append(tasksSeen, id)
		}
	}
	for _, b := range Buckets() {
		if counts[b.Label()] != strconv.Itoa(dr.Totals.Counts[b]) {
			t.Errorf("xlsx %s = %q, want %d", b.Label(), counts[b.Label()], dr.Totals.Counts[b])
		}
	}
	if strings.Join(tasksSeen, " ") != "III.2.1 III.2.1 VII.2.1" {
		t.Errorf("xlsx task rows %v, want %d", tasksSeen, len(dr.Rows))
	}

	var txt bytes.Buffer
	if err := dr.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "- Phòng Quản lý công nghiệp (Trần Thị Bình): III.2.1") {
		t.Errorf("text:\n%s", txt.String())
	}
}
