package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Config is what a Calendar is built from.
type Config struct {
	// Location is where days begin and end: Asia/Ho_Chi_Minh. Nil means a
	// fixed UTC+7 zone, which is exact for Vietnam since 1975 (no daylight
	// saving) and needs no time zone database.
	Location *time.Location
	// WorkStart and WorkEnd are the working hours of a working day, e.g.
	// 07:30–17:00. Both zero means DefaultWorkStart–DefaultWorkEnd.
	WorkStart, WorkEnd Clock
	// Years holds the official calendar of the years for which the
	// government has announced one, by year.
	Years map[int]Year
}

// Year is the official calendar of a year as the government announced it
// for civil servants. Its DaysOff replace the statutory holidays and
// substitutes that Holidays computes, up to Through.
type Year struct {
	// DaysOff lists every announced day off, weekends within a break
	// included or not (they are days off anyway).
	DaysOff []Date
	// WorkedSaturdays lists the Saturdays made working days (ngày làm bù)
	// in exchange for a weekday off.
	WorkedSaturdays []Date
	// Through is the last day the announcement covers, when it covers only
	// part of the year (2026: everything but Quốc khánh); after it, the
	// computed holidays apply. The zero Date means the whole year.
	Through Date
}

// check returns every inconsistency of the official calendar of year y.
func (yr Year) check(y int) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("year %d: "+format, append([]any{y}, args...)...))
	}
	wholeYear := yr.Through == Date{}
	if !wholeYear && (!yr.Through.Valid() || yr.Through.Year != y) {
		bad("through %v is not a day of %d", yr.Through, y)
		wholeYear = true
	}
	off := make(map[Date]bool, len(yr.DaysOff))
	for _, d := range yr.DaysOff {
		switch {
		case !d.Valid() || d.Year != y:
			bad("day off %v is not a day of %d", d, y)
		case off[d]:
			bad("day off %v is listed twice", d)
		case !wholeYear && d.After(yr.Through):
			bad("day off %v is after through %v", d, yr.Through)
		}
		off[d] = true
	}
	worked := make(map[Date]bool, len(yr.WorkedSaturdays))
	for _, d := range yr.WorkedSaturdays {
		switch {
		case !d.Valid() || d.Year != y:
			bad("worked Saturday %v is not a day of %d", d, y)
		case d.Weekday() != time.Saturday:
			bad("worked Saturday %v is a %v", d, d.Weekday())
		case worked[d]:
			bad("worked Saturday %v is listed twice", d)
		case off[d]:
			bad("%v is both a day off and a worked Saturday", d)
		case !wholeYear && d.After(yr.Through):
			bad("worked Saturday %v is after through %v", d, yr.Through)
		}
		worked[d] = true
	}
	return errs
}

// clone returns a copy of yr sharing no memory with it.
func (yr Year) clone() Year {
	return Year{
		DaysOff:         slices.Clone(yr.DaysOff),
		WorkedSaturdays: slices.Clone(yr.WorkedSaturdays),
		Through:         yr.Through,
	}
}

// through returns the last day of the year the official list covers.
func (yr Year) through(y int) Date {
	if yr.Through == (Date{}) {
		return Date{y, time.December, 31}
	}
	return yr.Through
}

// New builds a Calendar from cfg, or reports every inconsistency of cfg: work
// hours out of 00:00–24:00 or not in order, a day listed twice or in the wrong
// year, a worked Saturday that is not a Saturday or is also a day off.
func New(cfg Config) (*Calendar, error) {
	c := &Calendar{
		loc:      cfg.Location,
		start:    cfg.WorkStart,
		end:      cfg.WorkEnd,
		official: make(map[int]Year, len(cfg.Years)),
	}
	if c.loc == nil {
		c.loc = time.FixedZone("ICT", 7*60*60)
	}
	if c.start == 0 && c.end == 0 {
		c.start, c.end = DefaultWorkStart, DefaultWorkEnd
	}
	var errs []error
	switch {
	case !c.start.valid():
		errs = append(errs, fmt.Errorf("work start %v is out of range 00:00–24:00", c.start))
	case !c.end.valid():
		errs = append(errs, fmt.Errorf("work end %v is out of range 00:00–24:00", c.end))
	case c.start >= c.end:
		errs = append(errs, fmt.Errorf("work start %v is not before work end %v", c.start, c.end))
	}
	for _, y := range slices.Sorted(maps.Keys(cfg.Years)) {
		yr := cfg.Years[y]
		errs = append(errs, yr.check(y)...)
		c.official[y] = yr.clone()
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid calendar config: %w", errors.Join(errs...))
	}
	fp, err := json.Marshal(struct {
		Location   string
		Start, End Clock
		Official   map[int]Year
	}{c.loc.String(), c.start, c.end, c.official})
	if err != nil {
		return nil, fmt.Errorf("calendar fingerprint: %w", err)
	}
	c.fingerprint = string(fp)
	return c, nil
}
