package scheduler

import (
	"os"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
)

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, hcm) }

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func days(t testing.TB, s string) []calendar.Date {
	t.Helper()
	ds, err := calendar.ParseDays(s)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// testCalendar is the official calendar of 2024–2025 (domain.md).
func testCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.New(calendar.Config{
		Location: hcm,
		Years: map[int]calendar.Year{
			2024: {DaysOff: days(t, "2024-01-01, 2024-02-08..2024-02-14, 2024-04-18, 2024-04-27..2024-05-01, 2024-08-31..2024-09-03"),
				WorkedSaturdays: days(t, "2024-05-04")},
			2025: {DaysOff: days(t, "2025-01-01, 2025-01-25..2025-02-02, 2025-04-07, 2025-04-30..2025-05-04, 2025-08-30..2025-09-02"),
				WorkedSaturdays: days(t, "2025-04-26")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// testDirectory mirrors the example config's structure.
func testDirectory(t testing.TB) *org.Directory {
	t.Helper()
	d, err := org.New(
		[]org.Unit{
			{ID: "vp", Name: "Văn phòng Sở", Head: "chanh-vp", Superior: "pgd"},
			{ID: "qlcn", Name: "Phòng Quản lý công nghiệp", Head: "tp-qlcn", Superior: "pgd"},
			{ID: "qltm", Name: "Phòng Quản lý thương mại", Head: "tp-qltm", Superior: "pgd"},
		},
		[]org.Group{
			{ID: "cac-phong", Name: "Các phòng thuộc Sở", Members: []string{"vp", "qlcn", "qltm"}},
			{ID: "phong-cm", Name: "Các phòng chuyên môn thuộc Sở", Members: []string{"qlcn", "qltm"}},
		},
		[]org.Person{
			{ID: "gd", Name: "Giám đốc Sở", Role: org.RoleLeader, Email: "gd@example.vn"},
			{ID: "pgd", Name: "Phó Giám đốc", Role: org.RoleLeader, Email: "pgd@example.vn"},
			{ID: "chanh-vp", Name: "Chánh Văn phòng", Unit: "vp", Role: org.RoleHead, Email: "vp@example.vn"},
			{ID: "tp-qlcn", Name: "Trưởng phòng QLCN", Unit: "qlcn", Role: org.RoleHead, Email: "qlcn@example.vn", Telegram: 1001},
			{ID: "tp-qltm", Name: "Trưởng phòng QLTM", Unit: "qltm", Role: org.RoleHead, Email: "qltm@example.vn"},
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// detailEngine is testEngine making its messages at level of detail d.
func detailEngine(t testing.TB, store Store, d Detail) *Engine {
	t.Helper()
	e := testEngine(t, store)
	cfg := *e.state.Load().Config
	cfg.Detail = d
	e.SetConfig(cfg)
	return e
}

var plan60 = PlanInfo{Code: "60/KH-SCT", Year: 2024, Start: calendar.Date{Year: 2024, Month: time.June, Day: 13}}

// appendixTasks reads the real appendix and maps its unit names the way
// the example config does.
func appendixTasks(t testing.TB) []Task {
	t.Helper()
	f, err := os.Open("../examples/ke-hoach-60-KH-SCT-2024-phu-luc-I.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Parse(f, "phu-luc-I.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := org.New(
		[]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "chanh-vp", Superior: "pgd"},
			{ID: "qlcn", Name: "Phòng Quản lý công nghiệp", Head: "tp-qlcn", Superior: "pgd"},
			{ID: "qltm", Name: "Phòng Quản lý thương mại", Head: "tp-qltm", Superior: "pgd"},
			{ID: "ttpvhcc", Name: "Công chức tại TTPVHCC"},
			{ID: "tt", Name: "Trung tâm Phục vụ hành chính công tỉnh", External: true}},
		[]org.Group{{ID: "cac-phong", Name: "Các phòng thuộc Sở", Aliases: []string{"Các phòng"}, Members: []string{"vp", "qlcn", "qltm"}},
			{ID: "phong-cm", Name: "Các phòng chuyên môn thuộc Sở", Members: []string{"qlcn", "qltm"}}},
		[]org.Person{{ID: "pgd", Role: org.RoleLeader}, {ID: "chanh-vp", Unit: "vp"}, {ID: "tp-qlcn", Unit: "qlcn"}, {ID: "tp-qltm", Unit: "qltm"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ResolvePlan(p); err != nil {
		t.Fatal(err)
	}
	out := make([]Task, len(p.Tasks))
	for i, task := range p.Tasks {
		out[i] = Task{Plan: plan60, Task: task}
	}
	return out
}

func findTask(t testing.TB, tasks []Task, id string) Task {
	t.Helper()
	for _, task := range tasks {
		if task.ID == id {
			return task
		}
	}
	t.Fatalf("no task %s", id)
	return Task{}
}

func testEngine(t testing.TB, store Store) *Engine {
	t.Helper()
	return New(Config{
		Calendar:  testCalendar(t),
		Directory: testDirectory(t),
		Policy:    DefaultPolicy,
		Office:    "vp",
		ReportDay: 16,
		Horizon:   400 * 24 * time.Hour,
	}, store, nil)
}
