package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// testClock is the daemon's clock in a test: it runs forward in real time
// from the moment the test last set.
type testClock struct {
	mu    sync.Mutex
	base  time.Time
	real0 time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{base: t, real0: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.real0))
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.real0 = t, time.Now()
}

// TestHotReloadEndToEnd: while the daemon runs, the admin changes in the
// file a task's deadline, its reminder policy, a person's channel and the
// delivery admin. The next preview and the next messages the daemon
// delivers reflect every change; a config error after that is reported to
// the new admin.
func TestHotReloadEndToEnd(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(t, e2eToken)
	e := newEnv(t)
	e.useChannels(t, smtp, tg)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", fmt.Sprintf("http:\n  listen: %s\n", addr))
	hcm := time.FixedZone("ICT", 7*3600)
	// Monday 2/12/2024 07:00: before working hours, nothing goes out.
	clock := newTestClock(time.Date(2024, 12, 2, 7, 0, 0, 0, hcm))
	mains := make(chan *Main, 1)
	channelsSetup := e.setup
	e.setup = func(m *Main) {
		channelsSetup(m)
		m.now = clock.Now
		mains <- m
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run")
	}()
	defer func() { cancel(); <-done }()
	m := <-mains
	e.setup = channelsSetup
	// Ready, not only up: the ops listener answers while the plans are
	// imported, before the file watcher and SIGHUP are listened to.
	waitFor(t, "the daemon", func() bool { code, _ := get(t, "http://"+addr+"/readyz"); return code == 200 })
	reload := func() {
		select {
		case m.hup <- struct{}{}:
		default: // a reload is already pending: it reads the file as it is now
		}
	}

	// Wednesday 4/12 08:00, the admin saves: III.2.1 (Văn phòng Sở) due
	// Monday 2/12 instead of 31/12, escalated to its head and the
	// Director after 2 working days; the head of Văn phòng on Telegram only; the Director
	// is the admin.
	// One save: the file watcher must not reload a half-edited file, which
	// the daemon would apply (and fire on) before the rest arrives.
	e.editAll(t, "nhacviec.yaml",
		"      tasks:\n        I.3: {unscheduled: true}", "      tasks:\n        III.2.1: {due: \"2024-12-02\"}\n        I.3: {unscheduled: true}",
		"        I.2:\n          before: [5, 2, 1]\n", "        I.2:\n          before: [5, 2, 1]\n        III.2.1:\n          escalations: [{after: 2, to: [head, gd]}]\n",
		"    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    channels: [telegram]\n",
		"  admin: chanh-vp", "  admin: gd")
	clock.Set(time.Date(2024, 12, 4, 8, 0, 0, 0, hcm))

	// The preview of that morning, from the file (--fresh: the daemon's file
	// watcher may already have applied the edit and sent these, which a
	// preview from the database's state would rightly not list again).
	out, stderr, code := e.run(t, context.Background(), "preview", "--from", "2024-12-04T08:00", "--to", "2024-12-04T08:01", "--json", "--fresh")
	var entries []previewEntry
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil {
		t.Fatalf("preview: exit %d %s", code, stderr)
	}
	var previewHead, previewEscalation bool
	for _, pe := range entries {
		for _, it := range pe.Items {
			if it.TaskID != "III.2.1" || it.Due.In(hcm).Format("02/01") != "02/12" {
				continue
			}
			switch {
			case pe.Recipient.ID == "chanh-vp" && strings.Join(pe.Channels, ",") == "telegram" && it.Kind == "escalation":
				previewHead = true
			case pe.Recipient.ID == "gd" && it.Kind == "escalation":
				previewEscalation = true
			}
		}
	}
	if !previewHead || !previewEscalation {
		t.Errorf("preview after the edit: head on Telegram %v, escalation to the Director %v:\n%s\n%s", previewHead, previewEscalation, out, stderr)
	}

	// The running daemon delivers the same.
	reload()
	waitFor(t, "III.2.1 to the head of Văn phòng on Telegram, and its escalation to the Director by e-mail", func() bool {
		return len(tgAbout(tg, 4242, "III.2.1 ", "02/12/2024", "quá hạn 2 ngày làm việc")) > 0 &&
			len(mailAbout(smtp, "giamdoc@sct-langson.example", "III.2.1 ", "02/12/2024", "quá hạn 2 ngày làm việc")) > 0
	})
	if got := mailAbout(smtp, "chanhvanphong@sct-langson.example", "III.2.1 "); len(got) > 0 {
		t.Errorf("the head of Văn phòng, now on Telegram only, still got %d e-mails about III.2.1", len(got))
	}

	// A broken edit: the new admin is told, by e-mail (the Director has no
	// Telegram), and the old one is not.
	e.edit(t, "nhacviec.yaml", "office: vp\n", "office: vp\nofice: vp\n")
	reload()
	waitFor(t, "the refused reload's notice to the new admin", func() bool {
		for _, msg := range smtp.Messages() {
			if slicesContains(msg.To, "giamdoc@sct-langson.example") && strings.Contains(msg.Subject(), "cấu hình mới có lỗi") {
				return true
			}
		}
		return false
	})
	if got := tgAbout(tg, 4242, "cấu hình mới có lỗi"); len(got) > 0 {
		t.Errorf("the former admin was told of the refused reload: %q", got[0].Text)
	}
}

// tgAbout returns the Telegram messages to chat with a line that contains
// every part.
func tgAbout(tg *telegramtest.Server, chat int64, parts ...string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range tg.SentTo(chat) {
		if containsAll(s.Text, parts) {
			out = append(out, s)
		}
	}
	return out
}

// mailAbout returns the e-mails to addr whose text has a line that
// contains every part.
func mailAbout(smtp *smtptest.Server, addr string, parts ...string) []smtptest.Message {
	var out []smtptest.Message
	for _, m := range smtp.Messages() {
		text, err := m.Part("text/plain")
		if slicesContains(m.To, addr) && err == nil && containsAll(string(text.Body), parts) {
			out = append(out, m)
		}
	}
	return out
}

// containsAll says whether a line of s contains every part.
func containsAll(s string, parts []string) bool {
	for _, line := range strings.Split(s, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// TestReloadsWhileBotAndSchedulerWork: reloads in a loop, each moving a
// deadline and changing the people, while the bot answers commands and the
// scheduler fires and syncs on a clock that jumps. Meant for -race: every
// reader takes one runtime; every command still gets its answer.
func TestReloadsWhileBotAndSchedulerWork(t *testing.T) {
	tg := telegramtest.New(t, e2eToken)
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    channels: [email]\n")
	e.edit(t, "nhacviec.yaml", "      tasks:\n        I.3: {unscheduled: true}", "      tasks:\n        III.2.1: {due: \"2024-12-03\"}\n        I.3: {unscheduled: true}")
	e.useChannels(t, smtp, tg)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", fmt.Sprintf("http:\n  listen: %s\n", addr))
	hcm := time.FixedZone("ICT", 7*3600)
	clock := newTestClock(time.Date(2024, 11, 18, 8, 0, 0, 0, hcm))
	mains := make(chan *Main, 1)
	var logs syncBuffer
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	channelsSetup := e.setup
	e.setup = func(m *Main) {
		channelsSetup(m)
		m.now = clock.Now
		m.stderr = &logs
		mains <- m
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run")
	}()
	defer func() { cancel(); <-done }()
	m := <-mains
	// Ready, not only up: the ops listener answers while the plans are
	// imported, before the file watcher and SIGHUP are listened to.
	waitFor(t, "the daemon", func() bool { code, _ := get(t, "http://"+addr+"/readyz"); return code == 200 })
	an := telegramtest.User{ID: 4242, FirstName: "Chánh"}
	const rounds = 5
	for i := range rounds {
		due := fmt.Sprintf("2024-12-%02d", 2+i%2)
		e.editAll(t, "nhacviec.yaml", fmt.Sprintf("III.2.1: {due: \"2024-12-%02d\"}", 2+(i+1)%2), fmt.Sprintf("III.2.1: {due: %q}", due))
		clock.Set(time.Date(2024, 11, 18+i, 8, 0, 0, 0, hcm))
		select {
		case m.hup <- struct{}{}:
		default:
		}
		tg.PushText(an.ID, an, "/xong III.2.1 lần "+fmt.Sprint(i))
		tg.PushText(an.ID, an, "/huy III.2.1")
	}
	// The bot answers at most one message a second in a chat.
	waitFor(t, "an answer to every command", func() bool {
		n := 0
		for _, s := range tg.SentTo(an.ID) {
			if strings.Contains(s.Text, "III.2.1") && (strings.Contains(s.Text, "Đã ghi nhận hoàn thành") || strings.Contains(s.Text, "được mở lại")) {
				n++
			}
		}
		return n >= 2*rounds
	})
}
