package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

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
// becomes the new runtime at once, keeps every state, and the log says
// what the engine changed and which settings wait for a restart.
func (d *daemon) reload() {
	now := d.m.now()
	cfg, err := d.m.loadConfig()
	if err == nil {
		_, problems := readPlans(cfg, cfg.PlanPaths())
		err = errors.Join(problems...)
	}
	if err == nil {
		err = d.importPlans(cfg)
	}
	var rt *runtime
	if err == nil {
		rt, err = d.newRuntime(cfg)
	}
	if err != nil {
		d.metrics.ReloadResult(false, now)
		for _, e := range flatten(err) {
			d.log.Error("reload refused, the running config stays", "err", e)
		}
		d.tellAdmin(now, err)
		return
	}
	old := d.snap()
	if changed := restartOnly(d.cfg, cfg); len(changed) > 0 {
		d.log.Warn("settings changed that apply only after a restart: restart nhacviec to apply them", "sections", strings.Join(changed, ", "))
	}
	d.rt.Store(rt)
	res, err := d.eng.Apply(rt.engine, rt.tasks, now)
	if err == nil {
		d.log.Info("assignments planned", "created", res.Created, "updated", res.Updated, "archived", res.Archived, "unscheduled_tasks", res.Unscheduled)
	}
	for _, line := range appliedChanges(res.Changes) {
		d.log.Info("schedule changed", "change", line)
	}
	if err != nil {
		d.log.Error("re-plan after reload", "err", err)
	}
	if old.admin.ID != rt.admin.ID {
		d.log.Info("failing chats and refused reloads are now reported to the new admin", "admin", rt.admin.ID)
	}
	d.synced = cfg.Scheduling.Calendar.Date(now)
	d.metrics.ReloadResult(err == nil, now)
	d.log.Info("config reloaded", "config", cfg.Path)
	d.signal()
}

// tellAdmin queues a notice of a refused reload to the current admin, once
// per distinct set of errors and day.
func (d *daemon) tellAdmin(now time.Time, err error) {
	rt := d.snap()
	to := rt.admin
	if to.ID == "" {
		return
	}
	text := err.Error()
	h := fnv.New32a()
	h.Write([]byte(text))
	id := fmt.Sprintf("reload-refused|%s|%s|%x", to.ID, rt.cfg.Scheduling.Calendar.Date(now), h.Sum32())
	var msgs []*notify.Message
	for _, ch := range scheduler.Channels(rt.cfg.Directory, to, d.chans.enabled, rt.cfg.Delivery.AllChannels) {
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
