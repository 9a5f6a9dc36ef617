package telegram

import (
	"context"
	"sync"
	"time"
)

// limiter spaces messages to respect Telegram's limits: a minimum interval
// between two messages of the bot (1/30 s), between two messages to one
// chat (1 s) and to one group (3 s, 20 a minute). Each message gets one
// slot that satisfies all three at once, so a slow chat never wastes a
// slot of the global pace. Slots are handed out in call order; a caller
// whose context ends while waiting loses its slot.
type limiter struct {
	clock  Clock
	global time.Duration
	chat   time.Duration
	group  time.Duration

	mu    sync.Mutex
	next  time.Time           // earliest slot of the next message, any chat
	chats map[int64]time.Time // earliest slot of the next message per chat
}

// pruneAbove is the number of chats remembered before past entries are
// dropped.
const pruneAbove = 1024

func newLimiter(clock Clock, cfg Config) *limiter {
	l := &limiter{clock: clock, chat: cfg.ChatInterval, chats: map[int64]time.Time{}}
	l.global = time.Duration(float64(time.Second) / cfg.GlobalRate)
	l.group = max(l.chat, time.Minute/time.Duration(cfg.GroupPerMinute))
	return l
}

func (l *limiter) interval(chatID int64) time.Duration {
	if chatID < 0 {
		return l.group
	}
	return l.chat
}

// wait blocks until chatID may get its next message, which it books.
func (l *limiter) wait(ctx context.Context, chatID int64) error {
	l.mu.Lock()
	now := l.clock.Now()
	slot := now
	if l.next.After(slot) {
		slot = l.next
	}
	if t := l.chats[chatID]; t.After(slot) {
		slot = t
	}
	l.next = slot.Add(l.global)
	l.chats[chatID] = slot.Add(l.interval(chatID))
	if len(l.chats) > pruneAbove {
		for id, t := range l.chats {
			if !t.After(now) {
				delete(l.chats, id)
			}
		}
	}
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		return l.clock.Sleep(ctx, d)
	}
	return ctx.Err()
}

// pause holds back every message for d, and chatID's for d at least, after
// Telegram asked to wait (429 retry_after).
func (l *limiter) pause(chatID int64, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.clock.Now().Add(d)
	if until.After(l.next) {
		l.next = until
	}
	if until.After(l.chats[chatID]) {
		l.chats[chatID] = until
	}
}
