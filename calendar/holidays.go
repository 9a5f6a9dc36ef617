package calendar

import (
	"slices"
	"time"
)

// Holiday is a public holiday (ngày nghỉ lễ, tết) or the substitute day off
// (ngày nghỉ bù) it gives.
type Holiday struct {
	Date Date
	// Name is what a user reads, in Vietnamese: "Tết Nguyên Đán",
	// "Nghỉ bù Quốc khánh".
	Name string
	// Substitute marks a day off given because a holiday fell on a Saturday,
	// a Sunday or another holiday.
	Substitute bool
}

// The names of the holidays of Labour Code 2019, Điều 112 (NFC).
const (
	nameNewYear      = "Tết Dương lịch"
	nameTet          = "Tết Nguyên Đán"
	nameHungKings    = "Giỗ Tổ Hùng Vương"
	nameVictory      = "Ngày Chiến thắng"
	nameLabour       = "Ngày Quốc tế Lao động"
	nameNational     = "Quốc khánh"
	prefixSubstitute = "Nghỉ bù "
)

// Holidays returns the statutory days off of the solar year, sorted by date,
// as Labour Code 2019 Điều 112 and 111 give them when the government has not
// announced otherwise:
//   - 1/1, Tết Dương lịch;
//   - Tết Nguyên Đán, 5 days: the last day of the lunar year through 4 Giêng;
//   - 10/3 lunar, Giỗ Tổ Hùng Vương;
//   - 30/4, Ngày Chiến thắng, and 1/5, Ngày Quốc tế Lao động;
//   - 2/9, Quốc khánh, with one adjacent day: 3/9 when 2/9 is a Sunday,
//     Monday or Thursday, else 1/9 (see nationalDayPartner);
//   - for each of these on a Saturday or Sunday, or on the same day as another
//     holiday (Giỗ Tổ on 30/4 in 1947), a substitute day off on the next
//     working day that is not already a holiday or a substitute.
func Holidays(year int) []Holiday {
	days := statutory(year)
	taken := make(map[Date]bool, len(days))
	for _, h := range days {
		taken[h.Date] = true
	}
	seen := make(map[Date]bool, len(days))
	n := len(days)
	for _, h := range days[:n] {
		clash := seen[h.Date]
		seen[h.Date] = true
		if !clash && !isWeekend(h.Date) {
			continue
		}
		d := h.Date.AddDays(1)
		for isWeekend(d) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		days = append(days, Holiday{Date: d, Name: prefixSubstitute + h.Name, Substitute: true})
	}
	slices.SortStableFunc(days, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return days
}

// statutory returns the holidays themselves, without substitutes, sorted by
// date.
func statutory(year int) []Holiday {
	days := make([]Holiday, 0, 16)
	days = append(days, Holiday{Date: Date{year, time.January, 1}, Name: nameNewYear})
	tet := lunarDate(LunarDate{Year: year, Month: 1, Day: 1})
	for i := -1; i <= 3; i++ {
		days = append(days, Holiday{Date: tet.AddDays(i), Name: nameTet})
	}
	days = append(days,
		Holiday{Date: lunarDate(LunarDate{Year: year, Month: 3, Day: 10}), Name: nameHungKings},
		Holiday{Date: Date{year, time.April, 30}, Name: nameVictory},
		Holiday{Date: Date{year, time.May, 1}, Name: nameLabour},
	)
	national := Date{year, time.September, 2}
	days = append(days,
		Holiday{Date: national, Name: nameNational},
		Holiday{Date: nationalDayPartner(national), Name: nameNational},
	)
	slices.SortStableFunc(days, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return days
}

// nationalDayPartner returns the day joined to Quốc khánh 2/9. The law says
// "one adjacent day, before or after" and the government picks it each year;
// the default picks the one that makes the break touch a weekend, and matches
// what was announced for 2021–2025:
//
//	2/9 on   Sun  Mon  Tue  Wed  Thu  Fri  Sat
//	partner  3/9  3/9  1/9  1/9  3/9  1/9  1/9
//
// On a Sunday or a Monday, 1/9 is a weekend day whose substitute would land
// on the same days off as taking 3/9 directly. On a Wednesday neither side
// touches a weekend; 1/9 is arbitrary.
func nationalDayPartner(national Date) Date {
	switch national.Weekday() {
	case time.Sunday, time.Monday, time.Thursday:
		return national.AddDays(1)
	default:
		return national.AddDays(-1)
	}
}

// lunarDate returns the solar day of a lunar date that is known to exist.
func lunarDate(l LunarDate) Date {
	jd, _ := lunarToJD(l)
	y, m, d := jdToDate(jd)
	return Date{y, time.Month(m), d}
}

// isWeekend reports whether d is a Saturday or a Sunday.
func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
