package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultMaxAge        = 48 * time.Hour
	DefaultFallbackAfter = time.Hour
	DefaultTimeout       = 2 * time.Minute
	DefaultIdle          = 10 * time.Minute
	DefaultBatchSize     = 64
	// DefaultMaxQueued is how many bytes of records the lanes hold at
	// most (Config.MaxQueued).
	DefaultMaxQueued = 32 << 20
)

// Config configures a Pipeline. Zero durations take the defaults; a
// negative one switches the rule off.
type Config struct {
	// Notifiers deliver messages, by channel name (ChannelEmail...).
	Notifiers map[string]Notifier
	// Outbox is the persistent queue (store.DB).
	Outbox Outbox
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Log receives one line per attempt; slog.Default when nil.
	Log *slog.Logger
	// Backoff spaces the attempts after temporary failures; the zero value
	// means DefaultBackoff.
	Backoff Backoff
	// MaxAttempts turns a temporary failure into a permanent one at this
	// attempt; 0 for no limit.
	MaxAttempts int
	// MaxAge turns a temporary failure into a permanent one once this much
	// time has passed since the record's Since (DefaultMaxAge when 0).
	MaxAge time.Duration
	// FallbackAfter hands a message that keeps failing temporarily on a
	// channel with a fallback (Telegram) to the fallback channel once this
	// much time has passed since its Since (DefaultFallbackAfter when 0).
	// Permanent failures fall back at once.
	FallbackAfter time.Duration
	// Fallback maps a channel to the one that carries a copy of its
	// messages given up: the next channel of the recipient's preference.
	// nil means Telegram → e-mail and e-mail → Telegram. A fallback copy is
	// never handed on again.
	Fallback map[string]string
	// Admin is told, at most once a day per address, that messages to an
	// address fail. The zero Recipient tells no one.
	Admin Recipient
	// AdminChannels are the admin's channels in preference order (e-mail,
	// then Telegram when empty): a notice goes by the first that reaches
	// the admin, or by each with AdminAllChannels.
	AdminChannels    []string
	AdminAllChannels bool
	// Live, when set, gives the settings that follow config reloads, read
	// at each use; it overrides Admin, AdminChannels, AdminAllChannels,
	// FallbackAfter and MaxAge (whose zero values in Live take the
	// defaults).
	Live func() Live
	// Rand returns a number in [0, 1) for the jitter; rand.Float64 when nil.
	Rand func() float64
	// Observer, when set, is told about every attempt (metrics).
	Observer Observer
	// Timeout bounds one Notify call (DefaultTimeout when 0).
	Timeout time.Duration
	// Concurrency is how many lanes (recipient addresses) of a channel are
	// served at once, by channel name; DefaultConcurrency for a channel not
	// listed or 0.
	Concurrency map[string]int
	// ProbeInitial and ProbeMax space the probes of a channel whose server
	// does not answer: ProbeInitial first, twice as long each time, at most
	// ProbeMax (DefaultProbeInitial, DefaultProbeMax when 0).
	ProbeInitial, ProbeMax time.Duration
	// BatchSize is how many due records are read at once (64 when 0).
	BatchSize int
	// MaxQueued bounds the bytes of the records held in the lanes
	// (Record.Size; DefaultMaxQueued when 0): a backlog of large digests
	// waits in the outbox, not in memory, and is read as the lanes send.
	// At least one record is always queued.
	MaxQueued int64
	// Idle is Run's longest wait without a wake signal, so that messages
	// enqueued by another process are seen (DefaultIdle when 0 or
	// negative: it cannot be switched off).
	Idle time.Duration
	// After starts a timer for Run: it returns a channel that receives
	// once d has passed, and a function that stops the timer. A real
	// time.Timer when nil; tests pass one they fire themselves.
	After func(d time.Duration) (<-chan time.Time, func() bool)
}

// DefaultConcurrency is how many recipients of a channel are served at
// once when Config.Concurrency does not say: Telegram chats are paced by
// the notifier's rate limiter, so many wait at once at no cost; e-mail
// goes over a few connections; the console prints one message at a time.
var DefaultConcurrency = map[string]int{ChannelTelegram: 64, ChannelEmail: 4, ChannelConsole: 1}

// Pipeline delivers the due messages of the outbox through the notifier
// of their channel.
//
// Delivery is concurrent across channels and recipients and ordered within
// one recipient: the messages to one address on one channel (a lane) go
// one after another, earliest first (replies to a person waiting before
// the rest), and up to Concurrency lanes of a channel are served at once,
// so a slow chat or channel never holds back another. When a message fails
// temporarily the lane's later messages wait behind it (Postpone), so that
// they do not overtake it.
//
// Delivery is at least once: a message is in the outbox before it is sent
// and is marked sent after its notifier succeeds, each mark in its own
// transaction. A crash (or a failing store) between a successful Notify
// and MarkSent leaves the message pending, so it is sent once more after
// the restart: at most one duplicate per lane in flight at the crash,
// never a loss. Notifiers may use Message.ID (stable) to let the far end
// spot the duplicate.
type Pipeline struct {
	cfg      Config
	fallback map[string]string
	round    sync.Mutex // one DeliverDue or Run at a time

	mu       sync.Mutex
	inflight map[string]bool      // message ids queued in a lane or being attempted
	queued   int64                // the bytes of their records (Record.Size)
	lanes    map[string]*lane     // lanes with messages, by key
	held     map[string]time.Time // lanes waiting for a failed message's retry
	sems     map[string]chan struct{}
	sent     int
	err      error // the first outbox error of the current round
	active   sync.WaitGroup
	changed  chan struct{} // a lane ended or enqueued: the next attempt may differ
	marks    marks

	hmu     sync.Mutex // guards the channel states below
	down    map[string]bool
	known   map[string]bool
	probing map[string]bool
}

// lane is the queue of one recipient address on one channel.
type lane struct {
	key, channel string
	queue        []*Record
}

// New checks cfg, fills in its defaults and returns a Pipeline.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Outbox == nil {
		return nil, errors.New("notify: pipeline needs an outbox")
	}
	if len(cfg.Notifiers) == 0 {
		return nil, errors.New("notify: pipeline needs at least one notifier")
	}
	for ch, n := range cfg.Notifiers {
		if n == nil {
			return nil, fmt.Errorf("notify: notifier for channel %q is nil", ch)
		}
	}
	for ch, c := range cfg.Concurrency {
		if c < 0 {
			return nil, fmt.Errorf("notify: concurrency %d of channel %q is negative", c, ch)
		}
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff()
	}
	if err := cfg.Backoff.validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if cfg.MaxAttempts < 0 {
		return nil, fmt.Errorf("notify: max attempts %d is negative", cfg.MaxAttempts)
	}
	cfg.MaxAge = orDefault(cfg.MaxAge, DefaultMaxAge)
	cfg.FallbackAfter = orDefault(cfg.FallbackAfter, DefaultFallbackAfter)
	cfg.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	cfg.Idle = orDefault(cfg.Idle, DefaultIdle)
	if cfg.Idle < 0 {
		cfg.Idle = DefaultIdle
	}
	cfg.ProbeInitial = orDefault(cfg.ProbeInitial, DefaultProbeInitial)
	cfg.ProbeMax = max(orDefault(cfg.ProbeMax, DefaultProbeMax), cfg.ProbeInitial)
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = DefaultMaxQueued
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.After == nil {
		cfg.After = realAfter
	}
	p := &Pipeline{cfg: cfg, fallback: maps.Clone(cfg.Fallback),
		inflight: map[string]bool{}, lanes: map[string]*lane{}, held: map[string]time.Time{},
		sems: map[string]chan struct{}{}, changed: make(chan struct{}, 1),
		down: map[string]bool{}, known: map[string]bool{}, probing: map[string]bool{}}
	if p.fallback == nil {
		p.fallback = map[string]string{ChannelTelegram: ChannelEmail, ChannelEmail: ChannelTelegram}
	}
	return p, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func realAfter(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// DeliverDue attempts every message due now, including fallback copies
// enqueued meanwhile, and returns how many were sent once all attempts
// ended. It stops at the first outbox error, or when ctx is done.
func (p *Pipeline) DeliverDue(ctx context.Context) (int, error) {
	p.round.Lock()
	defer p.round.Unlock()
	p.mu.Lock()
	p.sent, p.err = 0, nil
	p.mu.Unlock()
	until := p.cfg.Now()
	seen := map[string]bool{}
	for {
		n, err := p.dispatch(ctx, until, seen)
		p.active.Wait()
		p.mu.Lock()
		sent, rerr := p.sent, p.err
		p.mu.Unlock()
		switch {
		case err != nil:
			return sent, err
		case rerr != nil:
			return sent, rerr
		case ctx.Err() != nil:
			return sent, ctx.Err()
		case n == 0:
			// Every record due by until was handled, and the fallback
			// copies enqueued meanwhile too.
			return sent, nil
		}
	}
}

// dispatch reads the records due by until that no lane holds (nor seen,
// when not nil) and queues each in its lane, starting the lanes that were
// idle. It returns how many it queued.
func (p *Pipeline) dispatch(ctx context.Context, until time.Time, seen map[string]bool) (int, error) {
	skip := func(id string) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.inflight[id] || seen[id]
	}
	total := 0
	var after DuePos // each batch from where the last ended: from the top, the skipped would make a backlog quadratic
	for {
		if err := ctx.Err(); err != nil {
			return total, nil // stopping: what is queued ends its attempts, the rest waits in the outbox
		}
		if p.full() {
			return total, nil // the lanes hold enough: the rest is read as they send (release)
		}
		recs, err := p.cfg.Outbox.OutboxDueExcept(until, after, p.cfg.BatchSize, skip)
		if err != nil {
			return total, fmt.Errorf("notify: read due messages: %w", err)
		}
		for i := range recs {
			if i > 0 && p.full() {
				return total, nil
			}
			if err := p.queue(ctx, &recs[i], seen); err != nil {
				return total, err
			}
			total++
		}
		if len(recs) < p.cfg.BatchSize {
			return total, nil
		}
		after = recs[len(recs)-1].Pos()
	}
}

// queue puts rec in its lane, or behind the failed message its lane waits
// for.
func (p *Pipeline) queue(ctx context.Context, rec *Record, seen map[string]bool) error {
	m := &rec.Message
	key := laneKey(m)
	p.mu.Lock()
	if seen != nil {
		seen[m.ID] = true
	}
	if until, ok := p.held[key]; ok {
		if until.After(p.cfg.Now()) {
			p.mu.Unlock()
			// A message of this lane waits for its retry: this one goes
			// after it, not before.
			if err := p.cfg.Outbox.Postpone(m.ID, until.Add(time.Nanosecond)); err != nil {
				return fmt.Errorf("notify: %w", err)
			}
			return nil
		}
		delete(p.held, key)
	}
	p.inflight[m.ID] = true
	p.queued += int64(rec.Size)
	l := p.lanes[key]
	if l == nil {
		l = &lane{key: key, channel: m.Channel}
		p.lanes[key] = l
		p.active.Add(1)
		go p.runLane(ctx, l)
	}
	l.queue = append(l.queue, rec)
	p.mu.Unlock()
	return nil
}

// full reports whether the lanes hold MaxQueued bytes of records or more.
func (p *Pipeline) full() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queued >= p.cfg.MaxQueued && len(p.inflight) > 0
}

// release forgets r as in flight; when that makes room in the lanes, Run
// reads the outbox again. Called with p.mu held.
func (p *Pipeline) release(r *Record) {
	if !p.inflight[r.Message.ID] {
		return
	}
	delete(p.inflight, r.Message.ID)
	wasFull := p.queued >= p.cfg.MaxQueued
	p.queued -= int64(r.Size)
	if wasFull && p.queued < p.cfg.MaxQueued {
		p.poke()
	}
}

// laneKey is the recipient address of m on its channel.
func laneKey(m *Message) string {
	addr := address(m.To, m.Channel)
	if addr == "" {
		addr = "id:" + m.To.ID
	}
	return m.Channel + "|" + addr
}

// sem is the channel's bound on lanes served at once. Called with p.mu
// held.
func (p *Pipeline) sem(channel string) chan struct{} {
	s := p.sems[channel]
	if s == nil {
		n, ok := p.cfg.Concurrency[channel]
		if !ok || n == 0 {
			n = DefaultConcurrency[channel]
		}
		s = make(chan struct{}, max(n, 1))
		p.sems[channel] = s
	}
	return s
}

// runLane delivers l's messages one after another, within its channel's
// bound, until its queue is empty, an outbox error stops the round, or ctx
// ends.
func (p *Pipeline) runLane(ctx context.Context, l *lane) {
	defer p.active.Done()
	p.mu.Lock()
	sem := p.sem(l.channel)
	p.mu.Unlock()
	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	case <-ctx.Done():
	}
	// clean: every message of the lane went. Run need not read the outbox
	// again when such a lane ends while others work: nothing of it is due
	// later, and the other lanes will poke in turn (reading the whole due
	// index after each message made a backlog quadratic).
	clean := true
	for {
		p.mu.Lock()
		if len(l.queue) == 0 || ctx.Err() != nil || p.err != nil {
			for _, r := range l.queue {
				p.release(r)
			}
			delete(p.lanes, l.key)
			quiet := clean && len(l.queue) == 0 && len(p.lanes) > 0
			p.mu.Unlock()
			if !quiet {
				p.poke()
			}
			return
		}
		rec := l.pop()
		p.mu.Unlock()

		ok, retryAt, err := p.deliver(ctx, rec)

		p.mu.Lock()
		p.release(rec)
		if ok {
			p.sent++
		} else {
			clean = false
		}
		if err != nil && ctx.Err() == nil && p.err == nil {
			p.err = err
		}
		// A message given up enqueued its fallback copies: Run reads them
		// now rather than when the lane ends.
		givenUp := !ok && err == nil && retryAt.IsZero() && len(l.queue) > 0
		var rest []*Record
		if !retryAt.IsZero() && len(l.queue) > 0 {
			rest, l.queue = l.queue, nil
			if len(p.held) >= 1024 { // forget the waits that are over
				now := p.cfg.Now()
				for k, t := range p.held {
					if !t.After(now) {
						delete(p.held, k)
					}
				}
			}
			p.held[l.key] = retryAt
			for _, r := range rest {
				p.release(r)
			}
		}
		p.mu.Unlock()
		for i, r := range rest {
			// Behind the failed message, in their order.
			if err := p.cfg.Outbox.Postpone(r.Message.ID, retryAt.Add(time.Duration(i+1))); err != nil {
				p.mu.Lock()
				if p.err == nil {
					p.err = fmt.Errorf("notify: %w", err)
				}
				p.mu.Unlock()
				break
			}
		}
		if givenUp {
			p.poke()
		}
	}
}

// pop takes the lane's next message: the first reply to a person waiting,
// else the first. Called with p.mu held.
func (l *lane) pop() *Record {
	i := 0
	for j, r := range l.queue {
		if r.Message.Reply {
			i = j
			break
		}
	}
	rec := l.queue[i]
	l.queue = append(l.queue[:i], l.queue[i+1:]...)
	return rec
}

// poke tells Run that a lane ended or enqueued messages, without
// blocking.
func (p *Pipeline) poke() {
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// deliver makes one attempt of rec and records its outcome. It returns
// whether the message was sent, and when it failed temporarily the time
// of its next attempt; an error only when the outbox failed or ctx ended
// the attempt.
func (p *Pipeline) deliver(ctx context.Context, rec *Record) (bool, time.Time, error) {
	m := &rec.Message
	attempt := rec.Attempts + 1
	log := p.cfg.Log.With("id", m.ID, "channel", m.Channel, "to", m.To.ID, "attempt", attempt)
	start := p.cfg.Now()
	retry, err := p.notify(ctx, m)
	now := p.cfg.Now()
	if err == nil {
		if err := p.markSent(m.ID, now); err != nil {
			return false, time.Time{}, fmt.Errorf("notify: message %s was sent: %w", m.ID, err)
		}
		log.Info("message sent")
		if o := p.cfg.Observer; o != nil {
			o.OnSent(m.Channel, m.Kind, now.Sub(start))
		}
		p.ChannelUp(ctx, m.Channel, true)
		return true, time.Time{}, nil
	}
	if ctx.Err() != nil {
		// Cut short by our own shutdown: the channel is not to blame, and
		// the message stays pending as it was.
		return false, time.Time{}, ctx.Err()
	}
	age := now.Sub(rec.Since())
	live := p.live()
	switch {
	case !retry:
		return false, time.Time{}, p.fail(log, rec, now, err.Error())
	case live.FallbackAfter > 0 && age >= live.FallbackAfter && p.fallbackCopy(rec) != nil:
		return false, time.Time{}, p.fail(log, rec, now, fmt.Sprintf("failing for %s: %v", age.Round(time.Second), err))
	case p.cfg.MaxAttempts > 0 && attempt >= p.cfg.MaxAttempts:
		return false, time.Time{}, p.fail(log, rec, now, fmt.Sprintf("gave up after %d attempts: %v", attempt, err))
	case live.MaxAge > 0 && age >= live.MaxAge:
		return false, time.Time{}, p.fail(log, rec, now, fmt.Sprintf("gave up after %s: %v", age.Round(time.Second), err))
	}
	if unavailable(err) {
		p.ChannelUp(ctx, m.Channel, false)
	}
	next := p.cfg.Backoff.nextAttempt(now, attempt, p.cfg.Rand(), err)
	if err := p.cfg.Outbox.MarkRetry(m.ID, next, err.Error()); err != nil {
		return false, time.Time{}, fmt.Errorf("notify: %w", err)
	}
	log.Warn("message not sent, will retry", "next", next, "err", err)
	if o := p.cfg.Observer; o != nil {
		o.OnRetry(m.Channel, m.Kind)
	}
	return false, next, nil
}

// fail gives rec up and enqueues its fallback copy and admin notice.
func (p *Pipeline) fail(log *slog.Logger, rec *Record, now time.Time, cause string) error {
	m := &rec.Message
	fb := p.fallbacks(rec, now, cause)
	if err := p.cfg.Outbox.MarkFailed(m.ID, now, cause, fb...); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	ids := make([]string, len(fb))
	for i, f := range fb {
		ids[i] = f.ID
	}
	log.Error("message given up", "err", cause, "enqueued", ids)
	if o := p.cfg.Observer; o != nil {
		o.OnFailed(m.Channel, m.Kind)
	}
	return nil
}

// notify calls the channel's notifier with the configured timeout. A
// missing notifier is a permanent failure (the fallback may still carry the
// message); a panic is a temporary one.
func (p *Pipeline) notify(ctx context.Context, m *Message) (retry bool, err error) {
	n := p.cfg.Notifiers[m.Channel]
	if n == nil {
		return false, fmt.Errorf("no notifier for channel %q", m.Channel)
	}
	if p.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.cfg.Timeout)
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			p.cfg.Log.Error("notifier panicked", "channel", m.Channel, "id", m.ID, "panic", r, "stack", string(debug.Stack()))
			retry, err = true, fmt.Errorf("notifier for channel %q panicked: %v", m.Channel, r)
		}
	}()
	return n.Notify(ctx, m)
}

// Run delivers due messages until ctx is done, as they fall due: it
// queues the due messages in their lanes, then waits until the next
// attempt is due, a wake signal arrives (the scheduler sends one after
// enqueueing), a lane settles a message, or Idle has passed. Outbox errors
// are logged and retried after Backoff.Initial. When ctx ends, Run returns
// once the attempts in flight have ended.
func (p *Pipeline) Run(ctx context.Context, wake <-chan struct{}) {
	p.round.Lock()
	defer p.round.Unlock()
	defer p.active.Wait()
	skip := func(id string) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.inflight[id]
	}
	for ctx.Err() == nil {
		wait := p.cfg.Idle
		n, err := p.dispatch(ctx, p.cfg.Now(), nil)
		p.mu.Lock()
		if err == nil && p.err != nil {
			err = p.err
		}
		p.err = nil
		p.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.cfg.Log.Error("delivery round failed", "err", err)
			wait = p.cfg.Backoff.Initial
		} else if next, ok, err := p.cfg.Outbox.NextOutboxAttemptExcept(skip); err != nil {
			p.cfg.Log.Error("read next attempt", "err", err)
			wait = p.cfg.Backoff.Initial
		} else if ok {
			wait = min(next.Sub(p.cfg.Now()), p.cfg.Idle)
			if wait <= 0 && n == 0 {
				wait = time.Second // due but not handed out: do not spin
			}
			wait = max(wait, 0)
		} else if p.busy() {
			// Nothing else pending: the lanes at work poke when they
			// settle a message, which may be due again later.
			wait = -1
		}
		var c <-chan time.Time
		stop := func() bool { return false }
		switch {
		case wait == 0:
			continue
		case wait > 0:
			c, stop = p.cfg.After(wait)
		}
		select {
		case <-ctx.Done():
			stop()
			return
		case <-wake:
			stop()
		case <-p.changed:
			stop()
		case <-c:
		}
	}
}

// busy reports whether a lane is at work.
func (p *Pipeline) busy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.lanes) > 0
}

// marks gathers the deliveries of concurrent lanes into one outbox
// transaction at a time (group commit): while one is being written, the
// next ones wait and go together in the following one.
type marks struct {
	mu      sync.Mutex
	waiting []markReq
	writing bool
}

type markReq struct {
	SentMark
	done chan error
}

// markSent records a delivery: through the outbox's BatchMarker when it
// has one, else by MarkSent.
func (p *Pipeline) markSent(id string, at time.Time) error {
	bm, ok := p.cfg.Outbox.(BatchMarker)
	if !ok {
		return p.cfg.Outbox.MarkSent(id, at)
	}
	req := markReq{SentMark{ID: id, At: at}, make(chan error, 1)}
	p.marks.mu.Lock()
	p.marks.waiting = append(p.marks.waiting, req)
	if !p.marks.writing {
		p.marks.writing = true
		go p.writeMarks(bm)
	}
	p.marks.mu.Unlock()
	return <-req.done
}

// writeMarks writes the waiting marks, batch after batch, until none
// waits. A batch that fails is written mark by mark, so that each caller
// gets its own outcome.
func (p *Pipeline) writeMarks(bm BatchMarker) {
	for {
		p.marks.mu.Lock()
		batch := p.marks.waiting
		p.marks.waiting = nil
		if len(batch) == 0 {
			p.marks.writing = false
			p.marks.mu.Unlock()
			return
		}
		p.marks.mu.Unlock()
		all := make([]SentMark, len(batch))
		for i, r := range batch {
			all[i] = r.SentMark
		}
		err := bm.MarkSentAll(all)
		if err == nil || len(batch) == 1 {
			for _, r := range batch {
				r.done <- err
			}
			continue
		}
		for _, r := range batch {
			r.done <- p.cfg.Outbox.MarkSent(r.ID, r.At)
		}
	}
}

// Live is the part of a pipeline's settings that follows config reloads.
type Live struct {
	Admin                 Recipient
	AdminChannels         []string
	AdminAllChannels      bool
	FallbackAfter, MaxAge time.Duration
}

// live returns the settings in force now.
func (p *Pipeline) live() Live {
	if p.cfg.Live == nil {
		return Live{Admin: p.cfg.Admin, AdminChannels: p.cfg.AdminChannels, AdminAllChannels: p.cfg.AdminAllChannels,
			FallbackAfter: p.cfg.FallbackAfter, MaxAge: p.cfg.MaxAge}
	}
	l := p.cfg.Live()
	l.FallbackAfter = orDefault(l.FallbackAfter, DefaultFallbackAfter)
	l.MaxAge = orDefault(l.MaxAge, DefaultMaxAge)
	return l
}
