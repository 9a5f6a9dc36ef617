package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// TestReplyInOutboxSurvivesCrash: with the outbox, the confirmation of a
// done task is written with the change and the update offset. The process
// dies before sending it (nothing reached Telegram); after the restart the
// change is not applied again and the pipeline sends the confirmation,
// once.
func TestReplyInOutboxSurvivesCrash(t *testing.T) {
	woke := 0
	e := newEnv(t, func(c *Config) { c.Wake = func() { woke++ } })
	e.srv.PushText(userAn.ID, userAn, "/xong III.2.1 Đã gửi báo cáo")
	e.poll()
	if a := e.assignment(kIII21); a.State != scheduler.StateDone {
		t.Fatalf("state %s", a.State)
	}
	if n := len(e.srv.SentTo(userAn.ID)); n != 0 || woke != 1 {
		t.Fatalf("%d messages sent by the bot itself, %d wake-ups; want 0 and 1", n, woke)
	}
	pending, err := e.db.Outbox(store.OutboxFilter{Status: store.OutboxPending})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || !pending[0].Message.Reply || !strings.Contains(pending[0].Message.HTML, "Đã ghi nhận hoàn thành") {
		t.Fatalf("outbox %+v, want the confirmation pending", pending)
	}

	e.restart() // killed before the pipeline ran
	if n := e.poll(); n != 0 {
		t.Errorf("%d updates handled again after the restart", n)
	}
	done := 0
	for _, a := range e.audit() {
		if a.Action == "done" && a.Assignment == kIII21 {
			done++
		}
	}
	if done != 1 {
		t.Errorf("%d done entries in the audit, want 1", done)
	}
	p, err := notify.New(notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: e.tg}, Outbox: e.db,
		Now: e.clock.Now, Log: e.bot.log})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := p.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sent := e.srv.SentTo(userAn.ID)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "Đã ghi nhận hoàn thành nhiệm vụ III.2.1") {
		t.Errorf("sent %d messages after the restart, want the confirmation once: %+v", len(sent), sent)
	}
}

// TestKeyboardEditInOutboxSurvivesCrash: a button press on a digest marks
// one task done. The press is answered at once; the keyboard edit (that
// task's button gone) and the confirmation are written with the change.
// The process dies before sending them; after the restart the change is
// not applied again and the pipeline edits the keyboard, then confirms,
// once each.
func TestKeyboardEditInOutboxSurvivesCrash(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Wake = func() {} })
	id := e.remind(userAn.ID, kIII21, kIII221)
	e.srv.PushCallback(userAn.ID, userAn, id, "d:"+store.ShortID(kIII221))
	e.poll()
	if a := e.assignment(kIII221); a.State != scheduler.StateDone {
		t.Fatalf("state %s", a.State)
	}
	if ans := e.lastAnswer(); !strings.Contains(ans.Text, "Đã ghi nhận hoàn thành") {
		t.Errorf("the press was answered %+v", ans)
	}
	if n := len(e.srv.Calls("editMessageReplyMarkup")); n != 0 {
		t.Fatalf("%d keyboard edits sent by the bot itself, want them in the outbox", n)
	}
	pending, err := e.db.Outbox(store.OutboxFilter{Status: store.OutboxPending})
	if err != nil {
		t.Fatal(err)
	}
	var edits, replies int
	for _, r := range pending {
		switch {
		case r.Message.Edit == id:
			edits++
		case r.Message.Reply && strings.Contains(r.Message.HTML, "Đã ghi nhận hoàn thành"):
			replies++
		}
	}
	if len(pending) != 2 || edits != 1 || replies != 1 {
		t.Fatalf("outbox %+v, want the keyboard edit and the confirmation pending", pending)
	}

	e.restart() // killed before the pipeline ran
	if n := e.poll(); n != 0 {
		t.Errorf("%d updates handled again after the restart", n)
	}
	p, err := notify.New(notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: e.tg}, Outbox: e.db,
		Now: e.clock.Now, Log: e.bot.log})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := p.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"d:" + store.ShortID(kIII21)}) {
		t.Errorf("keyboard after the restart %v, want only III.2.1's button", kb)
	}
	if n := len(e.srv.Calls("editMessageReplyMarkup")); n != 1 {
		t.Errorf("%d keyboard edits, want 1", n)
	}
	sent := e.srv.SentTo(userAn.ID)
	if len(sent) != 2 || !strings.Contains(sent[1].Text, "Đã ghi nhận hoàn thành nhiệm vụ III.2.2.1") {
		t.Errorf("messages %q, want the reminder and the confirmation once", texts(sent))
	}
	done := 0
	for _, a := range e.audit() {
		if a.Action == "done" {
			done++
		}
	}
	if done != 1 {
		t.Errorf("%d done entries in the audit, want 1", done)
	}
}
