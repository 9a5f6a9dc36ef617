package report

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

func counts4(onTime, late, inTime, overdue int) map[Bucket]int {
	return map[Bucket]int{DoneOnTime: onTime, DoneLate: late, OpenInTime: inTime, Overdue: overdue}
}

func TestBuildBuckets(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))

	want := []struct {
		occurrence, unit string
		bucket           Bucket
	}{
		{"I.4.1@2024-08", "vp", DoneLate},
		{"I.4.1@2024-09", "vp", DoneOnTime},
		{"I.4.1@2024-10", "vp", OpenInTime},
		{"I.5@2024", "vp", DoneOnTime},
		{"I.5@2024", "qlcn", DoneLate},
		{"I.5@2024", "qltm", Overdue},
		{"II.1@2024", "qlcn", Overdue},
		{"II.2@2024", "ktat", OpenInTime},
		{"III.2.1@2024", "qltm", Overdue},
	}
	if len(r.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(r.Rows), len(want), r.Rows)
	}
	for i, w := range want {
		t.Run(w.occurrence+"|"+w.unit, func(t *testing.T) {
			got := r.Rows[i]
			if got.Occurrence != w.occurrence || got.Unit != w.unit || got.Bucket != w.bucket {
				t.Errorf("row %d = %s|%s %s, want %s|%s %s", i, got.Occurrence, got.Unit, got.Bucket, w.occurrence, w.unit, w.bucket)
			}
		})
	}

	t.Run("by section", func(t *testing.T) {
		want := []Summary{
			{Key: "I", Name: titleI, Counts: counts4(2, 2, 1, 1), Total: 6},
			{Key: "II", Name: titleII, Counts: counts4(0, 0, 1, 1), Total: 2},
			{Key: "III", Name: titleIII, Counts: counts4(0, 0, 0, 1), Total: 1},
		}
		assertSummaries(t, r.BySection, want)
	})
	t.Run("by unit", func(t *testing.T) {
		want := []Summary{
			{Key: "vp", Name: "Văn phòng Sở", Counts: counts4(2, 1, 1, 0), Total: 4},
			{Key: "qlcn", Name: "Phòng Quản lý công nghiệp", Counts: counts4(0, 1, 0, 1), Total: 2},
			{Key: "qltm", Name: "Phòng Quản lý thương mại", Counts: counts4(0, 0, 0, 2), Total: 2},
			{Key: "ktat", Name: "Phòng Kỹ thuật an toàn – Môi trường", Counts: counts4(0, 0, 1, 0), Total: 1},
		}
		assertSummaries(t, r.ByUnit, want)
	})
	t.Run("totals", func(t *testing.T) {
		assertSummaries(t, []Summary{r.Totals}, []Summary{{Key: "", Name: "Tổng cộng", Counts: counts4(2, 2, 2, 3), Total: 9}})
	})
}

func assertSummaries(t *testing.T, got, want []Summary) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d summaries %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.Name != w.Name || g.Total != w.Total || !maps.Equal(g.Counts, w.Counts) {
			t.Errorf("summary %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestBuildRowDetails(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))
	find := func(occ, unit string) Row {
		t.Helper()
		for _, row := range r.Rows {
			if row.Occurrence == occ && row.Unit == unit {
				return row
			}
		}
		t.Fatalf("no row %s|%s", occ, unit)
		return Row{}
	}

	t.Run("done late shows the done mark and evidence up to asOf", func(t *testing.T) {
		row := find("I.5@2024", "qlcn")
		if row.Plan != plan60 || row.TaskID != "I.5" || row.Section != "I" || row.SectionTitle != titleI ||
			row.UnitName != "Phòng Quản lý công nghiệp" || row.Text != "Sáng kiến hoặc giải pháp mới trong CCHC" ||
			row.Due != day(2024, time.October, 11) {
			t.Errorf("row = %+v", row)
		}
		if !row.DoneAt.Equal(at(2024, time.October, 12, 0, 0)) || row.DoneBy != "tp-qlcn" ||
			row.DoneByName != "Trần Thị Bình" || row.DoneVia != "telegram" || row.Note != "Sáng kiến số hoá hồ sơ" {
			t.Errorf("done mark = %v %q %q %q %q", row.DoneAt, row.DoneBy, row.DoneByName, row.DoneVia, row.Note)
		}
		if len(row.Evidence) != 1 || row.Evidence[0].Name != "sang-kien-qlcn.pdf" {
			t.Errorf("evidence = %+v, want only sang-kien-qlcn.pdf", row.Evidence)
		}
	})
	t.Run("done after asOf hides the done mark", func(t *testing.T) {
		row := find("III.2.1@2024", "qltm")
		if !row.DoneAt.IsZero() || row.DoneBy != "" || row.DoneByName != "" || row.DoneVia != "" || row.Note != "" {
			t.Errorf("done mark of a later completion shown: %+v", row)
		}
	})
	t.Run("reopened keeps no done note", func(t *testing.T) {
		a := asg("I.1", "2024", "vp", day(2024, time.December, 31))
		a.Note = "Đã gửi báo cáo" // left by a done mark that was undone
		row := Build(asOf, ict, nil, []scheduler.Assignment{a}, nil).Rows[0]
		if row.Note != "" || row.Bucket != OpenInTime {
			t.Errorf("row = %+v, want open in time without note", row)
		}
	})
	t.Run("notes up to asOf", func(t *testing.T) {
		row := find("II.1@2024", "qlcn")
		if len(row.Notes) != 1 || row.Notes[0].Text != "Đang tổng hợp số liệu" {
			t.Errorf("notes = %+v, want only the note of 10/10", row.Notes)
		}
	})
	t.Run("people", func(t *testing.T) {
		want := map[string]string{"chanh-vp": "Nguyễn Văn An", "tp-qlcn": "Trần Thị Bình"}
		if !maps.Equal(r.People, want) {
			t.Errorf("People = %v, want %v", r.People, want)
		}
	})
	t.Run("archived excluded", func(t *testing.T) {
		for _, row := range r.Rows {
			if row.TaskID == "I.1" {
				t.Errorf("archived assignment reported: %+v", row)
			}
		}
	})
}

func TestClassify(t *testing.T) {
	due := day(2024, time.October, 11)
	open := scheduler.Assignment{DueDay: due, State: scheduler.StateOpen}
	doneAt := func(t time.Time) scheduler.Assignment {
		return scheduler.Assignment{DueDay: due, State: scheduler.StateDone, DoneAt: t}
	}
	tests := []struct {
		name string
		a    scheduler.Assignment
		at   time.Time
		want Bucket
	}{
		{"open before the due day", open, at(2024, time.October, 1, 8, 0), OpenInTime},
		{"open on the due day's last minute", open, at(2024, time.October, 11, 23, 59), OpenInTime},
		{"open at the next midnight", open, at(2024, time.October, 12, 0, 0), Overdue},
		{"done on the due day's last nanosecond", doneAt(at(2024, time.October, 12, 0, 0).Add(-1)), asOf, DoneOnTime},
		{"done at the next midnight", doneAt(at(2024, time.October, 12, 0, 0)), asOf, DoneLate},
		{"done after asOf, due passed", doneAt(asOf.Add(time.Hour)), asOf, Overdue},
		{"done after at, due ahead", doneAt(at(2024, time.October, 10, 9, 0)), at(2024, time.October, 9, 9, 0), OpenInTime},
		{"done at exactly at", doneAt(asOf), asOf, DoneLate},
		{"done without time", doneAt(time.Time{}), asOf, DoneOnTime},
		{"done late in UTC terms only", doneAt(time.Date(2024, time.October, 11, 17, 30, 0, 0, time.UTC)), asOf, DoneLate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.a, tt.at, ict); got != tt.want {
				t.Errorf("classify = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBuildDefaults(t *testing.T) {
	a := asg("IV.1", "2024", "ttpv", day(2024, time.October, 11))
	a = done(a, at(2024, time.October, 11, 20, 0), "someone", "cli", "")
	t.Run("nil location is at's, nil directory shows ids", func(t *testing.T) {
		// 20:00 ICT is 13:00 UTC: on time in ICT, and also in UTC.
		r := Build(asOf.In(time.UTC), nil, nil, []scheduler.Assignment{a}, nil)
		row := r.Rows[0]
		if r.Location != time.UTC || row.Bucket != DoneOnTime || row.UnitName != "ttpv" || row.DoneByName != "someone" ||
			row.Section != "IV" || row.SectionTitle != "" {
			t.Errorf("report = %+v", r)
		}
	})
	t.Run("location decides the end of the due day", func(t *testing.T) {
		// 20:00 on 11/10 in ICT is 03:00 on 12/10 in UTC+14: late there.
		late := Build(asOf, time.FixedZone("UTC+14", 14*3600), nil, []scheduler.Assignment{a}, nil)
		if got := late.Rows[0].Bucket; got != DoneLate {
			t.Errorf("in UTC+14 bucket = %s, want %s", got, DoneLate)
		}
	})
	t.Run("empty", func(t *testing.T) {
		r := Build(asOf, ict, nil, nil, nil)
		if len(r.Rows) != 0 || len(r.BySection) != 0 || len(r.ByUnit) != 0 || r.Totals.Total != 0 ||
			!maps.Equal(r.Totals.Counts, counts4(0, 0, 0, 0)) {
			t.Errorf("empty report = %+v", r)
		}
	})
}

func TestBuildSeveralPlans(t *testing.T) {
	other := asg("I.1", "2025", "vp", day(2025, time.December, 31))
	other.Plan, other.Key = "12/KH-SCT", "12/KH-SCT|I.1@2025|vp"
	r := Build(asOf, ict, testTasks(), append(testAssignments(), other), testDirectory(t))
	var keys []string
	for _, s := range r.BySection {
		keys = append(keys, s.Key)
	}
	want := []string{"12/KH-SCT I", "60/KH-SCT I", "60/KH-SCT II", "60/KH-SCT III"}
	if !slices.Equal(keys, want) {
		t.Errorf("section keys = %q, want %q", keys, want)
	}
}

// TestDaysLateInWorkingDaysOfTheGivenCalendar: overdue and late counts are
// working days on the department's calendar when one is given (a day off
// it announces does not count), the statutory one otherwise.
func TestDaysLateInWorkingDaysOfTheGivenCalendar(t *testing.T) {
	overdue := asg("III.2.1", "2024", "qltm", day(2024, time.October, 10)) // Thursday
	late := done(asg("I.5", "2024", "qlcn", day(2024, time.October, 10)), at(2024, time.October, 15, 9, 0), "tp-qlcn", "telegram", "")
	as := []scheduler.Assignment{overdue, late}
	plain := Build(asOf, ict, testTasks(), as, testDirectory(t)) // 11, 14, 15/10
	cal, err := calendar.New(calendar.Config{Location: ict, Years: map[int]calendar.Year{
		2024: {DaysOff: []calendar.Date{day(2024, time.October, 14)}}, // a day off announced for the sake of the test
	}})
	if err != nil {
		t.Fatal(err)
	}
	official := Build(asOf, ict, testTasks(), as, testDirectory(t), WithCalendar(cal))
	for _, tc := range []struct {
		r    Report
		want map[string]int
	}{{plain, map[string]int{"qltm": 3, "qlcn": 3}}, {official, map[string]int{"qltm": 2, "qlcn": 2}}} {
		for _, row := range tc.r.Rows {
			if row.DaysLate != tc.want[row.Unit] {
				t.Errorf("%s %s: %d working days late, want %d", row.Occurrence, row.Unit, row.DaysLate, tc.want[row.Unit])
			}
		}
	}
}
