package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/plan"
)

// event is one message as a test sees it.
type event struct {
	at    time.Time
	to    string
	kinds string
}

func (ev event) String() string {
	return fmt.Sprintf("%s %s %s", ev.at.Format("2006-01-02 15:04"), ev.to, ev.kinds)
}

func events(msgs []*notify.Message) []string {
	var out []string
	for _, m := range msgs {
		var kinds []string
		for _, it := range m.Items {
			k := string(it.Kind)
			if it.Kind == notify.KindOverdue || it.Kind == notify.KindEscalation {
				k += fmt.Sprint(it.Level)
			}
			if it.Copy {
				k += "(copy)"
			}
			kinds = append(kinds, it.TaskID+":"+k)
		}
		out = append(out, event{m.At, m.To.ID + "/" + m.Channel, strings.Join(kinds, ",")}.String())
	}
	return out
}

// runUntil fires every wake-up up to until and returns the messages.
func runUntil(t *testing.T, e *Engine, until time.Time) []*notify.Message {
	t.Helper()
	return runFrom(t, e, time.Time{}, until)
}

// runFrom is runUntil with the daemon's clock starting at from: nothing
// fires before it.
func runFrom(t *testing.T, e *Engine, from, until time.Time) []*notify.Message {
	t.Helper()
	var all []*notify.Message
	now := from
	for i := 0; i < 10000; i++ {
		next, ok, err := e.NextWake(now)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || next.After(until) {
			return all
		}
		msgs, err := e.Fire(next)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, msgs...)
		now = next
	}
	t.Fatal("too many wake-ups")
	return nil
}

func oneTask(id, timeline string, lead ...string) Task {
	return Task{Plan: plan60, Task: plan.Task{ID: id, Section: "I", Text: "Nhiệm vụ <thử> & kiểm tra",
		Timeline: plan.ParseTimeline(timeline), LeadIDs: lead}}
}

// TestFullSequence walks one assignment from its first reminder to its
// second escalation, then marks it done: nothing more comes. News (the
// first reminder, the due day, newly overdue, escalations) goes at once;
// the rest follows the reader's rhythm of 3 working days.
func TestFullSequence(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	if _, err := e.Sync([]Task{oneTask("I.1", "Trong năm 2024", "vp")}, at(2024, 6, 14, 8, 0)); err != nil {
		t.Fatal(err)
	}
	got := events(runUntil(t, e, at(2025, 1, 15, 12, 0)))
	// Hand-computed on the official 2024/2025 calendar: due Tuesday
	// 31/12/2024; 30 working days before is 19/11; 1/1/2025 is a holiday.
	want := []string{
		"2024-11-19 08:00 chanh-vp/email I.1:reminder", // reminder-30: news
		"2024-12-20 08:00 chanh-vp/email I.1:reminder", // reminder-7, on the rhythm (last digest 19/11)
		"2024-12-25 08:00 chanh-vp/email I.1:reminder", // repeated 3 working days later
		// reminder-3 (26/12) waits for the rhythm: 30/12
		"2024-12-30 08:00 chanh-vp/email I.1:reminder",
		"2024-12-31 08:00 chanh-vp/email I.1:due",      // news
		"2025-01-02 08:00 chanh-vp/email I.1:overdue1", // newly overdue (1/1 is a holiday): news
		// 3 working days overdue: escalation 1 to the unit's head (here
		// the office), with the overdue item repeated; and to the superior.
		"2025-01-06 08:00 chanh-vp/email I.1:escalation1,I.1:overdue0",
		"2025-01-06 08:00 pgd/email I.1:escalation1",
		"2025-01-09 08:00 chanh-vp/email I.1:overdue0",
		"2025-01-14 08:00 chanh-vp/email I.1:overdue0",
		// 10 working days overdue: the leadership.
		"2025-01-15 08:00 gd/email I.1:escalation2",
		"2025-01-15 08:00 pgd/email I.1:escalation2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sequence:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	key := AssignmentKey("60/KH-SCT", "I.1@2024", "vp")
	if _, err := e.Complete(key, "chanh-vp", "cli", "đã xong", at(2025, 1, 15, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := e.NextWake(time.Time{}); ok {
		t.Error("a done assignment still has a next step")
	}
	if got := runUntil(t, e, at(2025, 3, 1, 0, 0)); len(got) != 0 {
		t.Errorf("after done: %v", events(got))
	}
	// Undo: the overdue item is repeated again on the reader's rhythm.
	if _, err := e.Reopen(key); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.Fire(at(2025, 1, 24, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got := events(msgs); !slices.Equal(got, []string{"2025-01-24 08:00 chanh-vp/email I.1:overdue0"}) {
		t.Errorf("after undo: %v", got)
	}
}

func TestGroupLeadAssignsEachMember(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	res, err := e.Sync([]Task{oneTask("I.5", "Trong năm 2024", "cac-phong")}, at(2024, 6, 14, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 {
		t.Errorf("created %d assignments, want 3", res.Created)
	}
	var keys []string
	_ = store.View(func(tx Tx) error {
		return tx.ForEachAssignment("", func(a Assignment) error {
			keys = append(keys, a.Key)
			return nil
		})
	})
	want := []string{"60/KH-SCT|I.5@2024|qlcn", "60/KH-SCT|I.5@2024|qltm", "60/KH-SCT|I.5@2024|vp"}
	if !slices.Equal(keys, want) {
		t.Errorf("assignments = %v", keys)
	}
	// Each member is reminded; done by one does not silence the others.
	if _, err := e.Complete(want[0], "tp-qlcn", "cli", "", at(2024, 6, 20, 9, 0)); err != nil {
		t.Fatal(err)
	}
	got := events(runUntil(t, e, at(2024, 11, 19, 12, 0)))
	// Văn phòng's head also sees, in its digest, that QLCN did its part.
	wantEv := []string{
		"2024-11-19 08:00 chanh-vp/email I.5:reminder,I.5:done",
		"2024-11-19 08:00 tp-qltm/email I.5:reminder",
	}
	if !slices.Equal(got, wantEv) {
		t.Errorf("events = %v, want %v", got, wantEv)
	}
}

func TestCoordinatingUnitsAreCopied(t *testing.T) {
	e := testEngine(t, NewMemStore())
	task := oneTask("II.1", "Trong năm 2024", "vp")
	task.CoordIDs = []string{"phong-cm"}
	if _, err := e.Sync([]Task{task}, at(2024, 12, 30, 9, 0)); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.Fire(at(2024, 12, 31, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	got := events(msgs)
	want := []string{
		"2024-12-31 08:00 chanh-vp/email II.1:due",
		"2024-12-31 08:00 tp-qlcn/telegram II.1:due(copy)", // Telegram first: e-mail only if it fails
		"2024-12-31 08:00 tp-qltm/email II.1:due(copy)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msgs[1].Title != "[Nhắc việc CCHC] Phòng QLCN: 1 nhiệm vụ phối hợp để biết — 31/12/2024" {
		t.Errorf("copy title = %q", msgs[1].Title)
	}
}

// TestCatchUpAfterDowntime: the daemon was down for a week around the due
// day; on restart each assignment gets one message, with its latest step.
func TestCatchUpAfterDowntime(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Trong năm 2024", "cac-phong")}
	if _, err := e.Sync(tasks, at(2024, 12, 19, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// Down from 19/12 to 27/12 10:00: reminder-7 (20/12) and reminder-3
	// (26/12) fell due meanwhile.
	msgs, err := e.Fire(at(2024, 12, 27, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	got := events(msgs)
	want := []string{
		"2024-12-27 10:00 chanh-vp/email I.1:reminder,I.5:reminder",
		"2024-12-27 10:00 tp-qlcn/telegram I.5:reminder",
		"2024-12-27 10:00 tp-qltm/email I.5:reminder",
	}
	if !slices.Equal(got, want) {
		t.Errorf("catch-up:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msgs[0].Items[0].WorkingDays != 2 {
		t.Errorf("working days left = %d, want 2", msgs[0].Items[0].WorkingDays)
	}
	// The skipped reminder-7 is recorded, never produced later.
	store.mu.Lock()
	rec := store.steps[StepKey(AssignmentKey("60/KH-SCT", "I.1@2024", "vp"), "reminder-7")]
	store.mu.Unlock()
	if !rec.Skipped {
		t.Errorf("reminder-7 record = %+v, want skipped", rec)
	}
	// Firing again at the same moment produces nothing.
	if again, _ := e.Fire(at(2024, 12, 27, 10, 0)); len(again) != 0 {
		t.Errorf("second fire: %v", events(again))
	}
}

func TestSnoozeHoldsSteps(t *testing.T) {
	e := testEngine(t, NewMemStore())
	if _, err := e.Sync([]Task{oneTask("I.1", "Trong năm 2024", "vp")}, at(2024, 12, 19, 9, 0)); err != nil {
		t.Fatal(err)
	}
	key := AssignmentKey("60/KH-SCT", "I.1@2024", "vp")
	if _, err := e.Snooze(key, at(2024, 12, 28, 0, 0)); err != nil { // Saturday
		t.Fatal(err)
	}
	got := events(runUntil(t, e, at(2024, 12, 30, 12, 0)))
	// 20/12 and 26/12 are held; the snooze ends on Monday 30/12 at 07:30,
	// which is also the day of reminder-1 (08:00): one digest a day, so
	// reminder-1 does not come again at 08:00.
	want := []string{"2024-12-30 07:30 chanh-vp/email I.1:reminder"}
	if !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestSyncConfigChangeKeepsPast(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	task := oneTask("III.2.1", "Trong năm 2024", "vp")
	start := at(2024, 11, 1, 9, 0)
	if _, err := e.Sync([]Task{task}, start); err != nil {
		t.Fatal(err)
	}
	first := events(runFrom(t, e, start, at(2024, 11, 26, 12, 0)))
	if want := []string{"2024-11-19 08:00 chanh-vp/email III.2.1:reminder"}; !slices.Equal(first, want) { // reminder-30 of 31/12
		t.Fatalf("before the change: %v, want %v", first, want)
	}
	// On 27/11 the admin moves the deadline to Friday 29/11: reminder-7
	// (20/11) and reminder-3 (26/11) of the new deadline are already past;
	// the latest of them comes once, at once, and reminder-30 is not
	// produced again. Reminder-1 (28/11) is not news: it would repeat
	// yesterday's item, so it waits; the due day is news.
	cfg := *e.state.Load().Config
	cfg.Schedules.Tasks = map[string]Rule{"III.2.1": {Due: "2024-11-29"}}
	change := at(2024, 11, 27, 9, 0)
	res, err := e.Apply(cfg, []Task{task}, change)
	if err != nil || res.Updated != 1 || res.Created != 0 {
		t.Fatalf("sync = %+v, %v", res, err)
	}
	if len(res.Changes) != 1 || res.Changes[0].Before.DueDay != day(2024, 12, 31) || res.Changes[0].After.DueDay != day(2024, 11, 29) ||
		res.Changes[0].After.Next == nil || res.Changes[0].After.Next.Step != "reminder-7" || !res.Changes[0].After.Next.At.Equal(at(2024, 11, 20, 8, 0)) {
		t.Errorf("changes = %+v, want III.2.1's due day 31/12 → 29/11, next step reminder-7 of 20/11", res.Changes)
	}
	got := events(runFrom(t, e, change, at(2024, 11, 29, 12, 0)))
	want := []string{"2024-11-27 09:00 chanh-vp/email III.2.1:reminder", "2024-11-29 08:00 chanh-vp/email III.2.1:due"}
	if !slices.Equal(got, want) {
		t.Errorf("after the change:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	store.mu.Lock()
	r30 := store.steps[StepKey(AssignmentKey("60/KH-SCT", "III.2.1@2024", "vp"), "reminder-30")]
	r7 := store.steps[StepKey(AssignmentKey("60/KH-SCT", "III.2.1@2024", "vp"), "reminder-7")]
	store.mu.Unlock()
	if r30.Skipped || !r30.Produced.Equal(at(2024, 11, 19, 8, 0)) {
		t.Errorf("reminder-30 record = %+v, want produced on 19/11 and kept", r30)
	}
	if !r7.Skipped {
		t.Errorf("reminder-7 record = %+v, want skipped", r7)
	}
	// Removing the task (another task of the plan stays) archives its
	// assignment and stops it.
	res, err = e.Sync([]Task{oneTask("I.1", "Trong năm 2024", "vp")}, at(2024, 11, 29, 12, 0))
	if err != nil || res.Archived != 1 || len(res.Changes) != 1 || res.Changes[0].After.State != StateArchived || res.Changes[0].Before.TaskID != "III.2.1" {
		t.Fatalf("sync = %+v, %v", res, err)
	}
	for _, ev := range events(runUntil(t, e, at(2025, 1, 31, 0, 0))) {
		if strings.Contains(ev, "III.2.1") {
			t.Errorf("archived assignment still fires: %s", ev)
		}
	}
}

// TestCompletionsReachOfficeOnce: a done mark joins the next digest of the
// office's head, once; one undone before that is not reported.
func TestCompletionsReachOfficeOnce(t *testing.T) {
	e := testEngine(t, NewMemStore())
	tasks := []Task{oneTask("I.5", "Trong năm 2024", "cac-phong"), oneTask("II.3", "Trong năm 2024", "qltm")}
	if _, err := e.Sync(tasks, at(2024, 12, 19, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Complete(AssignmentKey("60/KH-SCT", "I.5@2024", "qlcn"), "tp-qlcn", "telegram", "", at(2024, 12, 19, 10, 0)); err != nil {
		t.Fatal(err)
	}
	undone := AssignmentKey("60/KH-SCT", "II.3@2024", "qltm")
	if _, err := e.Complete(undone, "tp-qltm", "telegram", "", at(2024, 12, 19, 11, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Reopen(undone); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.Fire(at(2024, 12, 20, 8, 0)) // reminder-7
	if err != nil {
		t.Fatal(err)
	}
	var done []notify.Item
	for _, m := range msgs {
		for _, it := range m.Items {
			if it.Kind == notify.KindDone {
				if m.To.ID != "chanh-vp" {
					t.Errorf("completion sent to %s", m.To.ID)
				}
				done = append(done, it)
			}
		}
	}
	if len(done) != 1 || done[0].Assignment != AssignmentKey("60/KH-SCT", "I.5@2024", "qlcn") ||
		done[0].DoneBy != "Trưởng phòng QLCN" || done[0].Status() != "đã hoàn thành ngày 19/12/2024, Trưởng phòng QLCN" {
		t.Fatalf("completions = %+v", done)
	}
	msgs, _ = e.Fire(at(2024, 12, 26, 8, 0)) // reminder-3
	for _, m := range msgs {
		for _, it := range m.Items {
			if it.Kind == notify.KindDone {
				t.Errorf("completion reported twice: %+v", it)
			}
		}
	}
}

// TestReloadWhileFiring: reloads (SetConfig and Sync) in a loop while the
// bot asks for next steps and the daemon fires digests, which read the
// tasks of the last Sync. Run with -race.
func TestReloadWhileFiring(t *testing.T) {
	e := testEngine(t, NewMemStore())
	tasks := appendixTasks(t)
	start := at(2024, 11, 1, 9, 0)
	if _, err := e.Sync(tasks, start); err != nil {
		t.Fatal(err)
	}
	base := *e.state.Load().Config
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			cfg := base
			cfg.Schedules.Tasks = map[string]Rule{"III.2.1": {Due: fmt.Sprintf("2024-12-%02d", 2+i%20)}}
			var err error
			if i%2 == 0 {
				_, err = e.Apply(cfg, tasks, start)
			} else {
				e.SetConfig(cfg)
				_, err = e.Sync(tasks, start)
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		a := Assignment{Key: "k", TaskID: "III.2.1", DueDay: day(2024, 12, 31), State: StateOpen}
		for {
			select {
			case <-done:
				return
			default:
			}
			_ = e.NextFor(a)
		}
	}()
	fired := 0
	for now := start; now.Before(at(2025, 2, 1, 0, 0)); now = now.Add(time.Hour) {
		msgs, err := e.Fire(now)
		if err != nil {
			t.Fatal(err)
		}
		fired += len(msgs)
	}
	close(done)
	wg.Wait()
	if fired == 0 {
		t.Fatal("nothing fired: the test reads no tasks while reloading")
	}
}

// TestEscalationDigestSaysWhatWasDone: a digest carrying escalations (the
// leadership, a superior) also says which tasks were done since that
// reader's last digest, once.
func TestEscalationDigestSaysWhatWasDone(t *testing.T) {
	e := testEngine(t, NewMemStore())
	tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Trong năm 2024", "cac-phong")}
	if _, err := e.Sync(tasks, at(2024, 12, 19, 9, 0)); err != nil {
		t.Fatal(err)
	}
	runUntil(t, e, at(2025, 1, 6, 12, 0)) // escalation 1 to the superior (pgd) on 6/1
	if _, err := e.Complete(AssignmentKey("60/KH-SCT", "I.5@2024", "qlcn"), "tp-qlcn", "telegram", "", at(2025, 1, 10, 10, 0)); err != nil {
		t.Fatal(err)
	}
	msgs := runUntil(t, e, at(2025, 1, 15, 12, 0)) // escalation 2 to the leadership on 15/1
	for _, to := range []string{"gd", "pgd"} {
		var got []string
		for _, m := range msgs {
			if m.To.ID != to || !m.At.Equal(at(2025, 1, 15, 8, 0)) {
				continue
			}
			for _, it := range m.Items {
				if it.Kind == notify.KindDone {
					got = append(got, it.Occurrence+" "+it.Unit+" "+it.DoneBy)
				}
			}
		}
		if want := []string{"I.5@2024 Phòng Quản lý công nghiệp Trưởng phòng QLCN"}; !slices.Equal(got, want) {
			t.Errorf("%s's digest of 15/1 reports done %v, want %v", to, got, want)
		}
	}
}

// TestOneDigestPerDay: after the day's round, a change that makes news
// at once (at 10:00 the admin moves a deadline to today) does not send a
// second digest that day: it goes with the next working day's round, once.
func TestOneDigestPerDay(t *testing.T) {
	store := NewMemStore()
	e := testEngine(t, store)
	task := oneTask("III.2.1", "Trong năm 2024", "vp")
	start := at(2024, 11, 1, 9, 0)
	if _, err := e.Sync([]Task{task}, start); err != nil {
		t.Fatal(err)
	}
	first := events(runFrom(t, e, start, at(2024, 11, 19, 9, 0)))
	if want := []string{"2024-11-19 08:00 chanh-vp/email III.2.1:reminder"}; !slices.Equal(first, want) {
		t.Fatalf("before the change: %v, want %v", first, want)
	}
	// 19/11 10:00: due today instead: the due day is news, today.
	cfg := *e.state.Load().Config
	cfg.Schedules.Tasks = map[string]Rule{"III.2.1": {Due: "2024-11-19"}}
	change := at(2024, 11, 19, 10, 0)
	if _, err := e.Apply(cfg, []Task{task}, change); err != nil {
		t.Fatal(err)
	}
	if next, ok, err := e.NextWake(change); err != nil || !ok || !next.Equal(at(2024, 11, 20, 8, 0)) {
		t.Errorf("next wake after the change = %v %v %v, want the next round 20/11 08:00", next, ok, err)
	}
	got := events(runFrom(t, e, change, at(2024, 11, 20, 12, 0)))
	// One message, the next morning: by then the task is overdue.
	want := []string{"2024-11-20 08:00 chanh-vp/email III.2.1:overdue1"}
	if !slices.Equal(got, want) {
		t.Errorf("after the change:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
