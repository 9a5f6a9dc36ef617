package calendar

import (
	"fmt"
	"strings"
)

// Clock is a time of day in minutes since midnight, from 0 (00:00) to 1440
// (24:00, the end of the day).
type Clock int

// The working hours used when a Config leaves both unset.
const (
	DefaultWorkStart Clock = 7*60 + 30 // 07:30
	DefaultWorkEnd   Clock = 17 * 60   // 17:00
)

// endOfDay is 24:00, the largest Clock.
const endOfDay Clock = 24 * 60

// NewClock returns the Clock hour:minute.
func NewClock(hour, minute int) Clock {
	return Clock(hour*60 + minute)
}

// ParseClock parses a time of day written "07:30" or "7:30"; "24:00" is the
// end of the day.
func ParseClock(s string) (Clock, error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, fmt.Errorf("invalid time of day %q: want HH:MM", s)
	}
	h, errH := digits(hs)
	m, errM := digits(ms)
	if errH != nil || errM != nil {
		return 0, fmt.Errorf("invalid time of day %q: want HH:MM", s)
	}
	c := NewClock(h, m)
	if m > 59 || c > endOfDay {
		return 0, fmt.Errorf("invalid time of day %q: out of range 00:00–24:00", s)
	}
	return c, nil
}

// Hour returns the hour of c, 0 to 24.
func (c Clock) Hour() int { return int(c) / 60 }

// Minute returns the minute within the hour of c, 0 to 59.
func (c Clock) Minute() int { return int(c) % 60 }

// String formats c as "07:30" (an out-of-range c as "Clock(-5)").
func (c Clock) String() string {
	if !c.valid() {
		return fmt.Sprintf("Clock(%d)", int(c))
	}
	return fmt.Sprintf("%02d:%02d", c.Hour(), c.Minute())
}

// MarshalText writes c as "07:30".
func (c Clock) MarshalText() ([]byte, error) {
	return []byte(c.String()), nil
}

// UnmarshalText reads a time of day written "07:30".
func (c *Clock) UnmarshalText(b []byte) error {
	parsed, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// valid reports whether c is within 00:00–24:00.
func (c Clock) valid() bool { return c >= 0 && c <= endOfDay }
