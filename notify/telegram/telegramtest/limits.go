package telegramtest

import (
	"net/http"
	"time"
)

// Limits are Telegram's flood limits (Bots FAQ) as the fake enforces them
// once EnforceLimits is called. Each limit is a minimum spacing between
// messages, checked as a virtual schedule (GCRA): a message is accepted when
// it arrives no earlier than its turn minus Slack, and a refused one gets
// 429 with the seconds left to its turn as retry_after. A zero field takes
// its default; a negative one turns that limit off.
type Limits struct {
	// ChatInterval separates two messages to one chat: 1s.
	ChatInterval time.Duration
	// GroupInterval separates two messages to one group (negative chat id):
	// 3s, that is 20 a minute.
	GroupInterval time.Duration
	// GlobalInterval separates two messages of the bot to any chat: 1/30 s.
	GlobalInterval time.Duration
	// Slack is how early a message may come before its turn: 50ms, room for
	// the jitter of a client that keeps the pace.
	Slack time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&l.ChatInterval, time.Second)
	def(&l.GroupInterval, 3*time.Second)
	def(&l.GlobalInterval, time.Second/30)
	def(&l.Slack, 50*time.Millisecond)
	return l
}

type limiter struct {
	Limits
	chat   map[int64]time.Time // theoretical arrival time of the next message
	global time.Time
}

// EnforceLimits turns on Telegram's rate limits for sending methods
// (sendMessage, sendDocument), on the server's clock (SetClock).
func (s *Server) EnforceLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = &limiter{Limits: l.withDefaults(), chat: map[int64]time.Time{}}
}

// flood charges one message to chatID, or refuses it with 429. Called with
// s.mu held.
func (s *Server) flood(chatID int64) *apiError {
	l := s.limits
	if l == nil {
		return nil
	}
	now := s.now()
	interval := l.ChatInterval
	if chatID < 0 && l.GroupInterval > interval {
		interval = l.GroupInterval
	}
	var wait time.Duration
	check := func(tat time.Time, on bool) {
		if d := tat.Add(-l.Slack).Sub(now); on && d > wait {
			wait = d
		}
	}
	check(l.chat[chatID], interval > 0)
	check(l.global, l.GlobalInterval > 0)
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &apiError{code: http.StatusTooManyRequests, desc: describe(http.StatusTooManyRequests, secs),
			params: &ResponseParameters{RetryAfter: secs}}
	}
	next := func(tat time.Time, d time.Duration) time.Time {
		if tat.Before(now) {
			tat = now
		}
		return tat.Add(d)
	}
	if interval > 0 {
		l.chat[chatID] = next(l.chat[chatID], interval)
	}
	if l.GlobalInterval > 0 {
		l.global = next(l.global, l.GlobalInterval)
	}
	return nil
}
