package telegramtest

import (
	"net/http"
	"time"
)

// Limits are Telegram's flood limits (Bots FAQ) as the fake enforces them
// once EnforceLimits is called: at most one message a second to a chat,
// 20 a minute to a group, 30 a second overall. Each is a rate with a burst,
// checked as a virtual schedule (GCRA): a message is accepted when it
// arrives no earlier than its turn minus the burst allowance and Slack;
// a refused one gets 429 with the seconds left to its turn as retry_after.
// So 30 messages to 30 chats may come at once, but not a 31st; a second
// message to a chat must wait a second; a group takes 20 messages in a
// minute, one a second. A zero field takes its default; a negative one
// turns that limit off.
type Limits struct {
	// ChatInterval separates two messages to one chat: 1s.
	ChatInterval time.Duration
	// GroupPerMinute is the most messages to one group (negative chat id)
	// in a minute: 20.
	GroupPerMinute int
	// GlobalPerSecond is the most messages of the bot in a second: 30.
	GlobalPerSecond int
	// Slack is how early a message may come before its turn: 50ms, room
	// for the jitter of a client that keeps the pace.
	Slack time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.ChatInterval == 0 {
		l.ChatInterval = time.Second
	}
	if l.GroupPerMinute == 0 {
		l.GroupPerMinute = 20
	}
	if l.GlobalPerSecond == 0 {
		l.GlobalPerSecond = 30
	}
	if l.Slack == 0 {
		l.Slack = 50 * time.Millisecond
	}
	return l
}

// gcra is one rate limit: an interval between messages and how far ahead
// of its schedule a message may come.
type gcra struct {
	interval, tolerance time.Duration
}

func rate(per time.Duration, n int, slack time.Duration) gcra {
	if n <= 0 {
		return gcra{}
	}
	interval := per / time.Duration(n)
	return gcra{interval: interval, tolerance: time.Duration(n-1)*interval + slack}
}

// wait is how long a message arriving at now must still wait, given the
// theoretical arrival time tat; 0 when it may go.
func (g gcra) wait(tat, now time.Time) time.Duration {
	if g.interval <= 0 {
		return 0
	}
	return max(tat.Add(-g.tolerance).Sub(now), 0)
}

func (g gcra) next(tat, now time.Time) time.Time {
	if tat.Before(now) {
		tat = now
	}
	return tat.Add(g.interval)
}

type limiter struct {
	chat, group, global gcra
	chatTAT             map[int64]time.Time
	groupTAT            map[int64]time.Time
	globalTAT           time.Time
}

// EnforceLimits turns on Telegram's rate limits for sending methods
// (sendMessage, sendDocument), on the server's clock (SetClock).
func (s *Server) EnforceLimits(l Limits) {
	l = l.withDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	lim := &limiter{
		global:   rate(time.Second, l.GlobalPerSecond, l.Slack),
		group:    rate(time.Minute, l.GroupPerMinute, l.Slack),
		chatTAT:  map[int64]time.Time{},
		groupTAT: map[int64]time.Time{},
	}
	if l.ChatInterval > 0 {
		lim.chat = gcra{interval: l.ChatInterval, tolerance: l.Slack}
	}
	s.limits = lim
}

// flood charges one message to chatID, or refuses it with 429. Called with
// s.mu held.
func (s *Server) flood(chatID int64) *apiError {
	l := s.limits
	if l == nil {
		return nil
	}
	now := s.now()
	wait := max(l.chat.wait(l.chatTAT[chatID], now), l.global.wait(l.globalTAT, now))
	if chatID < 0 {
		wait = max(wait, l.group.wait(l.groupTAT[chatID], now))
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &apiError{code: http.StatusTooManyRequests, desc: describe(http.StatusTooManyRequests, secs),
			params: &ResponseParameters{RetryAfter: secs}}
	}
	if l.chat.interval > 0 {
		l.chatTAT[chatID] = l.chat.next(l.chatTAT[chatID], now)
	}
	if l.global.interval > 0 {
		l.globalTAT = l.global.next(l.globalTAT, now)
	}
	if chatID < 0 && l.group.interval > 0 {
		l.groupTAT[chatID] = l.group.next(l.groupTAT[chatID], now)
	}
	return nil
}
