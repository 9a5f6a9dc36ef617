package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

func monthItem(kind Kind, task, unit string, month, wd int) Item {
	occ := fmt.Sprintf("%s@2024-%02d", task, month)
	return Item{Kind: kind, Assignment: "60/KH-SCT|" + occ + "|" + unit, TaskID: task, Occurrence: occ, Unit: unit,
		Text: "Nhiệm vụ " + task, Due: time.Date(2024, time.Month(month), 25, 17, 0, 0, 0, ict), WorkingDays: wd}
}

// countsOf reads "N label (M unit)" parts.
var partRE = regexp.MustCompile(`(\d+) ([^,(]+?)(?: \((\d+) [^)]*\))?(?:,|\.|$| —)`)

// TestTitleCountsEqualBody: the subject counts what the body shows, for
// each kind of reader: tasks = entries of the section, assignments = the
// items merged into them.
func TestTitleCountsEqualBody(t *testing.T) {
	at := time.Date(2024, 11, 19, 8, 0, 0, 0, ict)
	var items []Item
	for m := 6; m <= 10; m++ {
		items = append(items, monthItem(KindOverdue, "VII.2.1", "Phòng KH-TC", m, -(11-m)*20))
	}
	items = append(items, monthItem(KindOverdue, "I.4.1", "Phòng KH-TC", 10, -17))
	items = append(items, monthItem(KindReminder, "VII.2.1", "Phòng KH-TC", 11, 4), monthItem(KindReminder, "VII.2.1", "Phòng KH-TC", 12, 26))
	items = append(items, monthItem(KindDue, "III.1", "Phòng KH-TC", 11, 0))
	for _, u := range []string{"Văn phòng Sở", "Phòng QLCN", "Phòng QLTM"} {
		for m := 6; m <= 8; m++ {
			items = append(items, monthItem(KindEscalation, "V.2", u, m, -60))
		}
	}
	cp := monthItem(KindOverdue, "IV.1", "Văn phòng Sở", 9, -30)
	cp.Copy = true
	items = append(items, cp)
	m := &Message{Items: items, At: at, To: Recipient{Name: "Trưởng phòng KH-TC"}}
	subject := Subject("Phòng KH-TC", at, items)
	want := "[Nhắc việc CCHC] Phòng KH-TC: 1 cần chỉ đạo (9 lượt đơn vị), 2 quá hạn (6 kỳ), 2 sắp đến hạn (3 kỳ) — 19/11/2024"
	if subject != want {
		t.Fatalf("subject = %q\nwant      %q", subject, want)
	}
	l := Compose(m)
	body := map[string][2]int{}
	for _, s := range l.Sections {
		n := 0
		for _, e := range s.Entries {
			n += len(e.Items)
		}
		body[s.Title] = [2]int{len(s.Entries), n}
	}
	if l.Overview != nil {
		body["cần chỉ đạo"] = [2]int{l.Overview.Tasks, l.Overview.Assignments}
	}
	labels := map[string]string{"cần chỉ đạo": "cần chỉ đạo", "quá hạn": "Quá hạn", "sắp đến hạn": "Sắp đến hạn"}
	for _, text := range []string{strings.TrimSuffix(subject[strings.Index(subject, ": ")+2:], " — 19/11/2024"), l.Summary} {
		found := 0
		for _, p := range partRE.FindAllStringSubmatch(text, -1) {
			label := strings.TrimPrefix(p[2], "nhiệm vụ ")
			key, ok := labels[label]
			if !ok {
				continue
			}
			found++
			tasks, _ := strconv.Atoi(p[1])
			n := tasks
			if p[3] != "" {
				n, _ = strconv.Atoi(p[3])
			}
			if got := body[key]; got != [2]int{tasks, n} {
				t.Errorf("%q counts %d (%d) %s, the body shows %v", text, tasks, n, label, got)
			}
		}
		if found != 3 {
			t.Errorf("%q: %d counts read, want 3", text, found)
		}
	}
	if l.Summary != "Tin này gồm: 1 nhiệm vụ cần chỉ đạo (9 lượt đơn vị), 2 nhiệm vụ quá hạn (6 kỳ), 2 nhiệm vụ sắp đến hạn (3 kỳ)." {
		t.Errorf("summary = %q", l.Summary)
	}
	// The copy is listed, not counted in the title.
	if s := l.Sections[len(l.Sections)-1]; s.Kind != SectionInfo || len(s.Entries) != 1 {
		t.Errorf("last section = %+v, want the copy", s)
	}
}

func TestMergePeriods(t *testing.T) {
	mk := func(occ, name string) Item { return Item{Occurrence: occ, Period: name} }
	tests := []struct {
		items []Item
		want  string
	}{
		{[]Item{mk("VII.2.1@2024-06", ""), mk("VII.2.1@2024-07", ""), mk("VII.2.1@2024-08", ""), mk("VII.2.1@2024-09", ""), mk("VII.2.1@2024-10", "")}, "tháng 6, 7, 8, 9, 10/2024"},
		{[]Item{mk("I.2@2024-H1", "6 tháng đầu năm 2024"), mk("I.2@2024-Q3", "quý III/2024")}, "6 tháng đầu năm 2024; quý III/2024"},
		{[]Item{mk("I.2@2024-Q1", ""), mk("I.2@2024-Q3", ""), mk("I.2@2025-Q1", "")}, "quý I, III/2024; quý I/2025"},
		{[]Item{mk("III.2.1@2024", "")}, ""},
		{[]Item{mk("I.1@2024-12", ""), mk("I.1@2025-01", "")}, "tháng 12/2024; tháng 1/2025"},
		{[]Item{mk("I.1@2024-09-16", "ngày 16/09/2024"), mk("I.1@2024-09-16", "ngày 16/09/2024")}, "ngày 16/09/2024"},
	}
	for _, tt := range tests {
		if got := MergePeriods(tt.items); got != tt.want {
			t.Errorf("MergePeriods(%v) = %q, want %q", tt.items, got, tt.want)
		}
	}
}

func TestShorten(t *testing.T) {
	long := "Triển khai số hóa hồ sơ, kết quả giải quyết và cấp kết quả giải quyết TTHC điện tử đối với TTHC thuộc thẩm quyền"
	got := Shorten(long, 40)
	if got != "Triển khai số hóa hồ sơ, kết quả giải…" {
		t.Errorf("Shorten = %q", got)
	}
	if got := Shorten("Ngắn\n gọn", 40); got != "Ngắn gọn" {
		t.Errorf("Shorten short = %q", got)
	}
}

// TestMergedEntry: a task overdue for five months is one entry, its
// longest delay stated.
func TestMergedEntry(t *testing.T) {
	var items []Item
	for m, wd := range map[int]int{6: -103, 7: -81, 8: -59, 9: -39, 10: -17} {
		items = append(items, monthItem(KindOverdue, "VII.2.1", "Phòng KH-TC", m, wd))
	}
	l := Compose(&Message{Items: items})
	if len(l.Sections) != 1 || len(l.Sections[0].Entries) != 1 {
		t.Fatalf("sections = %+v", l.Sections)
	}
	e := l.Sections[0].Entries[0]
	if got := e.When(); got != "tháng 6, 7, 8, 9, 10/2024: quá hạn (lâu nhất 103 ngày làm việc)" {
		t.Errorf("When = %q", got)
	}
	if e.Units != "" {
		t.Errorf("a head's own entry names the unit %q", e.Units)
	}
}

// TestOverviewSizedForOneScreen: 100 units with escalated items: the
// overview lists ten units and ten tasks, and counts the rest.
func TestOverviewSizedForOneScreen(t *testing.T) {
	var items []Item
	for u := range 100 {
		for k := range 3 {
			it := monthItem(KindEscalation, fmt.Sprintf("T.%d", u*3+k), fmt.Sprintf("Đơn vị %03d", u), 6, -20-u)
			items = append(items, it)
		}
	}
	o := Compose(&Message{Items: items}).Overview
	if o == nil || len(o.Units) != MaxOverviewUnits || len(o.Longest) != MaxOverviewLongest {
		t.Fatalf("overview = %+v", o)
	}
	if o.Tasks != 300 || o.Assignments != 300 || o.OtherUnits != 90 || o.OtherAssignments != 270 || o.MoreTasks != 290 {
		t.Errorf("overview counts = %d tasks, %d assignments, %d other units (%d), %d more tasks", o.Tasks, o.Assignments, o.OtherUnits, o.OtherAssignments, o.MoreTasks)
	}
	if !strings.Contains(o.Longest[0].Line(), "Đơn vị 099") {
		t.Errorf("longest overdue first: %q", o.Longest[0].Line())
	}
}

func TestLeadStates(t *testing.T) {
	it := Item{Copy: true, Occurrence: "III.3.1@2024", TaskID: "III.3.1", Leads: []LeadState{
		{Unit: "Phòng KH-TC"}, {Unit: "Phòng QLCN"}, {Unit: "Phòng QLTM", Done: true}}}
	if got := leadStates([]Item{it}); got != "Phòng KH-TC, Phòng QLCN: chưa xong; Phòng QLTM: đã xong" {
		t.Errorf("leadStates = %q", got)
	}
}

// TestCheckinSection: progress requests come in their own section, after
// the unit's overdue and upcoming tasks, saying how to answer.
func TestCheckinSection(t *testing.T) {
	due := time.Date(2024, 12, 31, 17, 0, 0, 0, ict)
	items := []Item{
		{Kind: KindCheckin, Assignment: "60/KH-SCT|I.5@2024|khtc", TaskID: "I.5", Occurrence: "I.5@2024", Text: "Sáng kiến", Due: due, WorkingDays: 78,
			Ask: "tiến độ đến kỳ báo cáo quý III/2024 (chốt số liệu 14/09/2024)"},
		monthItem(KindOverdue, "VII.2.1", "Phòng KH-TC", 8, -9),
	}
	l := Compose(&Message{Items: items})
	if len(l.Sections) != 2 || l.Sections[1].Kind != SectionCheckin || l.Sections[1].Note != CheckinNote {
		t.Fatalf("sections = %+v", l.Sections)
	}
	if got := l.Sections[1].Entries[0].When(); got != "Cho biết tiến độ đến kỳ báo cáo quý III/2024 (chốt số liệu 14/09/2024); hạn nhiệm vụ 31/12/2024" {
		t.Errorf("When = %q", got)
	}
	if l.Summary != "Tin này gồm: 1 nhiệm vụ quá hạn, 1 nhiệm vụ cần báo cáo tiến độ." {
		t.Errorf("summary = %q", l.Summary)
	}
}
