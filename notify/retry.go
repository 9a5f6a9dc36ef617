package notify

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Backoff is the delay between attempts after temporary failures:
// Initial after the first, multiplied by Multiplier after each further one,
// at most Max, then spread by ±Jitter (a fraction) so that messages that
// failed together are not retried together.
type Backoff struct {
	Initial    time.Duration
	Max        time.Duration
	Multiplier float64
	Jitter     float64 // 0.2 spreads a delay d over [0.8d, 1.2d)
}

// DefaultBackoff is used when Config.Backoff is the zero value: 30s, 1m,
// 2m... up to an hour, ±20%.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 30 * time.Second, Max: time.Hour, Multiplier: 2, Jitter: 0.2}
}

func (b Backoff) validate() error {
	switch {
	case b.Initial <= 0:
		return fmt.Errorf("backoff: initial delay %s must be positive", b.Initial)
	case b.Max < b.Initial:
		return fmt.Errorf("backoff: maximum delay %s is shorter than the initial %s", b.Max, b.Initial)
	case b.Multiplier < 1:
		return fmt.Errorf("backoff: multiplier %g must be at least 1", b.Multiplier)
	case b.Jitter < 0 || b.Jitter >= 1:
		return fmt.Errorf("backoff: jitter %g must be in [0, 1)", b.Jitter)
	}
	return nil
}

// Delay is the wait after the failure of attempt number attempt (from 1),
// given r in [0, 1) for the jitter. It is never shorter than a millisecond.
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	d := float64(b.Initial) * math.Pow(b.Multiplier, float64(max(attempt, 1)-1))
	d = min(d, float64(b.Max))
	d *= 1 + b.Jitter*(2*r-1)
	return max(time.Duration(d), time.Millisecond)
}

// nextAttempt is when a message whose attempt number attempt failed at now
// is tried again: after the backoff, or after the wait the notifier asked
// for (a RetryAfterError), whichever is later.
func (b Backoff) nextAttempt(now time.Time, attempt int, r float64, err error) time.Time {
	next := now.Add(b.Delay(attempt, r))
	var ra RetryAfterError
	if errors.As(err, &ra) {
		if t := now.Add(ra.RetryAfter()); t.After(next) {
			next = t
		}
	}
	return next
}
