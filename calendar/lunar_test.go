package calendar

import (
	"testing"
	"time"
)

func TestTetAndHungKings(t *testing.T) {
	tests := []struct {
		year       int
		tet, hung  string
		tetWeekday time.Weekday
	}{
		{2024, "2024-02-10", "2024-04-18", time.Saturday},
		{2025, "2025-01-29", "2025-04-07", time.Wednesday},
		{2026, "2026-02-17", "2026-04-26", time.Tuesday},
		{2027, "2027-02-06", "2027-04-16", time.Saturday},
		{2028, "2028-01-26", "2028-04-04", time.Wednesday},
		{2029, "2029-02-13", "2029-04-23", time.Tuesday},
		{2030, "2030-02-02", "2030-04-12", time.Saturday},
	}
	for _, tt := range tests {
		t.Run(tt.tet, func(t *testing.T) {
			if got := fromLunar(t, LunarDate{Year: tt.year, Month: 1, Day: 1}); got.String() != tt.tet {
				t.Errorf("1/1 lunar %d = %v, want %v", tt.year, got, tt.tet)
			} else if got.Weekday() != tt.tetWeekday {
				t.Errorf("Tết %v is a %v, want %v", got, got.Weekday(), tt.tetWeekday)
			}
			if got := fromLunar(t, LunarDate{Year: tt.year, Month: 3, Day: 10}); got.String() != tt.hung {
				t.Errorf("10/3 lunar %d = %v, want %v", tt.year, got, tt.hung)
			}
			tet := mustDate(t, tt.tet)
			if got := ToLunar(tet.Year, tet.Month, tet.Day); got != (LunarDate{Year: tt.year, Month: 1, Day: 1}) {
				t.Errorf("ToLunar(%v) = %+v, want 1/1/%d", tet, got, tt.year)
			}
			eve := tet.AddDays(-1)
			if got := ToLunar(eve.Year, eve.Month, eve.Day); got.Year != tt.year-1 || got.Month != 12 || got.Day < 29 {
				t.Errorf("ToLunar(%v) = %+v, want the last day of lunar year %d", eve, got, tt.year-1)
			}
		})
	}
}

// TestNotChinese checks years where the UTC+8 Chinese calendar gives
// another Tết than the Vietnamese one.
func TestNotChinese(t *testing.T) {
	tests := []struct {
		year          int
		want, chinese string
	}{
		{2007, "2007-02-17", "2007-02-18"},
		{1985, "1985-01-21", "1985-02-20"},
		{2030, "2030-02-02", "2030-02-03"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := fromLunar(t, LunarDate{Year: tt.year, Month: 1, Day: 1})
			if got.String() != tt.want {
				t.Errorf("Tết %d = %v, want %v (Chinese: %v)", tt.year, got, tt.want, tt.chinese)
			}
			c := mustDate(t, tt.chinese)
			if l := ToLunar(c.Year, c.Month, c.Day); l.Month == 1 && l.Day == 1 {
				t.Errorf("ToLunar(%v) = %+v: that is the Chinese Tết", c, l)
			}
		})
	}
}

func TestLeapMonths(t *testing.T) {
	tests := []struct {
		first string // first day of the leap month
		year  int
		month int
	}{
		{"2023-03-22", 2023, 2},
		{"2025-07-25", 2025, 6},
		{"2028-06-23", 2028, 5},
		{"1985-03-21", 1985, 2}, // China: leap 10 of 1984 instead
	}
	for _, tt := range tests {
		t.Run(tt.first, func(t *testing.T) {
			d := mustDate(t, tt.first)
			want := LunarDate{Year: tt.year, Month: tt.month, Day: 1, Leap: true}
			if got := ToLunar(d.Year, d.Month, d.Day); got != want {
				t.Errorf("ToLunar(%v) = %+v, want %+v", d, got, want)
			}
			prev := d.AddDays(-1)
			if got := ToLunar(prev.Year, prev.Month, prev.Day); got.Leap || got.Month != tt.month || got.Day < 29 {
				t.Errorf("ToLunar(%v) = %+v, want the last day of the ordinary month %d", prev, got, tt.month)
			}
			if got := fromLunar(t, want); got != d {
				t.Errorf("FromLunar(%+v) = %v, want %v", want, got, d)
			}
			ordinary := LunarDate{Year: tt.year, Month: tt.month, Day: 1}
			if got := fromLunar(t, ordinary); got.AddDays(29) != d && got.AddDays(30) != d {
				t.Errorf("FromLunar(%+v) = %v, want 29 or 30 days before %v", ordinary, got, d)
			}
		})
	}
}

func TestLunarKnownDays(t *testing.T) {
	tests := []struct {
		solar string
		want  LunarDate
	}{
		// "từ 29 tháng Chạp năm Quý Mão đến hết mùng 5 tháng Giêng năm Giáp
		// Thìn" = 2024-02-08..2024-02-14: Chạp had 30 days.
		{"2024-02-08", LunarDate{Year: 2023, Month: 12, Day: 29}},
		{"2024-02-09", LunarDate{Year: 2023, Month: 12, Day: 30}},
		{"2024-02-14", LunarDate{Year: 2024, Month: 1, Day: 5}},
		// "từ 26 tháng Chạp năm Giáp Thìn đến hết mùng 5 tháng Giêng năm Ất
		// Tỵ" = 2025-01-25..2025-02-02: Chạp had 29 days.
		{"2025-01-25", LunarDate{Year: 2024, Month: 12, Day: 26}},
		{"2025-01-28", LunarDate{Year: 2024, Month: 12, Day: 29}},
		{"2025-02-02", LunarDate{Year: 2025, Month: 1, Day: 5}},
		// The new moon falls at 00:01 on 2054-05-08: the published code,
		// stepping back only once, gave day 0 of month 4 here.
		{"2054-05-07", LunarDate{Year: 2054, Month: 3, Day: 30}},
		{"2054-05-08", LunarDate{Year: 2054, Month: 4, Day: 1}},
		// Lunar month 11 and 12 belong to the lunar year before.
		{"2024-12-31", LunarDate{Year: 2024, Month: 12, Day: 1}},
		{"2024-01-01", LunarDate{Year: 2023, Month: 11, Day: 20}},
	}
	for _, tt := range tests {
		t.Run(tt.solar, func(t *testing.T) {
			d := mustDate(t, tt.solar)
			if got := ToLunar(d.Year, d.Month, d.Day); got != tt.want {
				t.Errorf("ToLunar(%v) = %+v, want %+v", d, got, tt.want)
			}
			if got := fromLunar(t, tt.want); got != d {
				t.Errorf("FromLunar(%+v) = %v, want %v", tt.want, got, d)
			}
		})
	}
}

func TestFromLunarRejects(t *testing.T) {
	tests := []struct {
		name string
		l    LunarDate
	}{
		{"month 0", LunarDate{Year: 2025, Month: 0, Day: 1}},
		{"month 13", LunarDate{Year: 2025, Month: 13, Day: 1}},
		{"day 0", LunarDate{Year: 2025, Month: 1, Day: 0}},
		{"day 31", LunarDate{Year: 2025, Month: 1, Day: 31}},
		{"leap month of another year", LunarDate{Year: 2024, Month: 6, Day: 1, Leap: true}},
		{"not the leap month of the year", LunarDate{Year: 2025, Month: 5, Day: 1, Leap: true}},
		// Leap month 2 of 2023 runs 2023-03-22..2023-04-19: 29 days.
		{"day 30 of a 29-day month", LunarDate{Year: 2023, Month: 2, Day: 30, Leap: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if y, m, d, ok := FromLunar(tt.l); ok {
				t.Errorf("FromLunar(%+v) = %d-%02d-%02d, want not ok", tt.l, y, m, d)
			}
		})
	}
}

// TestLunarEveryDay converts every day of 1900–2100 to the lunar calendar
// and back, and checks that lunar days run on day by day: the next solar day
// is the next lunar day, or day 1 of the next month after day 29 or 30.
func TestLunarEveryDay(t *testing.T) {
	first, last := jdFromDate(1900, 1, 1), jdFromDate(2100, 12, 31)
	prev := jdToLunar(first - 1)
	months := 0
	for jd := first; jd <= last; jd++ {
		l := jdToLunar(jd)
		switch {
		case l.Day == prev.Day+1 && l.Month == prev.Month && l.Year == prev.Year && l.Leap == prev.Leap:
		case l.Day == 1 && prev.Day >= 29 && nextMonth(prev, l):
			months++
		default:
			y, m, d := jdToDate(jd)
			t.Fatalf("%04d-%02d-%02d is %+v after %+v", y, m, d, l, prev)
		}
		if back, ok := lunarToJD(l); !ok || back != jd {
			y, m, d := jdToDate(jd)
			t.Fatalf("%04d-%02d-%02d -> %+v -> JD %d (ok %v), want JD %d", y, m, d, l, back, ok, jd)
		}
		prev = l
	}
	// 201 years of 365.2425 days hold about 2486 synodic months.
	if months < 2485 || months > 2487 {
		t.Errorf("%d lunar months began in 1900–2100, want about 2486", months)
	}
}

// nextMonth reports whether lunar month b follows month a.
func nextMonth(a, b LunarDate) bool {
	switch {
	case b.Leap:
		return b.Month == a.Month && b.Year == a.Year && !a.Leap
	case a.Month == 12:
		return b.Month == 1 && b.Year == a.Year+1
	default:
		return b.Month == a.Month+1 && b.Year == a.Year
	}
}

func TestFromLunarMatchesToLunar(t *testing.T) {
	// FromLunar validates by converting back; sample a day of each month of
	// a few years, leap months included.
	for y := 2020; y <= 2030; y++ {
		for m := 1; m <= 12; m++ {
			for _, leap := range []bool{false, true} {
				l := LunarDate{Year: y, Month: m, Day: 15, Leap: leap}
				gy, gm, gd, ok := FromLunar(l)
				if !ok {
					if !leap {
						t.Errorf("FromLunar(%+v) not ok", l)
					}
					continue
				}
				if back := ToLunar(gy, gm, gd); back != l {
					t.Errorf("FromLunar(%+v) = %d-%02d-%02d, back %+v", l, gy, gm, gd, back)
				}
			}
		}
	}
}

func TestJulianDay(t *testing.T) {
	if got := jdFromDate(2000, 1, 1); got != 2451545 {
		t.Errorf("jdFromDate(2000-01-01) = %d, want 2451545", got)
	}
	// Unix day 0 is JD 2440588; check every 97th day over six centuries.
	for day := -200000; day < 100000; day += 97 {
		tm := time.Unix(int64(day)*86400, 0).UTC()
		y, m, d := tm.Date()
		jd := jdFromDate(y, int(m), d)
		if jd != 2440588+day {
			t.Fatalf("jdFromDate(%v) = %d, want %d", tm, jd, 2440588+day)
		}
		if gy, gm, gd := jdToDate(jd); gy != y || gm != int(m) || gd != d {
			t.Fatalf("jdToDate(%d) = %d-%d-%d, want %v", jd, gy, gm, gd, tm)
		}
	}
}

func fromLunar(t *testing.T, l LunarDate) Date {
	t.Helper()
	y, m, d, ok := FromLunar(l)
	if !ok {
		t.Fatalf("FromLunar(%+v) not ok", l)
	}
	return Date{y, m, d}
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
