package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

var _ notify.Notifier = (*Notifier)(nil)

func TestNotifyEscapedVietnamese(t *testing.T) {
	srv, n, _ := setup(t)
	text := `Rà soát <Quyết định> số 12/QĐ-SCT & "Kế hoạch" 'CCHC' > 3 ngày; a&lt;b`
	m := message("m1", 42, item("III.2.1", text, 3))
	m.Items[0].Unit = "Phòng Quản lý thương mại & Xuất nhập khẩu"
	retry, err := n.Notify(context.Background(), m)
	if err != nil || retry {
		t.Fatalf("Notify = %t, %v", retry, err)
	}
	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d messages sent, want 1", len(sent))
	}
	want := "Nhắc việc sắp đến hạn\nKính gửi: Văn phòng\nTin này gồm: 1 nhiệm vụ sắp đến hạn.\n\nSẮP ĐẾN HẠN (1 nhiệm vụ)\nIII.2.1 " + text +
		"\nHạn 31/12/2024: còn 3 ngày làm việc\nKết quả: Báo cáo\n\n" + strings.Join(notify.DefaultSignature, "\n")
	if s := sent[0]; s.Text != want || s.ParseMode != "HTML" || !s.DisableWebPagePreview || s.ChatID != 42 {
		t.Errorf("sent %+v\nwant text %q", s, want)
	}
	if e := sent[0].Entities; len(e) == 0 || e[0].Type != "bold" || e[0].Length != telegramtest.UTF16Len("Nhắc việc sắp đến hạn") {
		t.Errorf("entities = %+v, want the title in bold first", e)
	}
}

func TestNotifySplitsLongDigest(t *testing.T) {
	srv, n, _ := setup(t)
	m := digest("d1", 42, 40)
	whole := pack(layout(m), 1<<30)[0].Text
	retry, err := n.Notify(context.Background(), m)
	if err != nil || retry {
		t.Fatalf("Notify = %t, %v", retry, err)
	}
	got := texts(srv.Sent())
	if len(got) < 2 || len(got) != len(Render(m)) {
		t.Fatalf("%d messages for %d characters", len(got), telegramtest.UTF16Len(whole))
	}
	if strings.Join(got, "\n\n") != whole {
		t.Error("the messages put together differ from the digest")
	}
}

// deliver is the pipeline's loop in miniature: retry while Notify says so,
// waiting as long as asked on the notifier's clock.
func deliver(t *testing.T, n *Notifier, clock *fakeClock, m *notify.Message) (attempts int, firstErr error) {
	t.Helper()
	for attempts = 1; attempts < 20; attempts++ {
		retry, err := n.Notify(context.Background(), m)
		if err == nil {
			return attempts, firstErr
		}
		if firstErr == nil {
			firstErr = err
		}
		if !retry {
			t.Fatalf("message %s: permanent failure %v", m.ID, err)
		}
		var ra notify.RetryAfterError
		if errors.As(err, &ra) {
			_ = clock.Sleep(context.Background(), ra.RetryAfter())
		}
	}
	t.Fatalf("message %s not delivered after %d attempts", m.ID, attempts)
	return
}

func TestFloodBurstLosesNothing(t *testing.T) {
	srv, n, clock := setup(t)
	srv.TooManyRequests(3, 1)
	msgs := []*notify.Message{
		message("a", 1, item("I.1", "Một", 1)),
		message("b", 2, item("I.2", "Hai", 1)),
		digest("c", 3, 40), // several parts
		message("d", 1, item("I.3", "Ba", 1)),
	}
	var wantTexts []string
	for i, m := range msgs {
		attempts, first := deliver(t, n, clock, m)
		if i == 0 {
			var ra notify.RetryAfterError
			if attempts != 4 || !errors.As(first, &ra) || ra.RetryAfter() != time.Second {
				t.Errorf("first message: %d attempts, first error %v; want 4 attempts and RetryAfter 1s", attempts, first)
			}
			if _, ok := first.(notify.RetryAfterError); !ok {
				t.Errorf("Notify's error %T does not itself implement notify.RetryAfterError", first)
			}
		}
		for _, p := range Render(m) {
			wantTexts = append(wantTexts, p.Text)
		}
	}
	got := texts(srv.Sent())
	if strings.Join(got, "\x00") != strings.Join(wantTexts, "\x00") {
		t.Errorf("delivered %d messages, want each of %d exactly once, in order", len(got), len(wantTexts))
	}
	if n := srv.CountStatus(429); n != 3 {
		t.Errorf("%d answers 429, want 3", n)
	}
}

func TestRetrySkipsPartsAlreadySent(t *testing.T) {
	srv, n, clock := setup(t)
	m := digest("d1", 7, 40)
	parts := Render(m)
	if len(parts) < 2 {
		t.Fatal("digest too short")
	}
	srv.Fail(telegramtest.Failure{Method: "sendMessage", After: 1, Code: 500, Description: "Internal Server Error"})
	retry, err := n.Notify(context.Background(), m)
	var e *Error
	if !retry || !errors.As(err, &e) || e.Part != 2 || e.Parts != len(parts) || e.MessageID != "d1" {
		t.Fatalf("Notify = %t, %v; want a retry at part 2", retry, err)
	}
	if want := `telegram: sendMessage to chat 7 (message "d1" part 2 of `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want prefix %q", err, want)
	}
	if _, err := deliver(t, n, clock, m); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := texts(srv.Sent())
	if len(got) != len(parts) || got[0] != parts[0].Text || got[1] != parts[1].Text {
		t.Errorf("sent %d messages, want %d, each once", len(got), len(parts))
	}
	// Delivered: the same message again is sent again in full.
	if _, err := n.Notify(context.Background(), m); err != nil || len(srv.Sent()) != 2*len(parts) {
		t.Errorf("resending a delivered message: %v, %d sent", err, len(srv.Sent()))
	}
}

func TestFailureClassification(t *testing.T) {
	tests := []struct {
		name        string
		chat        int64
		setup       func(*telegramtest.Server)
		retry       bool
		unreachable bool
		code        int
	}{
		{"blocked", 11, func(s *telegramtest.Server) { s.BlockChat(11) }, false, true, 403},
		{"chat not found", 12, func(s *telegramtest.Server) { s.UnknownChat(12) }, false, true, 400},
		{"deactivated", 13, func(s *telegramtest.Server) { s.DeactivateUser(13) }, false, true, 403},
		{"kicked", -14, func(s *telegramtest.Server) { s.KickBot(-14) }, false, true, 403},
		{"migrated", -15, func(s *telegramtest.Server) { s.MigrateChat(-15, -1001234567890) }, false, true, 400},
		{"never started the bot", 16, func(s *telegramtest.Server) { s.RequireKnownChats() }, false, true, 400},
		{"other 400", 17, func(s *telegramtest.Server) {
			s.Fail(telegramtest.Failure{Code: 400, Description: "Bad Request: message is too long"})
		}, false, false, 400},
		{"token revoked", 18, func(s *telegramtest.Server) { s.Fail(telegramtest.Failure{Code: 401}) }, false, false, 401},
		{"server error", 19, func(s *telegramtest.Server) { s.Fail(telegramtest.Failure{Code: 500}) }, true, false, 500},
		{"gateway HTML 502", 20, func(s *telegramtest.Server) { s.BadGateway(1) }, true, false, 0},
		{"flood", 21, func(s *telegramtest.Server) { s.TooManyRequests(1, 7) }, true, false, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n, _ := setup(t)
			tt.setup(srv)
			retry, err := n.Notify(context.Background(), message("m", tt.chat, item("I.1", "x", 1)))
			var e *Error
			if err == nil || !errors.As(err, &e) {
				t.Fatalf("Notify error %v (%T), want *Error", err, err)
			}
			if retry != tt.retry || errors.Is(err, ErrChatUnreachable) != tt.unreachable || e.Code != tt.code || e.Temporary != tt.retry {
				t.Errorf("retry %t unreachable %t code %d (%v); want %t %t %d", retry, errors.Is(err, ErrChatUnreachable), e.Code, err,
					tt.retry, tt.unreachable, tt.code)
			}
		})
	}
	t.Run("no chat id", func(t *testing.T) {
		_, n, _ := setup(t)
		retry, err := n.Notify(context.Background(), message("m", 0))
		if retry || !errors.Is(err, ErrChatUnreachable) {
			t.Errorf("Notify = %t, %v; want permanent ErrChatUnreachable", retry, err)
		}
	})
}

func TestMarkupRefusedFallsBackToPlainText(t *testing.T) {
	srv, n, _ := setup(t)
	srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 400,
		Description: `Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 3`})
	m := message("m", 5, item("I.1", "Báo cáo <tháng> & quý", 1))
	if retry, err := n.Notify(context.Background(), m); err != nil || retry {
		t.Fatalf("Notify = %t, %v", retry, err)
	}
	calls := srv.Calls("sendMessage")
	sent := srv.Sent()
	if len(calls) != 2 || calls[0].Params["parse_mode"] != "HTML" || calls[1].Params["parse_mode"] != "" {
		t.Fatalf("calls = %+v", calls)
	}
	if len(sent) != 1 || sent[0].Text != Render(m)[0].Text || sent[0].ParseMode != "" {
		t.Errorf("sent = %+v", sent)
	}

	// A really broken text from the bot: the fake refuses it like Telegram.
	id, err := n.SendText(context.Background(), 5, "<b>Hạn</b> <x> 31/12", nil)
	if err != nil || id != 2 {
		t.Fatalf("SendText = %d, %v", id, err)
	}
	if last := srv.Sent()[1]; last.Text != "Hạn  31/12" || last.ParseMode != "" {
		t.Errorf("fallback sent %+v", last)
	}
}

func TestSendText(t *testing.T) {
	srv, n, _ := setup(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Đã xong", "done:I.4.1"),
		tgbotapi.NewInlineKeyboardButtonData("Hoãn 3 ngày", "snooze:I.4.1:3")))
	id, err := n.SendText(context.Background(), -100, "<b>Nhắc việc</b> [I.4.1]", kb)
	if err != nil || id != 1 {
		t.Fatalf("SendText = %d, %v", id, err)
	}
	s := srv.Sent()[0]
	if s.Text != "Nhắc việc [I.4.1]" || s.Keyboard == nil || s.Keyboard.InlineKeyboard[0][1].CallbackData != "snooze:I.4.1:3" {
		t.Errorf("sent %+v", s)
	}
	_, err = n.SendText(context.Background(), 1, strings.Repeat("a", MaxTextLen+1), nil)
	var e *Error
	if !errors.As(err, &e) || e.Temporary || len(srv.Calls("sendMessage")) != 1 {
		t.Errorf("over-long text: %v", err)
	}
}

func TestRateLimitsKeptWithoutFlood(t *testing.T) {
	srv, n, clock := setup(t)
	srv.EnforceLimits(telegramtest.Limits{})
	start := clock.Now()
	ctx := context.Background()
	for i := range 60 {
		if _, err := n.Notify(ctx, message("u", int64(1000+i), item("I.1", "x", 1))); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	for range 5 {
		if _, err := n.Notify(ctx, message("one", 7, item("I.1", "x", 1))); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := n.Notify(ctx, message("group", -100, item("I.1", "x", 1))); err != nil {
			t.Fatal(err)
		}
	}
	if c := srv.CountStatus(429); c != 0 {
		t.Errorf("%d answers 429", c)
	}
	sent := srv.Sent()
	if len(sent) != 68 {
		t.Fatalf("%d messages sent, want 68", len(sent))
	}
	last := map[int64]time.Time{}
	for i, s := range sent {
		if i > 0 {
			if gap := s.At.Sub(sent[i-1].At); gap < time.Second/30 {
				t.Errorf("message %d only %s after the previous one", i, gap)
			}
		}
		if prev, ok := last[s.ChatID]; ok {
			want := time.Second
			if s.ChatID < 0 {
				want = 3 * time.Second
			}
			if gap := s.At.Sub(prev); gap < want {
				t.Errorf("chat %d: %s between two messages, want %s", s.ChatID, gap, want)
			}
		}
		last[s.ChatID] = s.At
	}
	// 60 chats at 30/s, then chat 7 four more times at 1/s, then the group
	// twice more at 3s: 1.97s + 4s + 6s.
	if elapsed := clock.Now().Sub(start); elapsed < 11*time.Second || elapsed > 13*time.Second {
		t.Errorf("took %s of fake time, want about 12s", elapsed)
	}

	// Control: the same burst without a limiter is refused.
	bot, err := tgbotapi.NewBotAPIWithClient(testToken, srv.Endpoint(), n.HTTPClient())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, _ = bot.Send(tgbotapi.NewMessage(8, "x"))
	}
	if c := srv.CountStatus(429); c != 4 {
		t.Errorf("unlimited burst to one chat: %d answers 429, want 4", c)
	}
	for i := range 40 {
		_, _ = bot.Send(tgbotapi.NewMessage(int64(2000+i), "x"))
	}
	if c := srv.CountStatus(429) - 4; c < 8 {
		t.Errorf("unlimited burst to 40 chats: %d answers 429, want at least 8", c)
	}
}

func TestFloodPausesTheChat(t *testing.T) {
	srv, n, clock := setup(t)
	srv.TooManyRequests(1, 5)
	before := clock.Now()
	if retry, err := n.Notify(context.Background(), message("m", 9, item("I.1", "x", 1))); !retry || retryAfter(err) != 5*time.Second {
		t.Fatalf("Notify = %t, %v", retry, err)
	}
	// Sent again at once: the limiter waits out retry_after first.
	if _, err := n.Notify(context.Background(), message("m", 9, item("I.1", "x", 1))); err != nil {
		t.Fatal(err)
	}
	if at := srv.Sent()[0].At; at.Sub(before) < 5*time.Second {
		t.Errorf("resent %s after the 429, want 5s", at.Sub(before))
	}
}
