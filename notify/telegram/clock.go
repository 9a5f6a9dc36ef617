package telegram

import (
	"context"
	"time"
)

// Clock is the time source of the rate limiter. Tests pass a fake one whose
// Sleep advances its Now, so that rate limits cost no real time.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Option adjusts a Notifier built by New.
type Option func(*Notifier)

// WithClock replaces the wall clock of the rate limiter.
func WithClock(c Clock) Option {
	return func(n *Notifier) { n.clock = c }
}
