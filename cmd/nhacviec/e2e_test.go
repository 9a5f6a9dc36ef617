package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

const (
	e2eToken    = "123456:TEST-token-never-logged"
	e2ePassword = "mat-khau-smtp"
)

// TestRunDeliversByEmailAndTelegram: `nhacviec run` on the example plan,
// with a real SMTP server (STARTTLS + AUTH) and the fake Bot API, sends the
// reminders due at 08:00 by both channels at their time.
func TestRunDeliversByEmailAndTelegram(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(t, e2eToken)

	e := newEnv(t)
	// A copy on each channel, as asked (by default Telegram alone, e-mail
	// when it fails).
	e.edit(t, "nhacviec.yaml", "    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    all_channels: true\n")
	e.useChannels(t, smtp, tg)

	// 14/6/2024 07:59:58: the 6-month report I.2 (due Monday 17/6, reminders
	// 5, 2 and 1 working days before) has its "1 day before" reminder at
	// 08:00, two seconds later. The start catches up (reminder "2 days
	// before", 13/6) and counts as the day's round: the 08:00 reminder
	// comes with it, and nothing more at 08:00.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var stderr string
	go func() {
		defer close(done)
		_, stderr, _ = e.run(t, ctx, "run", "--now", "2024-06-14T07:59:58")
	}()
	deadline := time.Now().Add(20 * time.Second)
	var gotMail, gotTG bool
	for time.Now().Before(deadline) && !(gotMail && gotTG) {
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Subject(), "Nhắc việc") && slicesContains(m.To, "chanhvanphong@sct-langson.example") &&
				strings.Contains(string(m.Data), "I.2") && strings.Contains(m.Header.Get("Date"), "14 Jun 2024 07:59") {
				gotMail = true
			}
		}
		gotTG = aboutI2(tg.SentTo(4242)) >= 1
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // past 08:00
	cancel()
	<-done
	if n := aboutI2(tg.SentTo(4242)); n != 1 {
		t.Errorf("%d Telegram messages about I.2 around 08:00, want 1 (the catch-up is the day's round)", n)
	}
	if !gotMail {
		t.Errorf("no 07:59 e-mail reminder for I.2 to Chánh Văn phòng; server got %d messages", len(smtp.Messages()))
	}
	if !gotTG {
		t.Errorf("no Telegram reminder for I.2 to chat 4242; sent %d", len(tg.SentTo(4242)))
	}
	for _, secret := range []string{e2eToken, e2ePassword} {
		if strings.Contains(stderr, secret) {
			t.Errorf("a secret appears in the logs")
		}
	}
}

// aboutI2 counts the Telegram messages reminding of I.2 one working day
// before its deadline.
func aboutI2(sent []telegramtest.Sent) int {
	n := 0
	for _, s := range sent {
		if strings.Contains(s.Text, "I.2 Báo cáo") && strings.Contains(s.Text, "6 tháng đầu năm 2024, hạn 17/06/2024: còn 1 ngày làm việc") {
			n++
		}
	}
	return n
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if strings.Contains(x, v) {
			return true
		}
	}
	return false
}

// TestWeeklySummary: on Monday at 08:00 the head of Văn phòng Sở gets the
// weekly progress summary, once, listing what was done that week.
func TestWeeklySummary(t *testing.T) {
	e := newEnv(t)
	// Plan the assignments, then mark one done on Tuesday 19/11.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.run(t, ctx, "run", "--now", "2024-11-18T20:00")
	e.setup = func(m *Main) { m.now = func() time.Time { return time.Date(2024, 11, 19, 10, 0, 0, 0, time.UTC) } }
	if out, stderr, code := e.run(t, context.Background(), "done", "III.2.1", "--note", "Đã xong"); code != 0 {
		t.Fatalf("done: %s %s", out, stderr)
	}
	var stdout syncBuffer
	e.setup = func(m *Main) { m.stdout = &stdout }
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", "2024-11-25T07:59:58")
	}()
	// This week's summary, once; last week's (missed while the daemon was
	// down) caught up at most once.
	weekly := func(out, week string) int {
		return len(regexp.MustCompile(`──── \[Nhắc việc CCHC\] Tổng hợp tiến độ CCHC tuần: [^\n]* — `+week+` ────`).FindAllString(out, -1))
	}
	waitFor(t, "the 08:00 summary", func() bool { return weekly(stdout.String(), "25/11/2024") > 0 })
	cancel()
	<-done
	out := stdout.String()
	if n := weekly(out, "25/11/2024"); n != 1 {
		t.Errorf("this week's summary printed %d times", n)
	}
	if n := weekly(out, "18/11/2024"); n > 1 {
		t.Errorf("last week's summary printed %d times", n)
	}
	i := strings.Index(out, "Lúc: 08:00 25/11/2024\n\nKính gửi: Chánh Văn phòng\n\nTiến độ thực hiện")
	if i < 0 || !strings.Contains(out[i:], "Hoàn thành trong tuần (1 nhiệm vụ):") || !strings.Contains(out[i:], "- III.2.1 ") {
		t.Errorf("the 08:00 summary to the office head does not list the completion of III.2.1")
	}
}

// TestBlockedTelegramFallsBackToEmail: the head of Văn phòng prefers
// Telegram only, and has blocked the bot: the reminder goes by e-mail
// instead, and the admin is told which chat fails.
func TestBlockedTelegramFallsBackToEmail(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(t, e2eToken)
	tg.BlockChat(4242)

	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    channels: [telegram]\n")
	e.edit(t, "nhacviec.yaml", "  admin: chanh-vp", "  admin: gd")
	e.useChannels(t, smtp, tg)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", "2024-06-14T07:59:58")
	}()
	var fallback, notice bool
	waitFor(t, "the e-mail fallback and the admin notice", func() bool {
		for _, m := range smtp.Messages() {
			if slicesContains(m.To, "chanhvanphong@sct-langson.example") && strings.Contains(string(m.Data), "I.2") {
				fallback = true
			}
			if slicesContains(m.To, "giamdoc@sct-langson.example") && strings.Contains(m.Subject(), "không gửi được Telegram") {
				notice = true
			}
		}
		return fallback && notice
	})
	cancel()
	<-done
	if n := len(tg.SentTo(4242)); n != 0 {
		t.Errorf("%d messages accepted by a chat that blocked the bot", n)
	}
}

// useChannels points the config's e-mail and Telegram channels at the test
// servers, with the secrets in the environment.
func (e *env) useChannels(t testing.TB, smtp *smtptest.Server, tg *telegramtest.Server) {
	t.Helper()
	e.useChannelsWith(t, smtp, tg, "")
}

// useChannelsWith is useChannels with more settings of email: ("  key: value\n" lines).
func (e *env) useChannelsWith(t testing.TB, smtp *smtptest.Server, tg *telegramtest.Server, emailExtra string) {
	t.Helper()
	e.appendConfig(t, fmt.Sprintf(`email:
  host: %s
  port: %d
  tls: starttls
  username: nhacviec
  password_env: TEST_SMTP_PASSWORD
  from: nhacviec@sct-langson.example
  from_name: Văn phòng Sở Công Thương
%stelegram:
  token_env: TEST_TG_TOKEN
  api_endpoint: %s
`, smtp.Host(), smtp.Port(), emailExtra, tg.Endpoint()))
	e.vars["TEST_SMTP_PASSWORD"] = e2ePassword
	e.vars["TEST_TG_TOKEN"] = e2eToken
	e.setup = func(m *Main) { m.rootCAs = smtp.CertPool() }
}

// syncBuffer is a bytes.Buffer that a test reads while the daemon writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
