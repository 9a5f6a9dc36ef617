// Package calendar is the Vietnamese working-day calendar: which days a
// government department works, when a deadline really falls (Civil Code
// 2015, Điều 148), and how many working days lie between two days.
//
// Weekends are Saturday and Sunday (QĐ 188/1999/QĐ-TTg). Holidays are the
// official days off of the years the government has announced (Config.Years)
// and, for other years, the statutory holidays of Labour Code 2019 Điều 112
// with their substitute days, computed from the Vietnamese lunar calendar.
package calendar

import "time"

// Calendar answers working-day questions for one configuration. It is
// immutable after New and safe for concurrent use. Each year's days are
// computed once, on first use of the year (a few microseconds), and kept.
//
// Methods taking a time.Time read it in the calendar's location; those that
// work on days ignore its clock. Returned days are midnights in that
// location.
type Calendar struct {
	loc        *time.Location
	start, end Clock
	official   map[int]Year
	years      yearCache
	// fingerprint is the config the calendar was made from, to tell two
	// calendars apart (Fingerprint).
	fingerprint string
}

// Fingerprint identifies the calendar's days: two calendars with the same
// fingerprint have the same working days, hours and location name.
func (c *Calendar) Fingerprint() string { return c.fingerprint }

// Location returns the location days are read in.
func (c *Calendar) Location() *time.Location { return c.loc }

// WorkHours returns the start and the end of a working day.
func (c *Calendar) WorkHours() (start, end Clock) { return c.start, c.end }

// Date returns the day of t in the calendar's location.
func (c *Calendar) Date(t time.Time) Date { return DateOf(t.In(c.loc)) }

// DayStart returns the midnight starting t's day.
func (c *Calendar) DayStart(t time.Time) time.Time {
	y, yd := c.dayOf(t)
	return c.at(y, yd, 0)
}

// At returns the moment clock on day d.
func (c *Calendar) At(d Date, clock Clock) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(clock), 0, 0, c.loc)
}

// IsWorkingDay reports whether t's day is a working day: Monday to Friday
// and not a day off, or a worked Saturday.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	y, yd := c.dayOf(t)
	return c.year(y).isWorking(yd)
}

// Holiday returns the Vietnamese name of the holiday or substitute day off
// on t's day ("Tết Nguyên Đán", "Nghỉ bù Quốc khánh"); ok is false on other
// days, weekends included.
func (c *Calendar) Holiday(t time.Time) (name string, ok bool) {
	y, yd := c.dayOf(t)
	return c.year(y).name(yd)
}

// NextWorkingDay returns t's day if it is a working day, else the first
// working day after it.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	y, yd := c.dayOf(t)
	y, yd = c.workingFrom(y, yd)
	return c.at(y, yd, 0)
}

// Deadline returns the day a period ending on t's day really ends: Civil
// Code 2015 Điều 148 moves a last day that is a weekend or a holiday to the
// end of the next working day. The day is returned (its midnight); when in
// that day the deadline falls (the end of working hours, midnight) is the
// caller's choice.
func (c *Calendar) Deadline(t time.Time) time.Time {
	return c.NextWorkingDay(t)
}

// AddWorkingDays returns the n-th working day after t's day, or before it
// when n < 0; t's day itself when n = 0. Whether t's day is a working day
// does not matter: 1 working day after a Saturday is the Monday, 1 working
// day before it is the Friday.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	y, yd := c.dayOf(t)
	info := c.year(y)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		yd += step
		if yd > info.days {
			y, yd = y+1, 1
			info = c.year(y)
		} else if yd < 1 {
			y--
			info = c.year(y)
			yd = info.days
		}
		if info.isWorking(yd) {
			n--
		}
	}
	return c.at(y, yd, 0)
}

// WorkingDaysBetween returns the number of working days after a's day up to
// and including b's day, negated when b's day is before a's: 0 on the same
// day, 1 from a Friday to the next Monday, -1 back. It is antisymmetric, and
// WorkingDaysBetween(a, AddWorkingDays(a, n)) == n for n >= 0, and for n < 0
// when a's day is a working day.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	ya, da := c.dayOf(a)
	yb, db := c.dayOf(b)
	if ya > yb || ya == yb && da > db {
		return -c.between(yb, db, ya, da)
	}
	return c.between(ya, da, yb, db)
}

// between counts the working days after (ya, da) through (yb, db), the
// first not after the second.
func (c *Calendar) between(ya, da, yb, db int) int {
	first := c.year(ya)
	if ya == yb {
		return first.countThrough(db) - first.countThrough(da)
	}
	n := first.total - first.countThrough(da)
	for y := ya + 1; y < yb; y++ {
		n += c.year(y).total
	}
	return n + c.year(yb).countThrough(db)
}

// NextWorkingMoment returns t if it falls on a working day within working
// hours (start included, end excluded), else the start of working hours of
// the next working day: the same day's start before it, the next working
// day's start after the end of the day's hours or on a day off.
func (c *Calendar) NextWorkingMoment(t time.Time) time.Time {
	t = t.In(c.loc)
	y, yd := c.dayOf(t)
	if c.year(y).isWorking(yd) {
		if start := c.at(y, yd, c.start); t.Before(start) {
			return start
		}
		if t.Before(c.at(y, yd, c.end)) {
			return t
		}
	}
	y, yd = c.next(y, yd)
	y, yd = c.workingFrom(y, yd)
	return c.at(y, yd, c.start)
}

// dayOf returns the year and the day of the year of t in the calendar's
// location.
func (c *Calendar) dayOf(t time.Time) (year, yd int) {
	t = t.In(c.loc)
	return t.Year(), t.YearDay()
}

// at returns the moment clock on the day of the year yd.
func (c *Calendar) at(year, yd int, clock Clock) time.Time {
	return time.Date(year, time.January, yd, 0, int(clock), 0, 0, c.loc)
}

// next returns the day after the day of the year yd.
func (c *Calendar) next(year, yd int) (int, int) {
	if yd >= c.year(year).days {
		return year + 1, 1
	}
	return year, yd + 1
}

// workingFrom returns the first working day from the day of the year yd on.
func (c *Calendar) workingFrom(year, yd int) (int, int) {
	for !c.year(year).isWorking(yd) {
		year, yd = c.next(year, yd)
	}
	return year, yd
}

// year returns the calendar of a solar year.
func (c *Calendar) year(y int) *yearInfo {
	return c.years.get(y, c.build)
}

// build computes the calendar of a solar year.
func (c *Calendar) build(y int) *yearInfo {
	if yr, ok := c.official[y]; ok {
		return officialYear(y, yr)
	}
	return computedYear(y)
}
