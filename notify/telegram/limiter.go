package telegram

import (
	"context"
	"sync"
	"time"
)

// limiter spaces messages to respect Telegram's limits: a minimum interval
// between two messages of the bot (1/30 s), between two messages to one
// chat (1 s) and to one group (3 s, 20 a minute).
//
// Callers to many chats wait at once. A turn of the global pace goes to a
// caller whose chat may receive now: a chat that must still wait never
// holds a turn another chat could use, so with enough chats in flight the
// global pace is met exactly. Among the callers that may go, a priority
// caller (a reply to a person waiting) goes first, then the earliest.
// At most half a second's worth of messages is in flight (given a turn,
// no answer yet), so that requests slowed on the way cannot reach Telegram
// in a burst beyond its allowance. One goroutine hands out the turns while
// anyone waits, sleeping on the injected clock with no lock held; a caller
// whose context ends while waiting loses its turn.
type limiter struct {
	clock  Clock
	global time.Duration
	chat   time.Duration
	group  time.Duration

	mu      sync.Mutex
	next    time.Time           // earliest turn of the next message, any chat
	chats   map[int64]time.Time // earliest turn of the next message per chat
	queue   []*turn             // callers waiting, in arrival order
	seq     uint64
	running bool               // the goroutine handing out turns runs
	flying  int                // turns given whose answer has not come yet
	most    int                // most turns in flight: half a second's worth
	kick    context.CancelFunc // cuts its sleep short: the queue changed
	// floodChat and floodAt are the last chat refused with 429: a refusal
	// for another chat soon after means the bot's own limit was hit.
	floodChat int64
	floodAt   time.Time
}

// turn is one caller waiting for its message's turn.
type turn struct {
	chat  int64
	prio  bool
	seq   uint64
	ready chan struct{} // closed when the turn is given
}

// pruneAbove is the number of chats remembered before past entries are
// dropped.
const pruneAbove = 1024

// globalFloodWindow is how close two 429s for different chats must be to
// be taken for the bot's global limit, which pauses every chat.
const globalFloodWindow = 2 * time.Second

func newLimiter(clock Clock, cfg Config) *limiter {
	l := &limiter{clock: clock, chat: cfg.ChatInterval, chats: map[int64]time.Time{}}
	l.global = time.Duration(float64(time.Second) / cfg.GlobalRate)
	l.group = max(l.chat, time.Minute/time.Duration(cfg.GroupPerMinute))
	l.most = max(1, int(cfg.GlobalRate/2))
	return l
}

func (l *limiter) interval(chatID int64) time.Duration {
	if chatID < 0 {
		return l.group
	}
	return l.chat
}

// wait blocks until chatID may get its next message, and books that turn.
// prio puts the caller before the others that may go at the same time.
func (l *limiter) wait(ctx context.Context, chatID int64, prio bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := l.clock.Now()
	if len(l.queue) == 0 && l.flying < l.most && !l.next.After(now) && !l.chats[chatID].After(now) {
		l.book(chatID, now)
		l.mu.Unlock()
		return nil
	}
	l.seq++
	t := &turn{chat: chatID, prio: prio, seq: l.seq, ready: make(chan struct{})}
	l.queue = append(l.queue, t)
	l.wake()
	l.mu.Unlock()
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		select {
		case <-t.ready:
			// Given at the last moment: the turn is lost all the same.
			l.flying--
		default:
			l.remove(t)
		}
		return ctx.Err()
	}
}

// wake starts the goroutine handing out turns, or cuts its sleep short.
// Called with l.mu held.
func (l *limiter) wake() {
	if !l.running {
		l.running = true
		go l.run()
	} else if l.kick != nil {
		l.kick()
	}
}

// run hands out turns until no caller waits.
func (l *limiter) run() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.queue) > 0 {
		now := l.clock.Now()
		l.grant(now)
		if len(l.queue) == 0 {
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		l.kick = cancel
		if l.flying >= l.most {
			// Wait for an answer, not for time: on Telegram's side
			// messages arrive when they arrive, and a burst of late ones
			// must stay within its allowance.
			l.mu.Unlock()
			<-ctx.Done()
			l.mu.Lock()
			l.kick = nil
			continue
		}
		at := l.earliest()
		l.mu.Unlock()
		_ = l.clock.Sleep(ctx, at.Sub(now))
		cancel()
		l.mu.Lock()
		l.kick = nil
	}
	l.running = false
}

// grant gives the turns due at now: while the global pace allows one, to
// the best caller whose chat may receive.
func (l *limiter) grant(now time.Time) {
	for !l.next.After(now) && l.flying < l.most {
		best := -1
		for i, t := range l.queue {
			if l.chats[t.chat].After(now) {
				continue
			}
			if best < 0 || (t.prio && !l.queue[best].prio) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		t := l.queue[best]
		l.queue = append(l.queue[:best], l.queue[best+1:]...)
		l.book(t.chat, now)
		close(t.ready)
	}
}

// earliest is the first moment a waiting caller may get a turn.
func (l *limiter) earliest() time.Time {
	var at time.Time
	for i, t := range l.queue {
		e := l.chats[t.chat]
		if l.next.After(e) {
			e = l.next
		}
		if i == 0 || e.Before(at) {
			at = e
		}
	}
	return at
}

// book records a message to chatID at now. The global pace keeps its
// rhythm when a turn is given a little late (the goroutine woke late),
// never by more than one interval, so that an idle bot does not burst.
func (l *limiter) book(chatID int64, now time.Time) {
	if now.Sub(l.next) < l.global {
		l.next = l.next.Add(l.global)
	} else {
		l.next = now.Add(l.global)
	}
	l.chats[chatID] = now.Add(l.interval(chatID))
	l.flying++
	if len(l.chats) > pruneAbove {
		for id, t := range l.chats {
			if !t.After(now) {
				delete(l.chats, id)
			}
		}
	}
}

// sent records that a message to chatID got its answer: its next turn is
// an interval after the answer, not only after the turn, so that a request
// slowed on its way (a loaded proxy) and a quick one after it cannot reach
// Telegram closer than the interval.
func (l *limiter) sent(chatID int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.clock.Now().Add(l.interval(chatID)); t.After(l.chats[chatID]) {
		l.chats[chatID] = t
	}
	l.flying--
	if l.running && l.kick != nil {
		l.kick()
	}
}

// remove drops t from the queue. Called with l.mu held.
func (l *limiter) remove(t *turn) {
	for i, q := range l.queue {
		if q == t {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			return
		}
	}
}

// pause holds back chatID's messages for d after Telegram refused one with
// 429 retry_after. Refusals for two different chats within
// globalFloodWindow mean the bot's global limit: then every message is
// held back for d.
func (l *limiter) pause(chatID int64, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	until := now.Add(d)
	if until.After(l.chats[chatID]) {
		l.chats[chatID] = until
	}
	if l.floodChat != 0 && l.floodChat != chatID && now.Sub(l.floodAt) < globalFloodWindow && until.After(l.next) {
		l.next = until
	}
	l.floodChat, l.floodAt = chatID, now
	if l.running && l.kick != nil {
		l.kick()
	}
}
