package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// weeklyRecipient is the office's head, to whom run sends the weekly
// summaries; false when it sends none (reports.weekly off, or an office
// without a head).
func weeklyRecipient(cfg *config.Config) (notify.Recipient, bool) {
	u, ok := cfg.Directory.Unit(cfg.Office)
	if cfg.Scheduling.Weekly == nil || !ok {
		return notify.Recipient{}, false
	}
	head, ok := cfg.Directory.Person(u.Head)
	if !ok {
		return notify.Recipient{}, false
	}
	return notify.Recipient{ID: head.ID, Name: head.Name, Email: head.Email, TelegramID: head.Telegram}, true
}

// previewWeekly lists the weekly summaries to the office's head (to0) that
// run sends in [from, to]: at each weekly moment (moved to a working
// moment), titled from the assignments' state then. Done marks do not
// change during a preview, so the state at the end of it tells every
// moment's buckets. With catchUp (a daemon starting without state), the
// last week's summary missed within the week before from goes at from's
// working moment, as run sends it on its first start.
func previewWeekly(cfg *config.Config, to0 notify.Recipient, state weeklyState, from, to time.Time, catchUp bool) []previewEntry {
	w := cfg.Scheduling.Weekly
	cal := cfg.Scheduling.Calendar
	var out []previewEntry
	add := func(at, moment time.Time) {
		title := state.title(at, moment.AddDate(0, 0, -7), cfg.Location)
		out = append(out, previewEntry{At: at, Recipient: to0, Kind: notify.KindInfo,
			Channels: scheduler.Channels(cfg.Directory, to0, enabledChannels(cfg), cfg.Delivery.AllChannels),
			Title:    "[Nhắc việc CCHC] " + title + " — " + notify.FormatDate(moment)})
	}
	seen := map[time.Time]bool{}
	if catchUp {
		// As weeklyDue at the daemon's first working moment: the latest
		// weekly moment by then, if it came before from.
		start := cal.NextWorkingMoment(from)
		var last time.Time
		for t := w.Next(from.AddDate(0, 0, -8)); !t.IsZero(); t = w.Next(t) {
			at := cal.NextWorkingMoment(t)
			if at.After(start) {
				break
			}
			last = at
		}
		if !last.IsZero() && last.Before(from) && start.Sub(last) <= 7*24*time.Hour && !start.After(to) {
			add(start, last)
		}
	}
	for t := w.Next(from.Add(-time.Nanosecond)); !t.IsZero() && !t.After(to); t = w.Next(t) {
		at := cal.NextWorkingMoment(t)
		if at.After(to) || seen[at] {
			continue
		}
		seen[at] = true
		add(at, at)
	}
	slices.SortStableFunc(out, func(a, b previewEntry) int { return a.At.Compare(b.At) })
	return out
}

// weeklyState is what the weekly summaries' titles count: of the open
// assignments due by the preview's last day (by due day) and of the done
// ones, their task (numbered), due day and done mark. At 100,000 tasks
// the Assignment values were 500,000 of a few hundred bytes, read in a
// second and held while the engine fired.
type weeklyState struct {
	open, done []weeklyEntry
	tasks      int // the tasks numbered
}

// weeklyEntry is one assignment of a weeklyState.
type weeklyEntry struct {
	due    calendar.Date
	doneAt time.Time
	task   int32
	isDone bool
}

// previewWeeklyState reads the weekly summaries' state from st.
func previewWeeklyState(cfg *config.Config, st scheduler.Store, to time.Time) (weeklyState, error) {
	var ws weeklyState
	tasks := map[string]int32{} // as the report tells tasks apart
	entry := func(a scheduler.Assignment) weeklyEntry {
		k := a.Plan + "|" + a.TaskID
		n, ok := tasks[k]
		if !ok {
			n = int32(len(tasks))
			tasks[k] = n
		}
		return weeklyEntry{due: a.DueDay, doneAt: a.DoneAt, task: n, isDone: a.State == scheduler.StateDone}
	}
	err := st.View(func(tx scheduler.Tx) error {
		err := tx.ForEachOpen(calendar.DateOf(to.In(cfg.Location)), func(a scheduler.Assignment) error {
			ws.open = append(ws.open, entry(a)) // by due day
			return nil
		})
		if err != nil {
			return err
		}
		return tx.ForEachDoneSince(time.Time{}, func(a scheduler.Assignment) error {
			ws.done = append(ws.done, entry(a))
			return nil
		})
	})
	ws.tasks = len(tasks)
	return ws, err
}

// title is the weekly summary's title at at, counting the completions
// since since: report.Build's rows of the open assignments due by at's
// day and of the done ones, then Report.Weekly's title
// (TestWeeklyTitleAsReport), without building the report.
func (ws weeklyState) title(at, since time.Time, loc *time.Location) string {
	day := calendar.DateOf(at.In(loc))
	n, _ := slices.BinarySearchFunc(ws.open, day, func(e weeklyEntry, d calendar.Date) int {
		if e.due.After(d) {
			return 1
		}
		return -1
	})
	doneTasks, overdueTasks := make([]bool, ws.tasks), make([]bool, ws.tasks)
	var doneRows, overdueRows, nDone, nOverdue int
	count := func(e weeklyEntry) {
		// report.classify: done as of at, else open in time or overdue
		// by the end of the due day.
		deadline := e.due.AddDays(1).In(loc)
		switch {
		case e.isDone && !e.doneAt.After(at):
			if !e.doneAt.Before(since) {
				doneRows++
				if !doneTasks[e.task] {
					doneTasks[e.task] = true
					nDone++
				}
			}
		case at.Before(deadline):
		default:
			overdueRows++
			if !overdueTasks[e.task] {
				overdueTasks[e.task] = true
				nOverdue++
			}
		}
	}
	for _, e := range ws.open[:n] {
		count(e)
	}
	for _, e := range ws.done {
		count(e)
	}
	return fmt.Sprintf("Tổng hợp tiến độ CCHC tuần: %s hoàn thành trong tuần, %s quá hạn",
		weeklyCount(nDone, doneRows), weeklyCount(nOverdue, overdueRows))
}

// weeklyCount is report's count of tasks in a title: "3 nhiệm vụ", or
// "3 nhiệm vụ (5 lượt đơn vị)" when their lead units make more.
func weeklyCount(tasks, assignments int) string {
	if assignments == tasks {
		return fmt.Sprintf("%d nhiệm vụ", tasks)
	}
	return fmt.Sprintf("%d nhiệm vụ (%d lượt đơn vị)", tasks, assignments)
}
