package bot

import (
	"sync"
	"time"
)

// Limits of wrong invite codes: so many per chat, and all chats together,
// within the window; past them every attempt waits, a valid code too, so
// that guessing gains nothing.
const (
	invitePerChat = 5
	inviteGlobal  = 30
	inviteWindow  = 10 * time.Minute
)

// inviteThrottle remembers the wrong invite codes of the last window, per
// chat and in all, in memory: a restart forgets them (and takes longer
// than a guess).
type inviteThrottle struct {
	mu     sync.Mutex
	chats  map[int64][]time.Time
	global []time.Time
}

// recent keeps the moments of ts within the window before now.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= inviteWindow {
		i++
	}
	return ts[i:]
}

// wait is how long chat must wait before its next attempt; 0 when it may
// try now.
func (t *inviteThrottle) wait(chat int64, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.global = recent(t.global, now)
	var w time.Duration
	if len(t.global) >= inviteGlobal {
		w = t.global[len(t.global)-inviteGlobal].Add(inviteWindow).Sub(now)
	}
	if t.chats == nil {
		return w
	}
	c := recent(t.chats[chat], now)
	if len(c) == 0 {
		delete(t.chats, chat)
		return w
	}
	t.chats[chat] = c
	if len(c) >= invitePerChat {
		w = max(w, c[len(c)-invitePerChat].Add(inviteWindow).Sub(now))
	}
	return w
}

// failed records a wrong code from chat at now.
func (t *inviteThrottle) failed(chat int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.chats == nil {
		t.chats = map[int64][]time.Time{}
	}
	t.chats[chat] = append(recent(t.chats[chat], now), now)
	t.global = append(recent(t.global, now), now)
}
