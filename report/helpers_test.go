package report

import (
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// ict is Asia/Ho_Chi_Minh written as a fixed zone, so tests need no tzdata.
var ict = time.FixedZone("ICT", 7*3600)

const plan60 = "60/KH-SCT"

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ict) }

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

// asOf is the moment of the hand-built state: Tuesday 15/10/2024, 10:00.
var asOf = at(2024, time.October, 15, 10, 0)

func testDirectory(t testing.TB) *org.Directory {
	t.Helper()
	d, err := org.New(
		[]org.Unit{
			{ID: "vp", Name: "Văn phòng Sở"},
			{ID: "qlcn", Name: "Phòng Quản lý công nghiệp"},
			{ID: "qltm", Name: "Phòng Quản lý thương mại"},
			{ID: "ktat", Name: "Phòng Kỹ thuật an toàn – Môi trường"},
		},
		[]org.Group{{ID: "cac-phong", Name: "Các phòng thuộc Sở", Members: []string{"vp", "qlcn", "qltm"}}},
		[]org.Person{
			{ID: "chanh-vp", Name: "Nguyễn Văn An", Unit: "vp", Role: org.RoleHead},
			{ID: "tp-qlcn", Name: "Trần Thị Bình", Unit: "qlcn", Role: org.RoleHead},
			{ID: "tp-qltm", Name: "Lê Văn Cường", Unit: "qltm", Role: org.RoleHead},
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func task(id, sectionTitle, text string, lead ...string) scheduler.Task {
	return scheduler.Task{
		Plan: scheduler.PlanInfo{Code: plan60, Year: 2024},
		Task: plan.Task{ID: id, Section: sectionOf(id), Headings: []string{sectionTitle}, Text: text, LeadIDs: lead},
	}
}

const (
	titleI   = "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC"
	titleII  = "CẢI CÁCH THỂ CHẾ"
	titleIII = "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
)

func testTasks() []scheduler.Task {
	return []scheduler.Task{
		task("I.1", titleI, "Tổ chức thực hiện các nhiệm vụ tại Kế hoạch CCHC của tỉnh năm 2024", "vp"),
		task("I.4.1", titleI, "Đăng tải nội dung, thông tin CCHC trên trang thông tin điện tử", "vp"),
		task("I.5", titleI, "Sáng kiến hoặc giải pháp mới trong CCHC", "cac-phong"),
		task("II.1", titleII, "Rà soát xử lý kết quả theo dõi thi hành pháp luật", "qlcn"),
		task("II.2", titleII, "Rà soát văn bản quy phạm pháp luật", "ktat"),
		task("III.2.1", titleIII, "Công khai thủ tục hành chính", "qltm"),
	}
}

func asg(taskID, period, unit string, due calendar.Date) scheduler.Assignment {
	occ := taskID + "@" + period
	return scheduler.Assignment{
		Key: scheduler.AssignmentKey(plan60, occ, unit), Plan: plan60, TaskID: taskID,
		Occurrence: occ, Unit: unit, DueDay: due, State: scheduler.StateOpen,
	}
}

func done(a scheduler.Assignment, when time.Time, by, via, note string) scheduler.Assignment {
	a.State, a.DoneAt, a.DoneBy, a.DoneVia, a.Note = scheduler.StateDone, when, by, via, note
	return a
}

// testAssignments is the hand-built state as of asOf, in no useful order.
// The bucket each one falls in is in the comment.
func testAssignments() []scheduler.Assignment {
	dueGroup := day(2024, time.October, 11) // Friday
	groupQLCN := done(asg("I.5", "2024", "qlcn", dueGroup),
		at(2024, time.October, 12, 0, 0), "tp-qlcn", "telegram", "Sáng kiến số hoá hồ sơ") // late: exactly midnight
	groupQLCN.Evidence = []scheduler.Evidence{
		{FileID: "f1", Name: "sang-kien-qlcn.pdf", Path: "evidence/I.5/sang-kien-qlcn.pdf", By: "tp-qlcn", At: at(2024, time.October, 12, 0, 0)},
		{FileID: "f2", Name: "bo-sung.pdf", By: "tp-qlcn", At: at(2024, time.October, 16, 8, 0)}, // after asOf: hidden
	}
	overdue := asg("II.1", "2024", "qlcn", day(2024, time.October, 14))
	overdue.Notes = []scheduler.Note{
		{Text: "Đang tổng hợp số liệu", By: "tp-qlcn", At: at(2024, time.October, 10, 9, 0)},
		{Text: "Đã gửi dự thảo", By: "tp-qlcn", At: at(2024, time.October, 16, 9, 0)}, // after asOf: hidden
	}
	onTime := done(asg("I.4.1", "2024-09", "vp", day(2024, time.September, 30)),
		at(2024, time.September, 27, 16, 0), "chanh-vp", "telegram", "Đã đăng 3 tin")
	onTime.Evidence = []scheduler.Evidence{{Name: "tin-bai-thang-9.pdf", By: "chanh-vp", At: at(2024, time.September, 27, 15, 30)}}
	archived := done(asg("I.1", "2024", "vp", day(2024, time.December, 31)), at(2024, time.October, 1, 8, 0), "chanh-vp", "cli", "")
	archived.State = scheduler.StateArchived
	return []scheduler.Assignment{
		done(asg("III.2.1", "2024", "qltm", day(2024, time.October, 10)),
			at(2024, time.October, 16, 8, 0), "tp-qltm", "telegram", "Đã công khai"), // overdue: done after asOf
		overdue,                              // overdue: due yesterday
		asg("I.5", "2024", "qltm", dueGroup), // overdue
		done(asg("I.4.1", "2024-08", "vp", day(2024, time.August, 30)),
			at(2024, time.September, 4, 9, 0), "chanh-vp", "cli", ""), // late
		groupQLCN, // late
		asg("I.4.1", "2024-10", "vp", day(2024, time.October, 31)), // in time
		archived, // excluded
		done(asg("I.5", "2024", "vp", dueGroup),
			time.Date(2024, time.October, 11, 16, 59, 0, 0, time.UTC), "chanh-vp", "telegram", ""), // on time: 23:59 in ICT
		asg("II.2", "2024", "ktat", day(2024, time.October, 15)), // in time: due today
		onTime, // on time
	}
}
