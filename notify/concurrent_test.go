package notify_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/store"
)

const botToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// vclock is the time of the fake Bot API and of the notifier's rate
// limiter: it moves only when the limiter sleeps, so that the limits are
// checked on a time no machine load can disturb.
type vclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(max(d, 0))
	return nil
}

func fastTelegram(t *testing.T) (*telegramtest.Server, *telegram.Notifier) {
	t.Helper()
	vc := &vclock{t: t0}
	srv := telegramtest.New(t, botToken)
	srv.SetClock(vc.Now)
	srv.EnforceLimits(telegramtest.Limits{})
	n, err := telegram.New(t.Context(), telegram.Config{Token: botToken, APIEndpoint: srv.Endpoint(),
		Timeout: 10 * time.Second}, quiet, telegram.WithClock(vc))
	if err != nil {
		t.Fatal(err)
	}
	return srv, n
}

// realDB is a store on the wall clock, as the fake Bot API's limits are.
func realDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir()+"/nhacviec.db", store.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// chatMessage is message k of a chat: a long digest (several Telegram
// parts) when long, each line marked "«chat/k/line»" so that the order of
// what arrived can be read back.
func chatMessage(chat int64, k int, long bool, at time.Time) *notify.Message {
	n := 1
	if long {
		n = 40
	}
	var items []notify.Item
	for i := range n {
		id := fmt.Sprintf("I.%d", i+10) // two digits: the same order however sorted
		items = append(items, notify.Item{Kind: notify.KindReminder, TaskID: id, Occurrence: id + "@2024",
			Assignment: fmt.Sprintf("60/KH-SCT|%s@2024|u%d", id, k), Unit: "Văn phòng Sở",
			Text: fmt.Sprintf("«%d/%d/%03d» %s", chat, k, i, strings.Repeat("Rà soát thủ tục hành chính ", 6)),
			Due:  at.Add(72 * time.Hour), WorkingDays: 3})
	}
	return &notify.Message{ID: fmt.Sprintf("tg-%d-%d", chat, k), Channel: notify.ChannelTelegram, Kind: notify.KindReminder,
		To: notify.Recipient{ID: fmt.Sprintf("p%d", chat), Name: "Cán bộ", TelegramID: chat}, At: at,
		Title: "Nhắc việc", Items: items}
}

var marker = regexp.MustCompile(`«(-?\d+)/(\d+)/(\d+)»`)

// emailWatch wraps the e-mail notifier and counts the Telegram messages
// already accepted when the e-mails are done.
type emailWatch struct {
	n        notify.Notifier
	tg       *telegramtest.Server
	mu       sync.Mutex
	done     int
	tgAtLast int
}

func (w *emailWatch) Notify(ctx context.Context, m *notify.Message) (bool, error) {
	retry, err := w.n.Notify(ctx, m)
	w.mu.Lock()
	w.done++
	w.tgAtLast = len(w.tg.Sent())
	w.mu.Unlock()
	return retry, err
}

// TestConcurrentDeliveryKeepsLimitsAndOrder sends 300 Telegram messages to
// 60 chats, a third of them digests split in several parts, and 50
// e-mails, through the pipeline, against a fake Bot API enforcing
// Telegram's limits and a real SMTP server.
func TestConcurrentDeliveryKeepsLimitsAndOrder(t *testing.T) {
	srv, tg := fastTelegram(t)
	smtp := smtptest.New(t, smtptest.Options{NoTLS: true})
	en, err := email.New(email.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: email.TLSNone,
		From: "nhacviec@sct.langson.gov.vn", ReuseConnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { en.Close() })
	watch := &emailWatch{n: en, tg: srv}
	db := realDB(t)
	now := time.Now()
	const chats, perChat, mails = 60, 5, 50
	var msgs []*notify.Message
	for c := range chats { // chat after chat: a one-at-a-time pipeline would serve chat 1 first
		chat := int64(1000 + c)
		if c%10 == 9 {
			chat = -chat // a group
		}
		for k := range perChat {
			msgs = append(msgs, chatMessage(chat, k, k%3 == 1, now))
		}
	}
	for i := range mails {
		m := message(fmt.Sprintf("mail-%d", i), notify.ChannelEmail, now)
		m.To = notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@langson.gov.vn", i)}
		msgs = append(msgs, m)
	}
	enqueue(t, db, msgs...)
	p := mustPipeline(t, notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: tg, notify.ChannelEmail: watch},
		Outbox: db, Log: quiet})
	sent, err := p.DeliverDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sent != chats*perChat+mails {
		t.Errorf("%d messages sent, want %d", sent, chats*perChat+mails)
	}
	if n := srv.CountStatus(429); n != 0 {
		t.Errorf("%d answers 429", n)
	}
	if got := len(smtp.Messages()); got != mails {
		t.Errorf("%d e-mails received, want %d", got, mails)
	}
	all := srv.Sent()
	if len(all) <= chats*perChat {
		t.Fatalf("%d Telegram messages, want more than %d (split digests)", len(all), chats*perChat)
	}
	// Many chats in flight at once: the spans from a chat's first message
	// to its last overlap (one at a time, none would).
	span := map[int64][2]time.Time{}
	for _, s := range all {
		sp, ok := span[s.ChatID]
		if !ok {
			sp[0] = s.At
		}
		sp[1] = s.At
		span[s.ChatID] = sp
	}
	most := 0
	for _, a := range span {
		n := 0
		for _, b := range span {
			if !b[0].After(a[0]) && !b[1].Before(a[0]) {
				n++
			}
		}
		most = max(most, n)
	}
	if most < chats/2 {
		t.Errorf("at most %d chats in flight at once, want at least %d", most, chats/2)
	}
	// Within a chat, messages and the parts of a digest arrive in order.
	last := map[int64][2]int{}
	for _, s := range all {
		for _, mk := range marker.FindAllStringSubmatch(s.Text, -1) {
			chat, _ := strconv.ParseInt(mk[1], 10, 64)
			k, _ := strconv.Atoi(mk[2])
			line, _ := strconv.Atoi(mk[3])
			if chat != s.ChatID {
				t.Fatalf("chat %d got a line for chat %d", s.ChatID, chat)
			}
			cur := [2]int{k, line}
			if prev, ok := last[chat]; ok && (cur[0] < prev[0] || cur[0] == prev[0] && cur[1] <= prev[1]) {
				t.Errorf("chat %d: line %v arrived after %v", chat, cur, prev)
			}
			last[chat] = cur
		}
	}
	if len(last) != chats {
		t.Errorf("%d chats got messages, want %d", len(last), chats)
	}
}

// TestFloodWaitForOneChatHoldsOnlyThatChat: Telegram answers 429 with a
// minute's retry_after for one chat; the other chats get their messages in
// the same round, and the chat's second message waits behind its first.
func TestFloodWaitForOneChatHoldsOnlyThatChat(t *testing.T) {
	srv, tg := fastTelegram(t)
	const flooded = 777
	srv.Fail(telegramtest.Failure{Method: "sendMessage", ChatID: flooded, Code: 429, RetryAfter: 60})
	db := realDB(t)
	now := time.Now()
	msgs := []*notify.Message{chatMessage(flooded, 0, false, now), chatMessage(flooded, 1, false, now)}
	for c := range 20 {
		msgs = append(msgs, chatMessage(int64(2000+c), 0, false, now))
	}
	enqueue(t, db, msgs...)
	p := mustPipeline(t, notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: tg}, Outbox: db, Log: quiet})
	sent, err := p.DeliverDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sent != 20 {
		t.Errorf("%d sent, want the 20 other chats' messages", sent)
	}
	var chats []int64
	for _, s := range srv.Sent() {
		chats = append(chats, s.ChatID)
	}
	if slices.Contains(chats, flooded) {
		t.Errorf("the flooded chat got a message during its wait")
	}
	first, second := record(t, db, "tg-777-0"), record(t, db, "tg-777-1")
	if first.Status != notify.StatusPending || first.NextAttempt.Sub(now) < time.Minute {
		t.Errorf("first message %s, next attempt in %s; want pending a minute at least", first.Status, first.NextAttempt.Sub(now))
	}
	if second.Status != notify.StatusPending || !second.NextAttempt.After(first.NextAttempt) || second.Attempts != 0 {
		t.Errorf("second message %s at %s after %d attempts; want pending behind the first (%s), not tried",
			second.Status, second.NextAttempt, second.Attempts, first.NextAttempt)
	}
}

// gate is a notifier that holds every message until released, and tells
// each one it starts.
type gate struct {
	started chan string
	release chan struct{}
	mu      sync.Mutex
	order   []string
}

func (g *gate) Notify(ctx context.Context, m *notify.Message) (bool, error) {
	g.mu.Lock()
	g.order = append(g.order, m.ID)
	g.mu.Unlock()
	g.started <- m.ID
	select {
	case <-g.release:
		return false, nil
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// TestSlowChannelHoldsBackNoOther: while Telegram hangs on a message, the
// e-mail due at the same moment goes out, and a reply to the same chat
// goes before the chat's older reminder.
func TestSlowChannelHoldsBackNoOther(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	tg := &gate{started: make(chan string, 10), release: make(chan struct{})}
	mail := &fakeNotifier{signal: make(chan string, 10)}
	reply := message("tg-3-reply", notify.ChannelTelegram, t0)
	reply.Reply = true
	enqueue(t, db, message("tg-1", notify.ChannelTelegram, t0), message("tg-2", notify.ChannelTelegram, t0), reply,
		message("mail-1", notify.ChannelEmail, t0))
	p := mustPipeline(t, testConfig(db, c, map[string]notify.Notifier{notify.ChannelTelegram: tg, notify.ChannelEmail: mail}))
	done := make(chan error, 1)
	go func() { _, err := p.DeliverDue(t.Context()); done <- err }()
	receive(t, tg.started, "telegram attempt")
	if id := receive(t, mail.signal, "e-mail while Telegram hangs"); id != "mail-1" {
		t.Errorf("e-mail %s, want mail-1", id)
	}
	for range 2 {
		tg.release <- struct{}{}
		receive(t, tg.started, "next telegram attempt")
	}
	tg.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	tg.mu.Lock()
	order := slices.Clone(tg.order)
	tg.mu.Unlock()
	if len(order) != 3 || order[2] != "tg-2" || !slices.Contains(order, "tg-1") || !slices.Contains(order, "tg-3-reply") {
		t.Errorf("telegram order %v: want the reply before tg-2, and tg-1 before tg-2", order)
	}
}

// TestEmailDoesNotWaitForTelegramPace: ten messages to one chat take a
// while at Telegram's pace (here 1 per 300 ms); the e-mails due at the same
// moment, after them in the outbox's order, are all delivered before the
// chat's last message.
func TestEmailDoesNotWaitForTelegramPace(t *testing.T) {
	srv := telegramtest.New(t, botToken)
	tg, err := telegram.New(t.Context(), telegram.Config{Token: botToken, APIEndpoint: srv.Endpoint(),
		ChatInterval: 300 * time.Millisecond, Timeout: 10 * time.Second}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	smtp := smtptest.New(t, smtptest.Options{NoTLS: true})
	en, err := email.New(email.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: email.TLSNone,
		From: "nhacviec@sct.langson.gov.vn", ReuseConnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { en.Close() })
	watch := &emailWatch{n: en, tg: srv}
	db := realDB(t)
	now := time.Now()
	var msgs []*notify.Message
	for k := range 10 {
		m := chatMessage(5, k, false, now)
		m.ID = fmt.Sprintf("a-tg-%d", k) // first in the outbox's order
		msgs = append(msgs, m)
	}
	for i := range 10 {
		m := message(fmt.Sprintf("z-mail-%d", i), notify.ChannelEmail, now)
		m.To = notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@langson.gov.vn", i)}
		msgs = append(msgs, m)
	}
	enqueue(t, db, msgs...)
	p := mustPipeline(t, notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelTelegram: tg, notify.ChannelEmail: watch},
		Outbox: db, Log: quiet})
	if sent, err := p.DeliverDue(t.Context()); err != nil || sent != 20 {
		t.Fatalf("DeliverDue = %d, %v; want 20 sent", sent, err)
	}
	if watch.done != 10 || watch.tgAtLast >= 10 {
		t.Errorf("%d e-mails, the last when %d of 10 Telegram messages had gone; want all 10 before the last", watch.done, watch.tgAtLast)
	}
}
