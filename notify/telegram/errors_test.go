package telegram

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestClassify(t *testing.T) {
	api := func(code int, msg string, retry int) error {
		return &tgbotapi.Error{Code: code, Message: msg, ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: retry}}
	}
	tests := []struct {
		name        string
		err         error
		temporary   bool
		unreachable bool
		code        int
		after       time.Duration
	}{
		{"flood", api(429, "Too Many Requests: retry after 3", 3), true, false, 429, 3 * time.Second},
		{"flood without parameters", api(429, "Too Many Requests", 0), true, false, 429, time.Second},
		{"upload error without code", api(0, "Forbidden: bot was blocked by the user", 0), false, true, 403, 0},
		{"upload flood without code", api(0, "Too Many Requests: retry after 2", 2), true, false, 429, 2 * time.Second},
		{"blocked", api(403, "Forbidden: bot was blocked by the user", 0), false, true, 403, 0},
		{"no rights", api(400, "Bad Request: have no rights to send a message", 0), false, true, 400, 0},
		{"bad request", api(400, "Bad Request: message is too long", 0), false, false, 400, 0},
		{"conflict", api(409, "Conflict: terminated by other getUpdates request", 0), false, false, 409, 0},
		{"server", api(500, "Internal Server Error", 0), true, false, 500, 0},
		{"unknown answer", api(0, "something odd", 0), true, false, 0, 0},
		{"json", &json.SyntaxError{}, true, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("sendMessage", 5, tt.err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			if e.Temporary != tt.temporary || errors.Is(err, ErrChatUnreachable) != tt.unreachable || e.Code != tt.code ||
				retryAfter(err) != tt.after {
				t.Errorf("%v: temporary %t unreachable %t code %d after %s", err, e.Temporary, errors.Is(err, ErrChatUnreachable),
					e.Code, retryAfter(err))
			}
			if !errors.Is(err, tt.err) {
				t.Error("cause lost")
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(clock, Config{GlobalRate: 10, ChatInterval: time.Second, GroupPerMinute: 20})
	start := clock.Now()
	steps := []struct {
		chat int64
		at   time.Duration // when the message may go, from start
	}{
		{1, 0},
		{2, 100 * time.Millisecond}, // global pace 10/s
		{1, time.Second},            // chat 1 again: 1s after its first
		{-5, 1100 * time.Millisecond},
		{-5, 4100 * time.Millisecond}, // group: 3s
		{3, 4200 * time.Millisecond},
	}
	for i, st := range steps {
		if err := l.wait(t.Context(), st.chat); err != nil {
			t.Fatal(err)
		}
		if got := clock.Now().Sub(start); got != st.at {
			t.Errorf("step %d (chat %d) at %s, want %s", i, st.chat, got, st.at)
		}
	}
	l.pause(3, 10*time.Second)
	_ = l.wait(t.Context(), 4)
	if got := clock.Now().Sub(start); got != 14200*time.Millisecond {
		t.Errorf("after a pause the next message went at %s, want 14.2s", got)
	}
}
