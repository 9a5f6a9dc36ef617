package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dateLayout is how a Date is written: ISO 8601, "2024-02-08".
const dateLayout = "2006-01-02"

// Date is a calendar day without a clock or a location: the unit of
// holidays, days off and deadlines. The zero Date is not a valid day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a day written "2024-02-08".
func ParseDate(s string) (Date, error) {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	y, errY := digits(s[0:4])
	m, errM := digits(s[5:7])
	d, errD := digits(s[8:10])
	if errY != nil || errM != nil || errD != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	date := Date{y, time.Month(m), d}
	if !date.Valid() {
		return Date{}, fmt.Errorf("invalid date %q: no such day", s)
	}
	return date, nil
}

// digits parses a run of ASCII digits, refusing the signs and spaces that
// strconv.Atoi would let through.
func digits(s string) (int, error) {
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, errors.New("not a digit")
		}
	}
	return strconv.Atoi(s)
}

// ParseDays parses a comma-separated list of days and inclusive ranges:
// "2024-01-01, 2024-02-08..2024-02-14". Days are returned in the order
// written, each range expanded.
func ParseDays(s string) ([]Date, error) {
	var days []Date
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("days %q: empty item", s)
		}
		from, to, isRange := strings.Cut(item, "..")
		if !isRange {
			d, err := ParseDate(item)
			if err != nil {
				return nil, err
			}
			days = append(days, d)
			continue
		}
		first, err := ParseDate(strings.TrimSpace(from))
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", item, err)
		}
		last, err := ParseDate(strings.TrimSpace(to))
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", item, err)
		}
		if last.Before(first) {
			return nil, fmt.Errorf("range %q: ends before it starts", item)
		}
		for d := first; !last.Before(d); d = d.AddDays(1) {
			days = append(days, d)
		}
	}
	return days, nil
}

// Valid reports whether d is a real day of the Gregorian calendar.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && DateOf(d.In(time.UTC)) == d
}

// String formats d as "2024-02-08".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes d as "2024-02-08".
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText reads a day written "2024-02-08".
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// In returns the midnight starting d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.In(time.UTC).Weekday()
}

// AddDays returns the day n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, the same as, or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(d.Month, e.Month)
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// yearDay returns the day of the year of d, 1 to 366.
func (d Date) yearDay() int {
	return d.In(time.UTC).YearDay()
}
