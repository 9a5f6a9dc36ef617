package report

import (
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

func TestWeekly(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	at := time.Date(2024, 11, 25, 8, 0, 0, 0, loc)
	day := func(d int) calendar.Date { return calendar.Date{Year: 2024, Month: time.November, Day: d} }
	as := []scheduler.Assignment{
		{Key: "P|I.1@2024|vp", Plan: "P", TaskID: "I.1", Occurrence: "I.1@2024", Unit: "vp", DueDay: day(29), State: scheduler.StateDone,
			DoneAt: time.Date(2024, 11, 20, 9, 0, 0, 0, loc), DoneBy: "an"},
		{Key: "P|I.2@2024|vp", Plan: "P", TaskID: "I.2", Occurrence: "I.2@2024", Unit: "vp", DueDay: day(5), State: scheduler.StateDone,
			DoneAt: time.Date(2024, 11, 4, 9, 0, 0, 0, loc), DoneBy: "an"}, // done before the week
		{Key: "P|I.3@2024|qltm", Plan: "P", TaskID: "I.3", Occurrence: "I.3@2024", Unit: "qltm", DueDay: day(15), State: scheduler.StateOpen},
		{Key: "P|I.3@2024|vp", Plan: "P", TaskID: "I.3", Occurrence: "I.3@2024", Unit: "vp", DueDay: day(15), State: scheduler.StateOpen},
		{Key: "P|I.4@2024-10|vp", Plan: "P", TaskID: "I.4", Occurrence: "I.4@2024-10", Unit: "vp", DueDay: day(20), State: scheduler.StateDone,
			DoneAt: time.Date(2024, 11, 21, 9, 0, 0, 0, loc), DoneBy: "an"},
	}
	r := Build(at, loc, nil, as, nil)
	title, body := r.Weekly(at.AddDate(0, 0, -7))
	// One task overdue for two units; two tasks done in the week, one unit each.
	if title != "Tổng hợp tiến độ CCHC tuần: 2 nhiệm vụ hoàn thành trong tuần, 1 nhiệm vụ (2 lượt đơn vị) quá hạn" {
		t.Errorf("title = %q", title)
	}
	for _, want := range []string{"- Hoàn thành đúng hạn: 2", "- Quá hạn chưa hoàn thành: 2", "Hoàn thành trong tuần (2 nhiệm vụ):", "- I.1 ", "- I.4 (tháng 10/2024) ", "hoàn thành 20/11/2024 (an)", "- qltm: 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "- I.2 ") {
		t.Error("a completion before the week is listed")
	}
}

// TestStreamWeeklyEqualsBuild: the weekly summary of the streamed report
// is that of Build, on the fixtures of TestStreamEqualsBuild.
func TestStreamWeeklyEqualsBuild(t *testing.T) {
	bigTasks, bigAs := benchState()
	trickyTasks, trickyAs := trickyState()
	for _, c := range []struct {
		name  string
		tasks []scheduler.Task
		as    []scheduler.Assignment
	}{
		{"fixture", testTasks(), testAssignments()},
		{"tricky", trickyTasks, trickyAs},
		{"year of 200 tasks", bigTasks, bigAs},
		{"empty", testTasks(), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			since := asOf.AddDate(0, 0, -7)
			wantTitle, wantBody := Build(asOf, ict, c.tasks, c.as, testDirectory(t)).Weekly(since)
			s, err := NewStream(asOf, ict, Lookup(c.tasks), memSource(t, c.as), testDirectory(t))
			if err != nil {
				t.Fatal(err)
			}
			title, body, err := s.Weekly(since)
			if err != nil {
				t.Fatal(err)
			}
			if title != wantTitle || body != wantBody {
				t.Errorf("stream:\n%s\n%s\nbuild:\n%s\n%s", title, body, wantTitle, wantBody)
			}
			if c.name == "tricky" && !strings.Contains(wantBody, "hoàn thành 09/10/2024") {
				t.Errorf("the fixture has no completion in the week:\n%s", wantBody)
			}
		})
	}
}
