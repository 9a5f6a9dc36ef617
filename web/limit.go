package web

import (
	"sync"
	"time"
)

// limiter counts events per key in fixed windows: enough to slow down a
// guesser or a flood of sign-in mails, with no state to keep on disk.
type limiter struct {
	mu   sync.Mutex
	now  func() time.Time
	hits map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, hits: map[string]*window{}}
}

// allow counts one event of key and reports whether it is within max in
// the current window of length per.
func (l *limiter) allow(key string, max int, per time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 10000 {
		for k, w := range l.hits {
			if now.Sub(w.start) >= per {
				delete(l.hits, k)
			}
		}
	}
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= per {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	return w.n <= max
}
