package main

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sct-langson/nhacviec/bot"
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/ops"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
	"github.com/sct-langson/nhacviec/web"
)

// maxWait bounds one sleep of the daemon, so that a new day (re-planning
// the horizon) and clock jumps are noticed.
const maxWait = time.Hour

// version is the program's version, set at build time with
// -ldflags "-X main.version=…".
var version = ""

// daemon is the running program: its current runtime and its parts.
type daemon struct {
	m *Main
	// cfg is the config the daemon started with, for the settings that
	// apply only at start (listeners, channels, delivery): everything
	// else reads the current runtime (snap).
	cfg     *config.Config
	rt      atomic.Pointer[runtime]
	current liveConfig // the current runtime's config, for HTTP handlers
	db      *store.DB
	eng     *scheduler.Engine
	chans   *channels
	web     *web.Server // nil when the web door is off
	metrics *ops.Metrics
	log     *slog.Logger
	wake    chan struct{} // tells the pipeline messages were queued
	// start is the phase of the daemon's start, for /readyz.
	start  readiness
	synced calendar.Date // day of the last Sync
	// weeklySent is the weekly moment last summarised by this process.
	weeklySent time.Time
	// draftSent is the period whose report draft this process queued last.
	draftSent report.Period
}

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
	d := &daemon{m: m, cfg: cfg, db: db, log: log, wake: make(chan struct{}, 1), metrics: ops.NewMetrics(version)}
	d.current = liveConfig{d}
	d.start.hook = m.onPhase
	d.start.phase.Store(new(phaseImporting))
	// The ops listener first, so that /readyz tells what the start is
	// doing (a large plan takes seconds to import and plan).
	opsCtx, stopOps := context.WithCancel(ctx)
	var opsWG sync.WaitGroup
	defer func() { stopOps(); opsWG.Wait() }()
	if err := d.serveOps(opsCtx, &opsWG); err != nil {
		return err
	}
	d.start.enter(phaseImporting)
	if err := d.importPlans(cfg); err != nil {
		return err
	}
	d.start.enter(phasePlanning)
	var theBot atomic.Pointer[bot.Bot] // set before any message is sent, or when Telegram starts late
	links := &webLinks{}
	d.chans, err = m.openChannels(ctx, cfg, log, links.links, telegram.WithKeyboard(bot.Keyboard),
		telegram.WithSentHook(func(chat int64, id int, msg *notify.Message) {
			if b := theBot.Load(); b != nil {
				b.OnSent(chat, id, msg)
			}
		}))
	if err != nil {
		return err
	}
	defer d.chans.Close()
	rt, err := d.newRuntime(cfg)
	if err != nil {
		return err
	}
	d.rt.Store(rt)
	d.eng = scheduler.New(rt.engine, db.Scheduler(), log)
	ws, err := d.newWeb()
	if err != nil {
		return err
	}
	d.web = ws
	bc := bot.Config{Notifier: d.chans.telegram, Store: db, Engine: d.eng, Directory: func() *org.Directory { return d.snap().cfg.Directory },
		Now: m.now, Log: log, Location: cfg.Location, EvidenceDir: cfg.Resolve(cfg.Telegram.EvidenceDir),
		OnUpdate: d.metrics.UpdateHandled, Wake: d.signal}
	if ws != nil {
		links.set(ws)
		bc.WebURL, bc.WebSignIn = ws.URL(""), ws.SignInLink
	}
	if d.chans.telegram != nil {
		b, err := bot.New(bc)
		if err != nil {
			return err
		}
		theBot.Store(b)
	}
	d.metrics.SetAssignmentsFunc(db.AssignmentCounts)
	d.metrics.SetOutboxFunc(db.OutboxPending)
	d.metrics.ReloadResult(true, m.now())
	pipe, err := notify.New(notify.Config{Notifiers: d.chans.notifiers, Outbox: db, Now: m.now, Log: log,
		Observer: d.metrics, Live: func() notify.Live { return pipelineLive(d.snap().cfg) },
		Concurrency: map[string]int{notify.ChannelEmail: emailLanes(cfg)}})
	if err != nil {
		return err
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := d.serveAdmin(ctx, &wg); err != nil {
		return err
	}
	if err := d.serveWeb(ctx, &wg, ws); err != nil {
		return err
	}
	reloads := m.watch(ctx, &wg, cfg, log)
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe.Run(ctx, d.wake)
	}()
	runBot := func(b *bot.Bot) {
		if err := b.RegisterCommands(ctx); err != nil {
			log.Error("register the bot's commands", "err", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Run(ctx); err != nil {
				log.Error("telegram bot stopped", "err", err)
			}
		}()
	}
	for _, ch := range d.chans.enabled {
		pipe.ChannelUp(ctx, ch, ch != notify.ChannelTelegram || d.chans.late == nil)
	}
	if b := theBot.Load(); b != nil {
		runBot(b)
	}
	if d.chans.late != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.chans.startLate(ctx, log, func(n *telegram.Notifier) {
				bc.Notifier = n
				b, err := bot.New(bc)
				if err != nil {
					log.Error("telegram bot", "err", err)
				} else {
					theBot.Store(b)
					runBot(b)
				}
				pipe.ChannelUp(ctx, notify.ChannelTelegram, true)
			})
		}()
	}
	log.Info("nhacviec running", "config", cfg.Path, "database", db.Path(), "now", m.now().In(cfg.Location).Format(time.RFC3339))
	err = d.loop(ctx, reloads)
	cancel()
	wg.Wait()
	log.Info("nhacviec stopped")
	return err
}

// importPlans imports the config's plans into the database.
func (d *daemon) importPlans(cfg *config.Config) error {
	results, warnings, err := d.m.importPlans(cfg, d.db, cfg.PlanPaths())
	for _, w := range warnings {
		d.log.Warn("config", "warning", w.Error())
	}
	for _, r := range results {
		d.log.Info("plan imported", "plan", r.Plan, "added", len(r.Added), "updated", len(r.Updated),
			"unchanged", r.Unchanged, "archived", len(r.Archived))
	}
	return err
}

// pipelineLive are the delivery settings of cfg that follow reloads.
func pipelineLive(cfg *config.Config) notify.Live {
	l := notify.Live{Admin: adminRecipient(cfg), AdminAllChannels: cfg.Delivery.AllChannels,
		FallbackAfter: config.Duration(cfg.Delivery.FallbackAfter, 0), MaxAge: config.Duration(cfg.Delivery.MaxAge, 0)}
	if p, ok := cfg.Directory.Person(cfg.Delivery.Admin); ok {
		l.AdminChannels, l.AdminAllChannels = p.Channels, p.AllChannels
	}
	return l
}

// adminRecipient is who is told about failing chats and refused reloads.
func adminRecipient(cfg *config.Config) notify.Recipient {
	if p, ok := cfg.Directory.Person(cfg.Delivery.Admin); ok {
		return notify.Recipient{ID: p.ID, Name: p.Name, Email: p.Email, TelegramID: p.Telegram}
	}
	return notify.Recipient{}
}

// serveOps starts the /healthz, /readyz and /metrics listener.
func (d *daemon) serveOps(ctx context.Context, wg *sync.WaitGroup) error {
	addr := d.cfg.HTTP.Listen
	if addr == "off" {
		return nil
	}
	if addr == "" {
		addr = ops.DefaultAddr
	}
	srv, err := ops.Listen(addr, d.m.opsHandler(d), d.log)
	if err != nil {
		return err
	}
	d.m.opsAddr = srv.Addr()
	d.log.Info("http listener", "addr", srv.Addr())
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ctx); err != nil {
			d.log.Error("http listener", "err", err)
		}
	}()
	return nil
}

// loop plans, fires due steps and sleeps until the next one, until ctx ends.
func (d *daemon) loop(ctx context.Context, reloads <-chan struct{}) error {
	for {
		// To the second: messages, their ids and every time shown are the
		// same from one rehearsal (--now) to the next.
		now := d.m.now().Truncate(time.Second)
		rt := d.snap()
		if today := rt.cfg.Scheduling.Calendar.Date(now); today != d.synced {
			if _, err := d.sync(rt, now); err != nil {
				return err
			}
			d.synced = today
		}
		starting := !d.start.ready()
		if starting {
			d.start.enter(phaseCatchingUp)
		}
		msgs, err := d.eng.Fire(now)
		if err != nil {
			d.log.Error("fire due steps", "err", err)
		}
		if starting && err == nil {
			d.start.enter("")
		}
		d.weekly(rt, now)
		d.draft(rt, now)
		if len(msgs) > 0 {
			d.log.Info("messages queued", "count", len(msgs))
			for _, msg := range msgs {
				d.metrics.StepsProduced(string(msg.Kind), 1)
			}
			d.signal()
		}
		wait := maxWait
		if _, next := weeklyDue(rt, now); !next.IsZero() {
			wait = min(wait, max(next.Sub(now), 0))
		}
		if _, _, next := report.DraftDue(now, rt.cfg.Scheduling.Calendar); !next.IsZero() {
			wait = min(wait, max(next.Sub(now), 0))
		}
		if next, ok, err := d.eng.NextWake(now); err != nil {
			d.log.Error("next wake-up", "err", err)
		} else if ok {
			wait = min(wait, max(next.Sub(now), 0))
			d.log.Debug("sleeping", "until", next.In(rt.cfg.Location).Format(time.RFC3339))
		}
		t, woken := d.m.timer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-reloads:
			t.Stop()
			d.reload()
		case <-woken:
		}
	}
}

// timer is the daemon's wait of d before its next wake-up: a real timer,
// or the test's (Main.after), whose Stop does nothing.
func (m *Main) timer(d time.Duration) (interface{ Stop() bool }, <-chan time.Time) {
	if m.after != nil {
		return noTimer{}, m.after(d)
	}
	t := time.NewTimer(d)
	return t, t.C
}

type noTimer struct{}

func (noTimer) Stop() bool { return false }

// signal wakes the delivery pipeline without blocking.
func (d *daemon) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// sync plans the runtime's tasks as of now.
func (d *daemon) sync(rt *runtime, now time.Time) (scheduler.SyncResult, error) {
	defer syncCollector(heapLive())()
	res, err := d.eng.Sync(rt.tasks, now)
	if err != nil {
		return res, err
	}
	d.log.Info("assignments planned", "created", res.Created, "updated", res.Updated, "archived", res.Archived, "unscheduled_tasks", res.Unscheduled)
	return res, nil
}
