package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
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
		if err := l.wait(t.Context(), st.chat, false); err != nil {
			t.Fatal(err)
		}
		l.sent(st.chat)
		if got := clock.Now().Sub(start); got != st.at {
			t.Errorf("step %d (chat %d) at %s, want %s", i, st.chat, got, st.at)
		}
	}
	// A 429 for chat 3 holds back chat 3 only.
	l.pause(3, 10*time.Second)
	_ = l.wait(t.Context(), 4, false)
	l.sent(4)
	if got := clock.Now().Sub(start); got != 4300*time.Millisecond {
		t.Errorf("after chat 3's pause chat 4's message went at %s, want 4.3s", got)
	}
	_ = l.wait(t.Context(), 3, false)
	l.sent(3)
	if got := clock.Now().Sub(start); got != 14200*time.Millisecond {
		t.Errorf("chat 3 after its pause at %s, want 14.2s", got)
	}
	// 429s for two chats in a row: the bot's own limit, every chat waits.
	l.pause(6, 5*time.Second)
	l.pause(7, 5*time.Second)
	_ = l.wait(t.Context(), 8, false)
	l.sent(8)
	if got := clock.Now().Sub(start); got != 19200*time.Millisecond {
		t.Errorf("after a global 429 the next message went at %s, want 19.2s", got)
	}
}

// TestLimiterTurns checks the turns of concurrent callers on a clock that
// only moves when the limiter sleeps: a chat that must wait does not hold
// back the others, and a priority caller goes first.
func TestLimiterTurns(t *testing.T) {
	clock := &gatedClock{fakeClock: newFakeClock(), gate: make(chan struct{})}
	l := newLimiter(clock, Config{GlobalRate: 10, ChatInterval: time.Second, GroupPerMinute: 20})
	start := clock.Now()
	_ = l.wait(t.Context(), 1, false) // chat 1 busy until 1s
	l.sent(1)
	var wg sync.WaitGroup
	for _, c := range []struct {
		chat int64
		prio bool
	}{{1, false}, {2, false}, {3, false}, {4, true}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.wait(t.Context(), c.chat, c.prio); err != nil {
				t.Error(err)
			}
		}()
	}
	for { // time stands still until every caller waits
		l.mu.Lock()
		n := len(l.queue)
		l.mu.Unlock()
		if n == 4 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(clock.gate)
	wg.Wait()
	// Whatever order the callers came in: turns at 0.1s for the priority
	// chat 4, then 0.2s and 0.3s for chats 2 and 3, and chat 1 at 1s. Each
	// chat's next turn is booked one second after its message.
	got := map[int64]time.Duration{}
	for _, c := range []int64{1, 2, 3, 4} {
		got[c] = l.chats[c].Sub(start) - time.Second
	}
	if got[4] != 100*time.Millisecond || got[1] != time.Second ||
		min(got[2], got[3]) != 200*time.Millisecond || max(got[2], got[3]) != 300*time.Millisecond {
		t.Errorf("turns %v, want 4 at 100ms, 2 and 3 at 200ms and 300ms, 1 at 1s", got)
	}
}

// gatedClock is a fakeClock whose Sleep waits for the gate to open.
type gatedClock struct {
	*fakeClock
	gate chan struct{}
}

func (c *gatedClock) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-c.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return c.fakeClock.Sleep(ctx, d)
}

// TestLimiterBoundsMessagesInFlight: with half a second's worth of
// messages without an answer, the next caller waits for an answer, not
// for time.
func TestLimiterBoundsMessagesInFlight(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(clock, Config{GlobalRate: 4, ChatInterval: time.Second, GroupPerMinute: 20})
	for c := range 2 {
		if err := l.wait(t.Context(), int64(c+1), false); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan time.Time)
	go func() {
		_ = l.wait(t.Context(), 3, false)
		got <- clock.Now()
	}()
	select {
	case <-got:
		t.Fatal("a third message went with two in flight")
	case <-time.After(50 * time.Millisecond): // a guard: the fake clock would have let it go at once
	}
	at := clock.Now()
	l.sent(1)
	if when := <-got; when.Sub(at) > 250*time.Millisecond {
		t.Errorf("after an answer the message waited %s of fake time", when.Sub(at))
	}
}
