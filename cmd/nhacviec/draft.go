package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	htmlType = "text/html; charset=utf-8"
)

// draft queues the period's report draft to the office's head and to
// reports.draft_to at the first working moment after a data cut-off, once
// per period: the message id names the period, and the outbox ignores an
// id it already holds, also after a restart.
func (d *daemon) draft(rt *runtime, now time.Time) {
	cfg := rt.cfg
	cal := cfg.Scheduling.Calendar
	if !cal.NextWorkingMoment(now).Equal(now) {
		return // outside working time: the loop comes back
	}
	p, ok, _ := report.DraftDue(now, cal)
	if !ok || p == d.draftSent {
		return
	}
	d.draftSent = p
	to := draftRecipients(cfg)
	if len(to) == 0 {
		return
	}
	// A daemon restarted within the days a draft is still sent would build
	// it again only for the outbox to ignore it: at 100,000 tasks that is
	// a 120 MB page and workbook.
	var ids []string
	for _, r := range to {
		for _, ch := range draftChannels(cfg, r, d.chans.enabled) {
			ids = append(ids, draftID(r, ch, p))
		}
	}
	if queued, err := d.db.OutboxHas(ids...); err != nil {
		d.log.Error("report draft", "period", p.String(), "err", err)
		return
	} else if queued {
		d.log.Debug("report draft already queued", "period", p.String())
		return
	}
	// Read as the command streams it: not every assignment at once in the
	// daemon's memory.
	var msgs []*notify.Message
	err := d.db.Scheduler().View(func(tx scheduler.Tx) error {
		dr, err := report.NewDraftStream(p, now, cfg.Location, report.Lookup(rt.tasks), tx, cfg.Directory)
		if err != nil {
			return err
		}
		msgs, err = draftMessages(cfg, dr, to, d.chans.enabled, now)
		return err
	})
	if err != nil {
		d.log.Error("report draft", "period", p.String(), "err", err)
		return
	}
	if err := d.db.Enqueue(msgs...); err != nil {
		d.log.Error("report draft", "period", p.String(), "err", err)
		return
	}
	d.log.Info("report draft queued", "period", p.String(), "messages", len(msgs))
	d.signal()
}

// draftRecipients are the office's head and the people of
// reports.draft_to, each once.
func draftRecipients(cfg *config.Config) []notify.Recipient {
	var ids []string
	if u, ok := cfg.Directory.Unit(cfg.Office); ok && u.Head != "" {
		ids = append(ids, u.Head)
	}
	for _, id := range cfg.Reports.DraftTo {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var out []notify.Recipient
	for _, id := range ids {
		if p, ok := cfg.Directory.Person(id); ok {
			out = append(out, notify.Recipient{ID: p.ID, Name: p.Name, Email: p.Email, TelegramID: p.Telegram})
		}
	}
	return out
}

// draftMessages are the draft's messages to each recipient: by e-mail with
// the XLSX and the printable HTML attached whenever the person has an
// address (the files go nowhere else), and on the person's usual channel
// when that is another one, with the summary and where the files went.
func draftMessages(cfg *config.Config, dr *report.DraftStream, to []notify.Recipient, enabled []string, now time.Time) ([]*notify.Message, error) {
	var xlsx, html bytes.Buffer
	if err := dr.WriteXLSX(&xlsx); err != nil {
		return nil, err
	}
	if err := dr.WriteHTML(&html); err != nil {
		return nil, err
	}
	base := "du-thao-bao-cao-cchc-" + dr.Period.String()
	files := []notify.Attachment{
		{Name: base + ".xlsx", Type: xlsxType, Data: xlsx.Bytes()},
		{Name: base + ".html", Type: htmlType, Data: html.Bytes()},
	}
	summary := dr.Summary()
	footer := strings.Join(signature(cfg), "\n")
	var msgs []*notify.Message
	for _, r := range to {
		chans := draftChannels(cfg, r, enabled)
		mail := slices.Contains(chans, notify.ChannelEmail)
		for _, ch := range chans {
			m := &notify.Message{
				ID: draftID(r, ch, dr.Period), Channel: ch,
				Kind: notify.KindInfo, To: r, At: now,
				Title:  draftTitle(dr.Period),
				Footer: footer,
			}
			switch {
			case ch == notify.ChannelEmail:
				m.Intro = summary + "\nToàn văn dự thảo đính kèm thư này: tệp Excel (" + files[0].Name + ") và bản in (" + files[1].Name + ", mở bằng trình duyệt rồi in)."
				m.Attachments = files
			case mail:
				m.Intro = summary + "\nToàn văn dự thảo (tệp Excel và bản in) đã gửi kèm thư điện tử tới " + r.Email + "."
			default:
				m.Intro = summary + "\nToàn văn dự thảo (tệp Excel và bản in): quản trị hệ thống lấy bằng lệnh nhacviec report --period " + dr.Period.String() + "."
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, nil
}

// draftID is the id of the draft of p to r on ch: one per period, also
// across restarts.
func draftID(r notify.Recipient, ch string, p report.Period) string {
	return fmt.Sprintf("draft|%s|%s|%s", r.ID, ch, p)
}

// draftChannels are r's usual channels, plus e-mail when r has an address:
// the files go by e-mail only.
func draftChannels(cfg *config.Config, r notify.Recipient, enabled []string) []string {
	chans := scheduler.Channels(cfg.Directory, r, enabled, cfg.Delivery.AllChannels)
	if r.Email != "" && (enabled == nil || slices.Contains(enabled, notify.ChannelEmail)) && !slices.Contains(chans, notify.ChannelEmail) {
		chans = append(chans, notify.ChannelEmail)
	}
	return chans
}

// draftTitle is the draft message's subject.
func draftTitle(p report.Period) string {
	return "[Nhắc việc CCHC] " + report.Draft{Period: p}.DraftTitle()
}

// previewDraft lists the report drafts run sends in [from, to]: at the
// first working moment after each data cut-off, to the office's head and
// reports.draft_to.
func previewDraft(cfg *config.Config, from, to time.Time) []previewEntry {
	var out []previewEntry
	for t := from.Add(-time.Nanosecond); ; {
		_, _, next := report.DraftDue(t, cfg.Scheduling.Calendar)
		if next.IsZero() || next.After(to) {
			return out
		}
		p, _, _ := report.DraftDue(next, cfg.Scheduling.Calendar)
		for _, r := range draftRecipients(cfg) {
			out = append(out, previewEntry{At: next, Recipient: r, Kind: notify.KindInfo,
				Channels: draftChannels(cfg, r, enabledChannels(cfg)), Title: draftTitle(p)})
		}
		t = next
	}
}
