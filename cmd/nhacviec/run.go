package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/ops"
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
	chans, err := m.openChannels(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer chans.Close()
	sc := schedulerConfig(cfg)
	sc.Channels = chans.enabled
	eng := scheduler.New(sc, db.Scheduler(), log)

	metrics := ops.NewMetrics(version)
	metrics.SetAssignmentsFunc(db.AssignmentCounts)
	metrics.SetOutboxFunc(func() (int, error) {
		c, err := db.OutboxCounts()
		return c.Pending, err
	})
	metrics.ReloadResult(true, m.now())
	pipe, err := notify.New(notify.Config{Notifiers: chans.notifiers, Outbox: db, Now: m.now, Log: log,
		Observer: metrics, Admin: adminRecipient(cfg),
		FallbackAfter: config.Duration(cfg.Delivery.FallbackAfter, 0), MaxAge: config.Duration(cfg.Delivery.MaxAge, 0)})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := m.serveOps(ctx, &wg, cfg, metrics, log); err != nil {
		return err
	}
	wake := make(chan struct{}, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe.Run(ctx, wake)
	}()
	log.Info("nhacviec running", "config", cfg.Path, "database", db.Path(), "now", m.now().In(cfg.Location).Format(time.RFC3339))
	err = m.loop(ctx, cfg, db, eng, wake, metrics, log)
	cancel()
	wg.Wait()
	log.Info("nhacviec stopped")
	return err
}

// version is the program's version, set at build time with
// -ldflags "-X main.version=…".
var version = ""

// adminRecipient is who is told about failing chats.
func adminRecipient(cfg *config.Config) notify.Recipient {
	if p, ok := cfg.Directory.Person(cfg.Delivery.Admin); ok {
		return notify.Recipient{ID: p.ID, Name: p.Name, Email: p.Email, TelegramID: p.Telegram}
	}
	return notify.Recipient{}
}

// serveOps starts the /healthz, /readyz and /metrics listener.
func (m *Main) serveOps(ctx context.Context, wg *sync.WaitGroup, cfg *config.Config, metrics *ops.Metrics, log *slog.Logger) error {
	addr := cfg.HTTP.Listen
	if addr == "off" {
		return nil
	}
	if addr == "" {
		addr = ops.DefaultAddr
	}
	srv, err := ops.Listen(addr, ops.Handler(ops.HandlerConfig{Metrics: metrics, Log: log}), log)
	if err != nil {
		return err
	}
	m.opsAddr = srv.Addr()
	log.Info("http listener", "addr", srv.Addr())
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ctx); err != nil {
			log.Error("http listener", "err", err)
		}
	}()
	return nil
}

// loop plans, fires due steps and sleeps until the next one, until ctx ends.
func (m *Main) loop(ctx context.Context, cfg *config.Config, db *store.DB, eng *scheduler.Engine, wake chan<- struct{}, metrics *ops.Metrics, log *slog.Logger) error {
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
			for _, msg := range msgs {
				metrics.StepsProduced(string(msg.Kind), 1)
			}
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
