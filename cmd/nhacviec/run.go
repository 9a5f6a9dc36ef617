package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// maxWait bounds one sleep of the daemon, so that a new day (re-planning
// the horizon) and clock jumps are noticed.
const maxWait = time.Hour

// cmdRun runs the daemon until ctx is cancelled (SIGINT, SIGTERM).
func (m *Main) cmdRun(ctx context.Context, args []string) error {
	fs := m.flagSet("run")
	nowS := fs.String("now", "", "set the daemon's clock to `TIME` (then it runs forward in real time)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	log := m.logger(cfg)
	if err := m.clockFlag(*nowS, cfg, log); err != nil {
		return err
	}
	db, err := m.openStore(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := m.importPlans(cfg, db, cfg.PlanPaths())
	if err != nil {
		return err
	}
	for _, r := range results {
		log.Info("plan imported", "plan", r.Plan, "added", len(r.Added), "updated", len(r.Updated),
			"unchanged", r.Unchanged, "archived", len(r.Archived))
	}
	eng := scheduler.New(schedulerConfig(cfg), db.Scheduler(), log)
	pipe, err := notify.New(notify.Config{Notifiers: m.notifiers(cfg, log), Outbox: db, Now: m.now, Log: log})
	if err != nil {
		return err
	}
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe.Run(ctx, wake)
	}()
	log.Info("nhacviec running", "config", cfg.Path, "database", db.Path(), "now", m.now().In(cfg.Location).Format(time.RFC3339))
	err = m.loop(ctx, cfg, db, eng, wake, log)
	wg.Wait()
	log.Info("nhacviec stopped")
	return err
}

// loop plans, fires due steps and sleeps until the next one, until ctx ends.
func (m *Main) loop(ctx context.Context, cfg *config.Config, db *store.DB, eng *scheduler.Engine, wake chan<- struct{}, log *slog.Logger) error {
	cal := cfg.Scheduling.Calendar
	var synced calendar.Date
	for {
		now := m.now()
		if today := cal.Date(now); today != synced {
			tasks, err := storedTasks(cal, db)
			if err != nil {
				return err
			}
			res, err := eng.Sync(tasks, now)
			if err != nil {
				return err
			}
			log.Info("assignments planned", "created", res.Created, "updated", res.Updated, "archived", res.Archived, "unscheduled_tasks", res.Unscheduled)
			synced = today
		}
		msgs, err := eng.Fire(now)
		if err != nil {
			log.Error("fire due steps", "err", err)
		}
		if len(msgs) > 0 {
			log.Info("messages queued", "count", len(msgs))
			select {
			case wake <- struct{}{}:
			default:
			}
		}
		wait := maxWait
		if next, ok, err := eng.NextWake(now); err != nil {
			log.Error("next wake-up", "err", err)
		} else if ok {
			wait = min(wait, max(next.Sub(now), 0))
			log.Debug("sleeping", "until", next.In(cfg.Location).Format(time.RFC3339))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// notifiers are the channels messages go out on. Until real channels are
// configured, every message is printed to stdout as it would be delivered.
func (m *Main) notifiers(_ *config.Config, _ *slog.Logger) map[string]notify.Notifier {
	console := notify.ConsoleNotifier{W: m.stdout}
	return map[string]notify.Notifier{
		notify.ChannelEmail:    console,
		notify.ChannelTelegram: console,
		notify.ChannelConsole:  console,
	}
}
