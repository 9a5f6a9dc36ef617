package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// debounce gathers the burst of events an editor's save makes.
const debounce = 300 * time.Millisecond

// watch returns a channel that receives when the config file or a plan file
// changes on disk, or on SIGHUP (m.hup). Directories are watched, not files:
// editors save by writing a new file and renaming it over the old one.
func (m *Main) watch(ctx context.Context, wg *sync.WaitGroup, cfg *config.Config, log *slog.Logger) <-chan struct{} {
	out := make(chan struct{}, 1)
	send := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	files := map[string]bool{}
	for _, p := range append([]string{cfg.Path}, cfg.PlanPaths()...) {
		if abs, err := filepath.Abs(p); err == nil {
			files[abs] = true
		}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		log.Error("cannot watch the config for changes: reload with SIGHUP", "err", err)
	} else {
		dirs := map[string]bool{}
		for f := range files {
			dirs[filepath.Dir(f)] = true
		}
		for dir := range dirs {
			if err := w.Add(dir); err != nil {
				log.Error("cannot watch folder: reload with SIGHUP", "dir", dir, "err", err)
			}
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		var events <-chan fsnotify.Event
		var errs <-chan error
		if w != nil {
			defer w.Close()
			events, errs = w.Events, w.Errors
		}
		var timer <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-m.hup:
				log.Info("SIGHUP: reloading")
				send()
			case ev := <-events:
				if abs, err := filepath.Abs(ev.Name); err == nil && files[abs] && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
					timer = time.After(debounce)
				}
			case err := <-errs:
				log.Error("watching the config", "err", err)
			case <-timer:
				timer = nil
				log.Info("config or plan changed on disk: reloading")
				send()
			}
		}
	}()
	return out
}

// reload reads the config and the plans again. An invalid config keeps the
// running one: every error is logged and the admin is told. A valid one
// applies at once, keeps every state, and logs what it changed.
func (d *daemon) reload() {
	now := d.m.now()
	cfg, err := d.m.loadConfig()
	if err == nil {
		_, problems := readPlans(cfg, cfg.PlanPaths())
		err = errors.Join(problems...)
	}
	if err != nil {
		d.metrics.ReloadResult(false, now)
		for _, e := range flatten(err) {
			d.log.Error("reload refused, the running config stays", "err", e)
		}
		d.tellAdmin(now, err)
		return
	}
	old := d.cfg
	oldTasks, _ := storedTasks(old.Scheduling.Calendar, d.db)
	d.cfg = cfg
	if err := d.importPlans(); err != nil {
		d.cfg = old
		d.metrics.ReloadResult(false, now)
		d.log.Error("reload refused, the running config stays", "err", err)
		return
	}
	if channelsChanged(old, cfg) {
		d.log.Warn("e-mail, Telegram or delivery settings changed: restart nhacviec to apply them")
	}
	d.eng.SetConfig(d.schedulerConfig())
	d.dir.Store(cfg.Directory)
	d.current.Store(cfg)
	newTasks, err := storedTasks(cfg.Scheduling.Calendar, d.db)
	if err == nil {
		for _, line := range scheduleChanges(old, cfg, oldTasks, newTasks) {
			d.log.Info("schedule changed", "change", line)
		}
		err = d.sync(now)
	}
	if err != nil {
		d.log.Error("re-plan after reload", "err", err)
	}
	d.synced = cfg.Scheduling.Calendar.Date(now)
	d.metrics.ReloadResult(err == nil, now)
	d.log.Info("config reloaded", "config", cfg.Path)
	d.signal()
}

// tellAdmin queues a notice of a refused reload to the admin, once per
// distinct set of errors and day.
func (d *daemon) tellAdmin(now time.Time, err error) {
	to := adminRecipient(d.cfg)
	if to.ID == "" {
		return
	}
	text := err.Error()
	id := fmt.Sprintf("reload-refused|%s|%s|%x", to.ID, d.cfg.Scheduling.Calendar.Date(now), hashString(text))
	var msgs []*notify.Message
	for _, ch := range scheduler.Channels(d.cfg.Directory, to, d.chans.enabled) {
		msgs = append(msgs, &notify.Message{ID: id + "|" + ch, Channel: ch, Kind: notify.KindInfo, To: to, At: now,
			Title: "nhacviec: cấu hình mới có lỗi, vẫn dùng cấu hình cũ",
			Intro: "Tệp cấu hình hoặc phụ lục kế hoạch vừa sửa có lỗi nên chưa được áp dụng. nhacviec vẫn chạy với cấu hình trước đó. Chi tiết lỗi:\n" + text,
		})
	}
	if err := d.db.Enqueue(msgs...); err != nil {
		d.log.Error("queue the reload notice", "err", err)
		return
	}
	d.signal()
}

func hashString(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func channelsChanged(a, b *config.Config) bool {
	return !reflect.DeepEqual(a.Email, b.Email) || !reflect.DeepEqual(a.Telegram, b.Telegram) ||
		!reflect.DeepEqual(a.Delivery, b.Delivery) || !reflect.DeepEqual(a.HTTP, b.HTTP)
}

// scheduleChanges describes, task by task, how the new config changes the
// schedules: "III.2.1: due 2024-12-31 → 2024-11-29", "I.4.1: cron 0 8 25 * *
// → cron 0 8 25 3,6,9,12 *", and reminder policy changes.
func scheduleChanges(oldCfg, newCfg *config.Config, oldTasks, newTasks []scheduler.Task) []string {
	var out []string
	before := map[string]scheduler.Task{}
	for _, t := range oldTasks {
		before[t.Plan.Code+"|"+t.ID] = t
	}
	far := calendar.Date{Year: 9999, Month: time.December, Day: 31}
	for _, t := range newTasks {
		o, ok := before[t.Plan.Code+"|"+t.ID]
		if !ok {
			out = append(out, fmt.Sprintf("%s: new task", t.ID))
			continue
		}
		ro, rn := oldCfg.Scheduling.Schedules.For(o.Task), newCfg.Scheduling.Schedules.For(t.Task)
		do := dueDays(oldCfg, o, ro, far)
		dn := dueDays(newCfg, t, rn, far)
		switch {
		case len(do) == 1 && len(dn) == 1 && do[0] != dn[0]:
			out = append(out, fmt.Sprintf("%s: due %s → %s", t.ID, do[0], dn[0]))
		case ro.Describe() != rn.Describe():
			out = append(out, fmt.Sprintf("%s: %s → %s", t.ID, ro.Describe(), rn.Describe()))
		case !slices.Equal(do, dn):
			out = append(out, fmt.Sprintf("%s: due days %s → %s", t.ID, strings.Join(do, ", "), strings.Join(dn, ", ")))
		}
	}
	op, np := oldCfg.Scheduling.Policy, newCfg.Scheduling.Policy
	if !reflect.DeepEqual(op, np) {
		out = append(out, fmt.Sprintf("reminders: before %v at %s, overdue every %d, escalations %v → before %v at %s, overdue every %d, escalations %v",
			op.Before, op.At, op.OverdueEvery, op.Escalations, np.Before, np.At, np.OverdueEvery, np.Escalations))
	}
	return out
}

func dueDays(cfg *config.Config, t scheduler.Task, r scheduler.Rule, through calendar.Date) []string {
	var out []string
	for _, o := range scheduler.Occurrences(cfg.Scheduling.Calendar, t.Plan, t.Task, r, cfg.Scheduling.ReportDay, through) {
		out = append(out, o.DueDay.String())
	}
	return out
}
