package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// schedulerConfig builds the engine's config from the checked config.
func schedulerConfig(cfg *config.Config) scheduler.Config {
	s := cfg.Scheduling
	return scheduler.Config{
		Calendar: s.Calendar, Directory: cfg.Directory, Schedules: s.Schedules, Policy: s.Policy,
		TaskPolicies: s.TaskPolicies, ReportDay: s.ReportDay, Office: cfg.Office, Horizon: s.Horizon,
		Signature: signature(cfg), Checkins: s.Checkins, AllChannels: cfg.Delivery.AllChannels,
	}
}

// signature is the closing of every letter (nil: notify's default).
func signature(cfg *config.Config) []string {
	return cfg.SignatureLines(notify.HowToAnswer)
}

// planInfo is what the scheduler needs of a plan.
func planInfo(cal *calendar.Calendar, code string, year int, date time.Time) scheduler.PlanInfo {
	start := calendar.Date{Year: year, Month: time.January, Day: 1}
	if !date.IsZero() {
		start = calendar.DateOf(date.In(cal.Location()))
	}
	return scheduler.PlanInfo{Code: code, Year: year, Start: start}
}

// tasksFromPlans turns freshly read plans into scheduler tasks.
func tasksFromPlans(cal *calendar.Calendar, plans []*plan.Plan) []scheduler.Task {
	n := 0
	for _, p := range plans {
		n += len(p.Tasks)
	}
	out := make([]scheduler.Task, 0, n) // 100,000 tasks: grown by appends, copied a dozen times
	for _, p := range plans {
		info := planInfo(cal, p.Code, p.Year, p.Date)
		for _, t := range p.Tasks {
			out = append(out, scheduler.Task{Plan: info, Task: t})
		}
	}
	return out
}

// storedTasks returns the active tasks in the database as scheduler tasks.
func storedTasks(cal *calendar.Calendar, db *store.DB) ([]scheduler.Task, error) {
	plans, err := db.Plans()
	if err != nil {
		return nil, err
	}
	infos := map[string]scheduler.PlanInfo{}
	for _, p := range plans {
		infos[p.Code] = planInfo(cal, p.Code, p.Year, p.Date)
	}
	n := 0
	for _, p := range plans {
		n += p.Tasks
	}
	// One task at a time into the result: reading them all first held
	// 100,000 tasks twice, the highest memory of a first start.
	out := make([]scheduler.Task, 0, n)
	err = db.ForEachTaskShared("", func(r store.TaskRecord) error {
		if !r.Archived {
			out = append(out, scheduler.Task{Plan: infos[r.Plan], Task: r.Task})
		}
		return nil
	})
	return out, err
}

// parseNow reads --now: "2024-11-19T07:55", "2024-11-19 07:55", "2024-11-19"
// or RFC 3339, in the config's time zone.
func parseNow(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("%q is not a time: want YYYY-MM-DD[THH:MM] or RFC 3339", s)
}

// setClock makes m's clock start at start and run forward in real time.
func (m *Main) setClock(start time.Time) {
	real0 := time.Now()
	m.now = func() time.Time { return start.Add(time.Since(real0)) }
}

// clockFlag applies --now when given.
func (m *Main) clockFlag(now string, cfg *config.Config, log *slog.Logger) error {
	if now == "" {
		return nil
	}
	t, err := parseNow(now, cfg.Location)
	if err != nil {
		return err
	}
	m.setClock(t)
	if log != nil {
		log.Info("clock set by --now", "now", t.Format(time.RFC3339))
	}
	return nil
}

func describeSync(r scheduler.SyncResult) string {
	return fmt.Sprintf("%d created, %d updated, %d archived, %d unscheduled tasks", r.Created, r.Updated, r.Archived, r.Unscheduled)
}
