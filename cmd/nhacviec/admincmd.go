package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// withStore runs local with the database when this process can open it, and
// remote (through the running daemon) when the daemon holds it.
func (m *Main) withStore(ctx context.Context, dbPath string, local func(db *store.DB) error, remote func() error) error {
	db, err := store.Open(dbPath, store.Options{Now: m.now, LockTimeout: 500 * time.Millisecond})
	if errors.Is(err, store.ErrLocked) {
		return remote()
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return local(db)
}

func (m *Main) cmdInvite(ctx context.Context, args []string) error {
	fs := m.flagSet("invite")
	unit := fs.String("unit", "", "unit `ID` the person belongs to (required)")
	name := fs.String("name", "", "the person's `NAME` (required)")
	role := fs.String("role", "staff", "`ROLE`: head, staff or admin")
	ttl := fs.Duration("ttl", 72*time.Hour, "how long the code works")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *unit == "" || *name == "" {
		return usagef("invite: --unit and --name are required")
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	req := inviteRequest{Unit: *unit, Name: *name, Role: *role, TTL: *ttl}
	var resp inviteResponse
	err = m.withStore(ctx, cfg.DatabasePath(), func(db *store.DB) error {
		username := ""
		if cfg.TelegramEnabled() {
			if tc, err := m.telegramConfig(cfg); err == nil {
				cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				if n, err := telegram.New(cctx, tc, nil); err == nil {
					username = n.Username()
				}
				cancel()
			}
		}
		resp, err = invite(cfg, db, username, req, m.now())
		return err
	}, func() error { return viaDaemon(ctx, cfg, "/admin/invite", req, &resp) })
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "Invite code for %s (%s, %s), valid %s, works once:\n  %s\n", *name, *unit, *role, *ttl, resp.Code)
	if resp.Link != "" {
		fmt.Fprintf(m.stdout, "Send this link; pressing Start binds the Telegram account:\n  %s\n", resp.Link)
	} else {
		fmt.Fprintf(m.stdout, "The person sends the bot: /start %s\n", resp.Code)
	}
	return nil
}

func (m *Main) cmdDone(ctx context.Context, args []string) error {
	fs := m.flagSet("done")
	unit := fs.String("unit", "", "the unit `ID`, when several units lead the task")
	note := fs.String("note", "", "a `NOTE` kept with the done mark")
	undo := fs.Bool("undo", false, "undo a done mark made by mistake")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("done: give one task id, such as III.2.1 or I.4.1@2024-09")
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	req := doneRequest{Task: fs.Arg(0), Unit: *unit, Note: *note, Undo: *undo}
	var resp doneResponse
	err = m.withStore(ctx, cfg.DatabasePath(), func(db *store.DB) error {
		eng := scheduler.New(schedulerConfig(cfg), db.Scheduler(), nil)
		resp, err = markDone(db, eng, req, m.now())
		return err
	}, func() error { return viaDaemon(ctx, cfg, "/admin/done", req, &resp) })
	if err != nil {
		return err
	}
	a := resp.Assignment
	if *undo {
		fmt.Fprintf(m.stdout, "%s (%s): reopened; reminders resume.\n", a.Occurrence, a.Unit)
	} else {
		fmt.Fprintf(m.stdout, "%s (%s): done at %s; no more reminders.\n", a.Occurrence, a.Unit, notify.FormatDate(a.DoneAt))
	}
	return nil
}
