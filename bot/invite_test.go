package bot

import (
	"context"
	"fmt"
	"slices"
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
// second chat's answer goes long before the flood's last reply, while
// the flooding chat's replies keep to one a second (times on the injected
// clock). Handled one after another, the answer would come after the 30
// replies, 29 s later. Not "within a second": a lane waiting for its
// chat's next turn moves the shared clock 1 s forward at once, and when
// the scheduler starts the second chat's lane only after that (seen under
// -race on one CPU), its answer goes 1 s later on the clock, a few
// milliseconds later in real time; with the whole suite running on two
// busy cores, the flooding lane went through seven turns first (7 s on
// the clock). The bound is half the flood: one after another is 29 s.
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
	sent := e.srv.Sent()
	if len(sent) != 31 {
		t.Fatalf("%d replies sent, want 31", len(sent))
	}
	first := sent[0].At
	var answer time.Time
	var flood []time.Time
	for _, s := range sent {
		if s.At.Before(first) {
			first = s.At
		}
		switch s.ChatID {
		case userAn.ID:
			answer = s.At
		case userGuess.ID:
			flood = append(flood, s.At)
		}
	}
	if answer.IsZero() || answer.Sub(first) > 15*time.Second {
		t.Errorf("the other chat's answer came %v after the first reply, want well before the flood's 30 s", answer.Sub(first))
	}
	slices.SortFunc(flood, func(a, b time.Time) int { return a.Compare(b) })
	if len(flood) != 30 || flood[len(flood)-1].Sub(flood[0]) < 29*time.Second {
		t.Errorf("the flooding chat's %d replies span %v, want one a second", len(flood), flood[len(flood)-1].Sub(flood[0]))
	}
	if n := e.srv.CountStatus(429); n != 0 {
		t.Errorf("%d answers 429", n)
	}
}
