package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// weeklyDue returns the latest weekly moment at or before now (moved to a
// working moment) and the next one after now.
func weeklyDue(rt *runtime, now time.Time) (last, next time.Time) {
	w := rt.cfg.Scheduling.Weekly
	if w == nil {
		return time.Time{}, time.Time{}
	}
	cal := rt.cfg.Scheduling.Calendar
	for t := w.Next(now.AddDate(0, 0, -8)); !t.IsZero(); t = w.Next(t) {
		at := cal.NextWorkingMoment(t)
		if at.After(now) {
			return last, at
		}
		last = at
	}
	return last, time.Time{}
}

// weekly queues the weekly progress summary to the office's head, once per
// week: the message id names the week, and the outbox ignores an id it
// already holds, also after a restart.
func (d *daemon) weekly(rt *runtime, now time.Time) {
	cfg := rt.cfg
	if !cfg.Scheduling.Calendar.NextWorkingMoment(now).Equal(now) {
		return // outside working time: the loop comes back
	}
	last, _ := weeklyDue(rt, now)
	if last.IsZero() || now.Sub(last) > 7*24*time.Hour || last.Equal(d.weeklySent) {
		return
	}
	d.weeklySent = last
	u, ok := cfg.Directory.Unit(cfg.Office)
	if !ok {
		return
	}
	head, ok := cfg.Directory.Person(u.Head)
	if !ok {
		return
	}
	to := notify.Recipient{ID: head.ID, Name: head.Name, Email: head.Email, TelegramID: head.Telegram}
	chans := scheduler.Channels(cfg.Directory, to, d.chans.enabled, cfg.Delivery.AllChannels)
	id := func(ch string) string {
		return fmt.Sprintf("weekly|%s|%s|%s", to.ID, ch, last.In(cfg.Location).Format("2006-01-02"))
	}
	// A daemon restarted during the week would read every assignment again
	// only for the outbox to ignore the summary.
	var ids []string
	for _, ch := range chans {
		ids = append(ids, id(ch))
	}
	if queued, err := d.db.OutboxHas(ids...); err != nil {
		d.log.Error("weekly summary", "err", err)
		return
	} else if queued {
		return
	}
	// Streamed, as `nhacviec report` is: the report of 100,000 tasks with
	// every assignment and row in memory would take the daemon's memory
	// several times over for the moment of a summary.
	var title, body string
	err := d.db.Scheduler().View(func(tx scheduler.Tx) error {
		r, err := report.NewStream(now, cfg.Location, report.Lookup(rt.tasks), newReleasingTx(tx, d.db), cfg.Directory,
			report.WithCalendar(cfg.Scheduling.Calendar))
		if err != nil {
			return err
		}
		title, body, err = r.Weekly(last.AddDate(0, 0, -7))
		return err
	})
	if err != nil {
		d.log.Error("weekly summary", "err", err)
		return
	}
	var msgs []*notify.Message
	for _, ch := range chans {
		msgs = append(msgs, &notify.Message{
			ID: id(ch), Channel: ch,
			Kind: notify.KindInfo, To: to, At: now,
			Title:  "[Nhắc việc CCHC] " + title + " — " + notify.FormatDate(last),
			Intro:  body,
			Footer: strings.Join(signature(cfg), "\n"),
		})
	}
	if err := d.db.Enqueue(msgs...); err != nil {
		d.log.Error("weekly summary", "err", err)
		return
	}
	d.log.Info("weekly summary queued", "week", last.In(cfg.Location).Format("2006-01-02"), "messages", len(msgs))
	d.signal()
}
