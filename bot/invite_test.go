package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

var userGuess = telegramtest.User{ID: 7007, FirstName: "Đoán"}

// TestInviteThrottled: five wrong codes in ten minutes, then the sixth
// attempt waits, with a polite message, even with a valid code; once the
// window has passed the valid code binds.
func TestInviteThrottled(t *testing.T) {
	e := newEnv(t, nil)
	code, err := e.db.CreateInvite("qltm", "Lê Văn Cường", "staff", 48*time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e.srv.PushText(userGuess.ID, userGuess, fmt.Sprintf("/start SAI%d", i))
		e.poll()
		contains(t, "wrong code", e.last(userGuess.ID).Text, "Mã mời không hợp lệ")
		e.clock.Add(time.Minute)
	}
	e.srv.PushText(userGuess.ID, userGuess, "/start SAI5")
	e.poll()
	contains(t, "sixth attempt", e.last(userGuess.ID).Text, "Bạn đã nhập sai mã mời nhiều lần", "vui lòng đợi khoảng 5 phút")
	e.srv.PushText(userGuess.ID, userGuess, "/start "+code)
	e.poll()
	contains(t, "valid code after the limit", e.last(userGuess.ID).Text, "vui lòng đợi")
	if _, ok, _ := e.db.Binding(userGuess.ID); ok {
		t.Fatal("bound while throttled")
	}
	if !strings.Contains(e.logs.String(), "telegram invite attempt throttled") {
		t.Error("throttling not logged")
	}
	// Another chat is not held back by one guesser.
	e.srv.PushText(userStranger.ID, userStranger, "/start SAI")
	e.poll()
	contains(t, "another chat", e.last(userStranger.ID).Text, "Mã mời không hợp lệ")

	e.clock.Add(6 * time.Minute) // the first wrong code is past the window
	e.srv.PushText(userGuess.ID, userGuess, "/start "+code)
	e.poll()
	contains(t, "after the wait", e.last(userGuess.ID).Text, "đã được liên kết với Phòng Quản lý thương mại")
}

// TestStartWhenAlreadyLinked: a bound person's /start with a code is told
// they are linked already (not "chưa được cấp quyền"), and the code stays
// unused.
func TestStartWhenAlreadyLinked(t *testing.T) {
	e := newEnv(t, nil)
	code, err := e.db.CreateInvite("qltm", "Lê Văn Cường", "staff", 48*time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.srv.PushText(userAn.ID, userAn, "/start "+code)
	e.poll()
	got := e.last(userAn.ID).Text
	contains(t, "linked", got, "đã được liên kết với Văn phòng Sở (Nguyễn Văn An), không cần mã mời nữa")
	if strings.Contains(got, "chưa được cấp quyền") {
		t.Errorf("told a linked person they have no access: %q", got)
	}
	e.srv.PushText(userStranger.ID, userStranger, "/start "+code)
	e.poll()
	contains(t, "code still valid", e.last(userStranger.ID).Text, "đã được liên kết với Phòng Quản lý thương mại")
}

// TestUnboundPlainText: a stranger writing text learns that access comes
// first, not how to mark tasks done.
func TestUnboundPlainText(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.PushText(userStranger.ID, userStranger, "xin chào")
	e.poll()
	got := e.last(userStranger.ID).Text
	contains(t, "unbound text", got, "chưa được cấp quyền", "mã mời")
	if strings.Contains(got, replyHint) {
		t.Errorf("a stranger was told how to mark tasks done: %q", got)
	}
}

// TestFloodingChatDoesNotDelayOthers: 30 wrong codes from one chat, then
// /viec from another. Replies go through the outbox and the pipeline: the
// second chat's answer is sent before the flooding chat's later replies,
// which keep to one a second (on the injected clock).
func TestFloodingChatDoesNotDelayOthers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Wake = func() {} })
	for i := range 30 {
		e.srv.PushText(userGuess.ID, userGuess, fmt.Sprintf("/start SAI%d", i))
	}
	e.srv.PushText(userAn.ID, userAn, "/viec")
	if n := e.poll(); n != 31 {
		t.Fatalf("%d updates handled, want 31", n)
	}
	p, err := notify.New(notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: e.tg}, Outbox: e.db,
		Now: e.clock.Now, Log: e.bot.log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, s := range e.srv.Sent() {
		order = append(order, s.ChatID)
	}
	if len(order) != 31 {
		t.Fatalf("%d replies sent, want 31", len(order))
	}
	pos := -1
	for i, c := range order {
		if c == userAn.ID {
			pos = i
		}
	}
	if pos < 0 || pos > 1 {
		t.Errorf("the other chat's answer came at position %d of %v, want before the flooding chat's second reply", pos, order)
	}
	if n := e.srv.CountStatus(429); n != 0 {
		t.Errorf("%d answers 429", n)
	}
}
