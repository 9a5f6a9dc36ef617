package notify

import (
	"fmt"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := DefaultBackoff()
	for _, tc := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0.5, 30 * time.Second},
		{2, 0.5, time.Minute},
		{3, 0.5, 2 * time.Minute},
		{7, 0.5, 32 * time.Minute},
		{8, 0.5, time.Hour}, // 64m capped
		{50, 0.5, time.Hour},
		{1, 0, 24 * time.Second},
		{1, 0.75, 33 * time.Second},
		{2, 0.25, 54 * time.Second},
		{9, 0.75, 66 * time.Minute},
		{0, 0.5, 30 * time.Second},
	} {
		t.Run(fmt.Sprintf("%d/%g", tc.attempt, tc.r), func(t *testing.T) {
			if got := b.Delay(tc.attempt, tc.r); got != tc.want {
				t.Errorf("Delay = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNextAttemptRetryAfter(t *testing.T) {
	now := time.Date(2024, 9, 30, 1, 0, 0, 0, time.UTC)
	b := Backoff{Initial: time.Minute, Max: time.Hour, Multiplier: 2}
	for _, tc := range []struct {
		name string
		err  error
		want time.Duration
	}{
		{"plain error", fmt.Errorf("reset"), time.Minute},
		{"retry after longer", fmt.Errorf("send: %w", after(5*time.Minute)), 5 * time.Minute},
		{"retry after shorter", after(time.Second), time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.nextAttempt(now, 1, 0.5, tc.err).Sub(now); got != tc.want {
				t.Errorf("next after %s, want %s", got, tc.want)
			}
		})
	}
}

type after time.Duration

func (a after) Error() string             { return "flood" }
func (a after) RetryAfter() time.Duration { return time.Duration(a) }
