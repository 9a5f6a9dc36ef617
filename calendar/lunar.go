package calendar

import (
	"math"
	"time"
)

// The lunar calendar below is Hồ Ngọc Đức's published algorithm ("Thuật toán
// tính âm lịch"), computed for the meridian 105°E (UTC+7) used in Vietnam.
// The Chinese calendar uses 120°E (UTC+8) and differs in some years (Tết
// 2007 is 17/2 here, 18/2 in China).
//
// One deliberate difference: jdFromDate and jdToDate use the proleptic
// Gregorian calendar for every date, as package time does, where the original
// switches to the Julian calendar before 15/10/1582. The astronomical series
// are accurate for roughly 1800–2199 anyway.

// lunarTimeZone is the time zone, in hours, that fixes which day a new moon
// or a solar term falls on.
const lunarTimeZone = 7.0

// LunarDate is a day of the Vietnamese lunar calendar (âm lịch). Month is
// 1 (tháng Giêng) to 12 (tháng Chạp); Leap marks a leap month (tháng nhuận),
// which repeats the number of the month before it.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool
}

// ToLunar returns the lunar date of the solar (Gregorian) day y-m-d.
func ToLunar(y int, m time.Month, d int) LunarDate {
	return jdToLunar(jdFromDate(y, int(m), d))
}

// FromLunar returns the solar (Gregorian) day of the lunar date l. ok is false
// when l does not exist: a month or day out of range, a leap month that is
// not the leap month of that year, or day 30 of a 29-day month.
func FromLunar(l LunarDate) (y int, m time.Month, d int, ok bool) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return 0, 0, 0, false
	}
	jd, ok := lunarToJD(l)
	if !ok || jdToLunar(jd) != l {
		return 0, 0, 0, false
	}
	y, mm, d := jdToDate(jd)
	return y, time.Month(mm), d, true
}

// jdFromDate returns the Julian day number of a proleptic Gregorian date.
func jdFromDate(y, m, d int) int {
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// jdToDate is the inverse of jdFromDate.
func jdToDate(jd int) (y, m, d int) {
	a := jd + 32044
	b := (4*a + 3) / 146097
	c := a - b*146097/4
	dd := (4*c + 3) / 1461
	e := c - 1461*dd/4
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = b*100 + dd - 4800 + mm/10
	return y, m, d
}

// newMoon returns the Julian day (with fraction, UT) of the k-th new moon
// after the one of 1900-01-01 (Meeus, "Astronomical Algorithms").
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from 1900 January 0.5
	t2 := t * t
	t3 := t2 * t
	const dr = math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)      // mean new moon
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 = c1 - 0.0004*math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude, in radians in [0, 2π),
// at the Julian day jdn (UT).
func sunLongitude(jdn float64) float64 {
	t := (jdn - 2451545.0) / 36525 // Julian centuries from 2000-01-01 12:00 UT
	t2 := t * t
	const dr = math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly, degrees
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude, degrees
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// sunSector returns which of the 12 30° sectors of the ecliptic the sun is in
// at local midnight starting the day jd: 0 at the March equinox, 9 at the
// December solstice (the major solar term of lunar month 11).
func sunSector(jd int) int {
	return int(math.Floor(sunLongitude(float64(jd)-0.5-lunarTimeZone/24) / math.Pi * 6))
}

// newMoonDay returns the Julian day number of the local day holding the k-th
// new moon.
func newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + lunarTimeZone/24))
}

// lunarMonth11 returns the first day of lunar month 11 of the lunar year that
// ends in the solar year y: the month holding the December solstice.
func lunarMonth11(y int) int {
	off := jdFromDate(y, 12, 31) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k)
	if sunSector(nm) >= 9 {
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapMonthOffset returns, for a 13-month lunar year starting at month 11 on
// the day a11, the index (1 = the month after month 11) of its leap month:
// the first month without a major solar term.
func leapMonthOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// jdToLunar converts a Julian day number to a lunar date
// (convertSolar2Lunar).
func jdToLunar(jd int) LunarDate {
	k := int(math.Floor((float64(jd) - 2415021.076998695) / 29.530588853))
	monthStart := newMoonDay(k + 1)
	// The published code steps back once, to new moon k; but k comes from
	// the mean lunation, and the true new moon k can fall after jd too
	// (2054-05-07, the day before a new moon at 00:01 local time, came out
	// as day 0 of month 4). Step back until the month has begun.
	for monthStart > jd {
		monthStart = newMoonDay(k)
		k--
	}
	y, _, _ := jdToDate(jd)
	a11 := lunarMonth11(y)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = y
		a11 = lunarMonth11(y - 1)
	} else {
		lunarYear = y + 1
		b11 = lunarMonth11(y + 1)
	}
	l := LunarDate{Year: lunarYear, Day: jd - monthStart + 1}
	diff := (monthStart - a11) / 29
	l.Month = diff + 11
	if b11-a11 > 365 {
		leap := leapMonthOffset(a11)
		if diff >= leap {
			l.Month = diff + 10
			l.Leap = diff == leap
		}
	}
	if l.Month > 12 {
		l.Month -= 12
	}
	if l.Month >= 11 && diff < 4 {
		l.Year--
	}
	return l
}

// lunarToJD converts a lunar date to a Julian day number
// (convertLunar2Solar) without checking that the day exists; ok is false for
// a leap month that is not the year's leap month.
func lunarToJD(l LunarDate) (jd int, ok bool) {
	var a11, b11 int
	if l.Month < 11 {
		a11 = lunarMonth11(l.Year - 1)
		b11 = lunarMonth11(l.Year)
	} else {
		a11 = lunarMonth11(l.Year)
		b11 = lunarMonth11(l.Year + 1)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return 0, false
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return 0, false
	}
	return newMoonDay(k+off) + l.Day - 1, true
}
