package calendar

import (
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// nameAnnounced names an official day off that joins no statutory holiday.
const nameAnnounced = "Ngày nghỉ theo thông báo"

// yearInfo is the working-day calendar of one solar year, computed once:
// which days are worked, and the names of the days off that are holidays.
type yearInfo struct {
	days    int       // 365 or 366
	working [6]uint64 // bit yd-1 is set when day of the year yd is worked
	total   int       // number of working days in the year
	names   []dayName // sorted by day of the year
}

// dayName is the name of a day off, by day of the year.
type dayName struct {
	yd   int
	name string
}

func (y *yearInfo) isWorking(yd int) bool {
	i := yd - 1
	return y.working[i>>6]&(1<<(i&63)) != 0
}

func (y *yearInfo) setWorking(yd int, on bool) {
	i := yd - 1
	if on {
		y.working[i>>6] |= 1 << (i & 63)
	} else {
		y.working[i>>6] &^= 1 << (i & 63)
	}
}

// countThrough returns the number of working days from 1 January through
// the day of the year yd (0 for yd = 0).
func (y *yearInfo) countThrough(yd int) int {
	n := 0
	for w := range yd >> 6 {
		n += bits.OnesCount64(y.working[w])
	}
	if r := yd & 63; r != 0 {
		n += bits.OnesCount64(y.working[yd>>6] & (1<<r - 1))
	}
	return n
}

// name returns the name of the day off yd, if it has one.
func (y *yearInfo) name(yd int) (string, bool) {
	i, ok := slices.BinarySearchFunc(y.names, yd, func(n dayName, yd int) int { return n.yd - yd })
	if !ok {
		return "", false
	}
	return y.names[i].name, true
}

// dayOff makes yd a day off named name; a day named twice (two holidays on
// one day) keeps both names.
func (y *yearInfo) dayOff(yd int, name string) {
	y.setWorking(yd, false)
	i, ok := slices.BinarySearchFunc(y.names, yd, func(n dayName, yd int) int { return n.yd - yd })
	switch {
	case !ok:
		y.names = slices.Insert(y.names, i, dayName{yd, name})
	case y.names[i].name != name:
		y.names[i].name += ", " + name
	}
}

// weekdaysOnly returns the calendar of year with Monday to Friday worked
// and no holiday.
func weekdaysOnly(year int) *yearInfo {
	info := &yearInfo{days: Date{year, time.December, 31}.yearDay()}
	for yd := 1; yd <= info.days; yd++ {
		wd := time.Date(year, time.January, yd, 12, 0, 0, 0, time.UTC).Weekday()
		info.setWorking(yd, wd != time.Saturday && wd != time.Sunday)
	}
	return info
}

// computedYear returns the calendar of a year the government has not
// announced: the statutory holidays and their substitutes.
func computedYear(year int) *yearInfo {
	info := weekdaysOnly(year)
	for _, h := range Holidays(year) {
		info.dayOff(h.Date.yearDay(), h.Name)
	}
	info.total = info.countThrough(info.days)
	return info
}

// officialYear returns the calendar of an announced year: its days off and
// worked Saturdays through yr.Through, the computed holidays after it.
//
// The announcement lists dates, not reasons; a day off is named after the
// statutory holiday or substitute on that day, else after the nearest
// statutory holiday in the same run of consecutive days off (the Thursday
// before Tết is "Tết Nguyên Đán"), else nameAnnounced.
func officialYear(year int, yr Year) *yearInfo {
	info := weekdaysOnly(year)
	through := yr.through(year)
	computed := Holidays(year)
	for _, h := range computed {
		if h.Date.After(through) {
			info.dayOff(h.Date.yearDay(), h.Name)
		}
	}
	for _, d := range yr.WorkedSaturdays {
		info.setWorking(d.yearDay(), true)
	}
	days := slices.SortedFunc(slices.Values(yr.DaysOff), Date.Compare)
	for start := 0; start < len(days); {
		end := start + 1
		for end < len(days) && days[end] == days[end-1].AddDays(1) {
			end++
		}
		nameRun(info, days[start:end], computed)
		start = end
	}
	info.total = info.countThrough(info.days)
	return info
}

// nameRun marks the consecutive days off of run, naming each (see
// officialYear).
func nameRun(info *yearInfo, run []Date, computed []Holiday) {
	first, last := run[0], run[len(run)-1]
	var inRun []Holiday
	for _, h := range computed {
		if !h.Substitute && !h.Date.Before(first) && !h.Date.After(last) {
			inRun = append(inRun, h)
		}
	}
	for _, d := range run {
		yd := d.yearDay()
		named := false
		for _, h := range computed {
			if h.Date == d {
				info.dayOff(yd, h.Name)
				named = true
			}
		}
		if named {
			continue
		}
		name, best := nameAnnounced, -1
		for _, h := range inRun {
			dist := abs(h.Date.yearDay() - yd)
			if best < 0 || dist < best {
				name, best = h.Name, dist
			}
		}
		info.dayOff(yd, name)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// The years whose calendars are cached in a fixed array, lock-free; others
// go to a map behind a mutex.
const (
	cacheFirst = 1900
	cacheLast  = 2199
)

// yearCache holds each year's calendar once computed. Computing a year takes
// a few microseconds of lunar arithmetic, so it is done lazily, on first use
// of the year, and never again; two goroutines racing on a new year may both
// compute it, and one result wins.
type yearCache struct {
	near [cacheLast - cacheFirst + 1]atomic.Pointer[yearInfo]
	mu   sync.Mutex
	far  map[int]*yearInfo
}

// get returns the calendar of year, computing it with build on first use.
func (c *yearCache) get(year int, build func(int) *yearInfo) *yearInfo {
	if year >= cacheFirst && year <= cacheLast {
		slot := &c.near[year-cacheFirst]
		if info := slot.Load(); info != nil {
			return info
		}
		info := build(year)
		if slot.CompareAndSwap(nil, info) {
			return info
		}
		return slot.Load()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.far[year]
	if !ok {
		info = build(year)
		if c.far == nil {
			c.far = make(map[int]*yearInfo)
		}
		c.far[year] = info
	}
	return info
}
