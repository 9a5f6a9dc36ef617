package scheduler

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
)

// fullSync is a Store whose transactions hide the sync marks: a Sync on it
// plans every task again, as Sync did before fingerprints.
type fullSync struct{ Store }

func (f fullSync) Update(fn func(Tx) error) error {
	return f.Store.Update(func(tx Tx) error { return fn(noMarks{tx}) })
}

func (f fullSync) View(fn func(Tx) error) error {
	return f.Store.View(func(tx Tx) error { return fn(noMarks{tx}) })
}

type noMarks struct{ Tx }

func (noMarks) SyncMark(string, string) (uint64, bool, error)                    { return 0, false, nil }
func (noMarks) PutSyncMark(string, string, uint64) error                         { return nil }
func (noMarks) DropSyncMark(string, string) error                                { return nil }
func (noMarks) ForEachSyncMark(string, func(task string, fp uint64) error) error { return nil }

// counting counts the assignments a Store's transactions read and write.
type counting struct {
	Store
	reads, writes int
	lookups       int // a task's mark or assignments looked up, found or not
}

func (c *counting) Update(fn func(Tx) error) error {
	return c.Store.Update(func(tx Tx) error { return fn(countTx{tx, c}) })
}

type countTx struct {
	Tx
	c *counting
}

func (t countTx) Assignment(key string) (Assignment, bool, error) {
	t.c.reads++
	return t.Tx.Assignment(key)
}

func (t countTx) SyncMark(plan, task string) (uint64, bool, error) {
	if task != "" {
		t.c.lookups++
	}
	return t.Tx.SyncMark(plan, task)
}

func (t countTx) ForEachTaskAssignment(plan, task string, fn func(Assignment) error) error {
	t.c.lookups++
	return t.Tx.ForEachTaskAssignment(plan, task, func(a Assignment) error { t.c.reads++; return fn(a) })
}

func (t countTx) ForEachAssignment(plan string, fn func(Assignment) error) error {
	return t.Tx.ForEachAssignment(plan, func(a Assignment) error { t.c.reads++; return fn(a) })
}

func (t countTx) PutAssignment(a Assignment) error {
	t.c.writes++
	return t.Tx.PutAssignment(a)
}

func (t countTx) CreateAssignment(a Assignment) error {
	t.c.writes++
	return t.Tx.CreateAssignment(a)
}

// TestFirstSyncLooksUpNoTask: a plan's first Sync, when it has no
// assignment yet, creates its tasks' assignments without looking up any
// task's mark or assignments (100,000 lookups of nothing at a 100,000-task
// first start); the next Sync of a changed plan looks them up.
func TestFirstSyncLooksUpNoTask(t *testing.T) {
	tasks := appendixTasks(t)
	cfg := Config{Calendar: testCalendar(t), Directory: testDirectory(t), Policy: DefaultPolicy, Office: "vp",
		ReportDay: 16, Horizon: 120 * 24 * time.Hour, Checkins: DefaultCheckins}
	st := &counting{Store: NewMemStore()}
	e := New(cfg, st, nil)
	now := at(2024, time.June, 14, 7, 0)
	res, err := e.Apply(cfg, tasks, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created == 0 || st.writes != res.Created {
		t.Fatalf("first sync: %d created, %d writes", res.Created, st.writes)
	}
	if st.lookups != 0 {
		t.Errorf("a plan's first sync looked up tasks %d times, want 0", st.lookups)
	}
	cfg.Policy.At = calendar.NewClock(9, 0)
	if _, err := e.Apply(cfg, tasks, now); err != nil {
		t.Fatal(err)
	}
	if st.lookups < len(tasks) {
		t.Errorf("a changed plan's sync looked up tasks %d times, want at least its %d tasks", st.lookups, len(tasks))
	}
}

func allAssignments(t *testing.T, s Store) string {
	t.Helper()
	var as []Assignment
	err := s.View(func(tx Tx) error {
		return tx.ForEachAssignment("", func(a Assignment) error { as = append(as, a); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.MarshalIndent(as, "", " ")
	return string(raw)
}

// TestSyncSkipsWhatDidNotChange: a Sync that plans only the tasks whose
// fingerprint changed leaves the store exactly as a Sync planning every
// task would, through every kind of change a reload or a new day brings —
// and a Sync with nothing changed reads and writes no assignment.
func TestSyncSkipsWhatDidNotChange(t *testing.T) {
	tasks := appendixTasks(t)
	cfg := Config{Calendar: testCalendar(t), Directory: testDirectory(t), Policy: DefaultPolicy, Office: "vp",
		ReportDay: 16, Horizon: 120 * 24 * time.Hour, Checkins: DefaultCheckins}
	inc := &counting{Store: NewMemStore()}
	full := fullSync{NewMemStore()}
	eInc, eFull := New(cfg, inc, nil), New(cfg, full, nil)
	now := at(2024, time.June, 14, 7, 0)
	step := func(name string, cfg Config, tasks []Task) (reads, writes int) {
		t.Helper()
		inc.reads, inc.writes = 0, 0
		ri, err := eInc.Apply(cfg, tasks, now)
		if err != nil {
			t.Fatal(err)
		}
		reads, writes = inc.reads, inc.writes
		rf, err := eFull.Apply(cfg, tasks, now)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := allAssignments(t, inc), allAssignments(t, full); got != want {
			t.Fatalf("%s: the assignments differ from a full sync's:\n%s\nwant\n%s", name, got, want)
		}
		if ri.Created != rf.Created || ri.Updated != rf.Updated || ri.Archived != rf.Archived {
			t.Errorf("%s: result %+v, a full sync's %+v", name, ri, rf)
		}
		return reads, writes
	}
	if _, w := step("first sync", cfg, tasks); w == 0 {
		t.Fatal("the first sync wrote nothing")
	}
	if r, w := step("the same again", cfg, tasks); r != 0 || w != 0 {
		t.Errorf("a sync with nothing changed read %d and wrote %d assignments", r, w)
	}
	// A done mark and a step fired: state the fingerprints do not cover.
	first := allAssignments(t, inc)
	var as []Assignment
	json.Unmarshal([]byte(first), &as)
	for _, e := range []*Engine{eInc, eFull} {
		if _, err := e.Complete(as[0].Key, "tp-qlcn", "cli", "", now); err != nil {
			t.Fatal(err)
		}
	}
	changed := func(name string, cfg Config, tasks []Task) {
		t.Helper()
		if _, w := step(name, cfg, tasks); w == 0 {
			t.Errorf("%s: nothing written (the change is not seen)", name)
		}
		if r, w := step(name+", again", cfg, tasks); r != 0 || w != 0 {
			t.Errorf("%s, again: read %d and wrote %d assignments", name, r, w)
		}
	}

	now = now.AddDate(0, 2, 0)
	changed("two months later", cfg, tasks)

	c := cfg
	c.Horizon = 250 * 24 * time.Hour
	changed("a longer horizon", c, tasks)

	pol := DefaultPolicy
	pol.Before = []int{20, 5}
	c.TaskPolicies = map[string]Policy{tasks[3].ID: pol}
	changed("one task's reminders", c, tasks)

	c.Policy.At = calendar.NewClock(9, 0)
	changed("the general policy's time", c, tasks)

	holidays, err := calendar.New(calendar.Config{Location: hcm, Years: map[int]calendar.Year{
		2024: {DaysOff: days(t, "2024-01-01, 2024-02-08..2024-02-14, 2024-04-18, 2024-04-27..2024-05-01, 2024-08-31..2024-09-03, 2024-07-15..2024-07-19, 2024-09-16..2024-09-20")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.Calendar = holidays
	changed("a day off added", c, tasks)

	c.Checkins = Checkins{Before: 3, Kinds: DefaultCheckins.Kinds}
	changed("check-ins 3 days before", c, tasks)

	c.ReportDay = 10
	changed("the report day", c, tasks)

	year := findTask(t, tasks, "I.1") // "Trong năm 2024": one occurrence, "2024"
	c.Schedules = Schedules{Tasks: map[string]Rule{year.ID: {Due: "2024-11-29"}}}
	changed("a task's due day, same period", c, tasks)

	dir, err := org.New(
		[]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "chanh-vp", Superior: "pgd"},
			{ID: "qlcn", Name: "Phòng Quản lý công nghiệp", Head: "tp-qlcn", Superior: "pgd"},
			{ID: "qltm", Name: "Phòng Quản lý thương mại", Head: "tp-qltm", Superior: "pgd"}},
		[]org.Group{{ID: "cac-phong", Name: "Các phòng thuộc Sở", Members: []string{"vp", "qlcn"}},
			{ID: "phong-cm", Name: "Các phòng chuyên môn thuộc Sở", Members: []string{"qlcn", "qltm"}}},
		[]org.Person{{ID: "pgd", Role: org.RoleLeader}, {ID: "chanh-vp", Unit: "vp"}, {ID: "tp-qlcn", Unit: "qlcn"}, {ID: "tp-qltm", Unit: "qltm"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Directory = dir
	changed("a group without one of its units", c, tasks)

	moved := slices.Clone(tasks)
	for i := range moved {
		if len(moved[i].LeadIDs) == 1 && moved[i].LeadIDs[0] != "qltm" {
			moved[i].LeadIDs = []string{"qltm"}
			break
		}
	}
	changed("a task's lead unit", c, moved)

	moved[5].Timeline = plan.ParseTimeline("Tháng 9/2024")
	changed("a task's timeline", c, moved)

	changed("a task removed", c, slices.Delete(slices.Clone(moved), 7, 8))
	changed("the task back", c, moved)
}
