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
	// messages given up; nil means Telegram → e-mail. A fallback copy is
	// never handed on again.
	Fallback map[string]string
	// Admin is told, at most once a day per address, that messages to an
	// address fail. The zero Recipient tells no one.
	Admin Recipient
	// Rand returns a number in [0, 1) for the jitter; rand.Float64 when nil.
	Rand func() float64
	// Observer, when set, is told about every attempt (metrics).
	Observer Observer
	// Timeout bounds one Notify call (DefaultTimeout when 0).
	Timeout time.Duration
	// BatchSize is how many due records are read at once (64 when 0).
	BatchSize int
	// Idle is Run's longest wait without a wake signal, so that messages
	// enqueued by another process are seen (DefaultIdle when 0 or
	// negative: it cannot be switched off).
	Idle time.Duration
	// After starts a timer for Run: it returns a channel that receives
	// once d has passed, and a function that stops the timer. A real
	// time.Timer when nil; tests pass one they fire themselves.
	After func(d time.Duration) (<-chan time.Time, func() bool)
}

// Pipeline delivers the due messages of the outbox through the notifier
// of their channel, one at a time, earliest first.
//
// Delivery is at least once: a message is in the outbox before it is sent
// and is marked sent after its notifier succeeds, each mark in its own
// transaction. A crash (or a failing store) between a successful Notify
// and MarkSent leaves the message pending, so it is sent once more after
// the restart: at most one duplicate per crash, never a loss. Notifiers
// may use Message.ID (stable) to let the far end spot the duplicate.
type Pipeline struct {
	cfg      Config
	fallback map[string]string
	mu       sync.Mutex // one DeliverDue at a time
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
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
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
	p := &Pipeline{cfg: cfg, fallback: maps.Clone(cfg.Fallback)}
	if p.fallback == nil {
		p.fallback = map[string]string{ChannelTelegram: ChannelEmail}
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

// DeliverDue attempts every message due now, one at a time, earliest first,
// including fallback copies enqueued meanwhile, and returns how many were
// sent. It stops at the first outbox error, or when ctx is done.
func (p *Pipeline) DeliverDue(ctx context.Context) (int, error) {
	sent, _, err := p.deliverDue(ctx)
	return sent, err
}

func (p *Pipeline) deliverDue(ctx context.Context) (sent, handled int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.cfg.Now()
	seen := map[string]bool{}
	for {
		recs, err := p.cfg.Outbox.OutboxDue(until, p.cfg.BatchSize)
		if err != nil {
			return sent, handled, fmt.Errorf("notify: read due messages: %w", err)
		}
		progress := false
		for i := range recs {
			if err := ctx.Err(); err != nil {
				return sent, handled, err
			}
			rec := &recs[i]
			if seen[rec.Message.ID] {
				continue // rescheduled at or before until: next round
			}
			seen[rec.Message.ID], progress = true, true
			ok, err := p.deliver(ctx, rec)
			if err != nil {
				return sent, handled, err
			}
			handled++
			if ok {
				sent++
			}
		}
		if !progress {
			// Nothing new: every record due by until was handled, and the
			// fallback copies enqueued meanwhile too.
			return sent, handled, nil
		}
	}
}

// deliver makes one attempt of rec and records its outcome. It returns
// whether the message was sent; an error only when the outbox failed or
// ctx ended the attempt.
func (p *Pipeline) deliver(ctx context.Context, rec *Record) (bool, error) {
	m := &rec.Message
	attempt := rec.Attempts + 1
	log := p.cfg.Log.With("id", m.ID, "channel", m.Channel, "to", m.To.ID, "attempt", attempt)
	start := p.cfg.Now()
	retry, err := p.notify(ctx, m)
	now := p.cfg.Now()
	if err == nil {
		if err := p.cfg.Outbox.MarkSent(m.ID, now); err != nil {
			return false, fmt.Errorf("notify: message %s was sent: %w", m.ID, err)
		}
		log.Info("message sent")
		if o := p.cfg.Observer; o != nil {
			o.OnSent(m.Channel, m.Kind, now.Sub(start))
		}
		return true, nil
	}
	if ctx.Err() != nil {
		// Cut short by our own shutdown: the channel is not to blame, and
		// the message stays pending as it was.
		return false, ctx.Err()
	}
	age := now.Sub(rec.Since())
	switch {
	case !retry:
		return false, p.fail(log, rec, now, err.Error())
	case p.cfg.FallbackAfter > 0 && age >= p.cfg.FallbackAfter && p.fallbackCopy(rec) != nil:
		return false, p.fail(log, rec, now, fmt.Sprintf("failing for %s: %v", age.Round(time.Second), err))
	case p.cfg.MaxAttempts > 0 && attempt >= p.cfg.MaxAttempts:
		return false, p.fail(log, rec, now, fmt.Sprintf("gave up after %d attempts: %v", attempt, err))
	case p.cfg.MaxAge > 0 && age >= p.cfg.MaxAge:
		return false, p.fail(log, rec, now, fmt.Sprintf("gave up after %s: %v", age.Round(time.Second), err))
	}
	next := p.cfg.Backoff.nextAttempt(now, attempt, p.cfg.Rand(), err)
	if err := p.cfg.Outbox.MarkRetry(m.ID, next, err.Error()); err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	log.Warn("message not sent, will retry", "next", next, "err", err)
	if o := p.cfg.Observer; o != nil {
		o.OnRetry(m.Channel, m.Kind)
	}
	return false, nil
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

// Run delivers due messages until ctx is done: after each round it waits
// until the next attempt is due, a wake signal arrives (the scheduler sends
// one after enqueueing) or Idle has passed. Outbox errors are logged and
// retried after Backoff.Initial.
func (p *Pipeline) Run(ctx context.Context, wake <-chan struct{}) {
	for ctx.Err() == nil {
		wait := p.cfg.Idle
		_, handled, err := p.deliverDue(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.cfg.Log.Error("delivery round failed", "err", err)
			wait = p.cfg.Backoff.Initial
		} else if next, ok, err := p.cfg.Outbox.NextOutboxAttempt(); err != nil {
			p.cfg.Log.Error("read next attempt", "err", err)
			wait = p.cfg.Backoff.Initial
		} else if ok {
			wait = min(next.Sub(p.cfg.Now()), p.cfg.Idle)
			if wait <= 0 && handled == 0 {
				wait = time.Second // due but not handed out: do not spin
			}
		}
		if wait <= 0 {
			continue
		}
		c, stop := p.cfg.After(wait)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-wake:
			stop()
		case <-c:
		}
	}
}
