package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
)

// holidayLines formats holidays one a line: "2027-02-10 Wed Nghỉ bù Tết
// Nguyên Đán *" (* for a substitute).
func holidayLines(hs []Holiday) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%v %.3s %s", h.Date, h.Date.Weekday(), h.Name)
		if h.Substitute {
			b.WriteString(" *")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestHolidays(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		// Tết on a Saturday: two substitutes after the 5 days; 1/5 on a
		// Saturday; 2/9 on a Thursday takes Friday 3/9.
		{2027, `2027-01-01 Fri Tết Dương lịch
2027-02-05 Fri Tết Nguyên Đán
2027-02-06 Sat Tết Nguyên Đán
2027-02-07 Sun Tết Nguyên Đán
2027-02-08 Mon Tết Nguyên Đán
2027-02-09 Tue Tết Nguyên Đán
2027-02-10 Wed Nghỉ bù Tết Nguyên Đán *
2027-02-11 Thu Nghỉ bù Tết Nguyên Đán *
2027-04-16 Fri Giỗ Tổ Hùng Vương
2027-04-30 Fri Ngày Chiến thắng
2027-05-01 Sat Ngày Quốc tế Lao động
2027-05-03 Mon Nghỉ bù Ngày Quốc tế Lao động *
2027-09-02 Thu Quốc khánh
2027-09-03 Fri Quốc khánh
`},
		// 1/1 on a Saturday; 30/4 on a Sunday, its substitute skipping 1/5;
		// 2/9 on a Saturday takes Friday 1/9 and gives Monday 4/9.
		{2028, `2028-01-01 Sat Tết Dương lịch
2028-01-03 Mon Nghỉ bù Tết Dương lịch *
2028-01-25 Tue Tết Nguyên Đán
2028-01-26 Wed Tết Nguyên Đán
2028-01-27 Thu Tết Nguyên Đán
2028-01-28 Fri Tết Nguyên Đán
2028-01-29 Sat Tết Nguyên Đán
2028-01-31 Mon Nghỉ bù Tết Nguyên Đán *
2028-04-04 Tue Giỗ Tổ Hùng Vương
2028-04-30 Sun Ngày Chiến thắng
2028-05-01 Mon Ngày Quốc tế Lao động
2028-05-02 Tue Nghỉ bù Ngày Chiến thắng *
2028-09-01 Fri Quốc khánh
2028-09-02 Sat Quốc khánh
2028-09-04 Mon Nghỉ bù Quốc khánh *
`},
		// Giỗ Tổ on Saturday 29/4 next to 30/4 and 1/5: the substitutes
		// chain to 2/5 and 3/5, as announced for 2023 (29/4–3/5); 1/1 on a
		// Sunday gives 2/1, and 2/9 on a Saturday gives 1/9–4/9, as announced.
		{2023, `2023-01-01 Sun Tết Dương lịch
2023-01-02 Mon Nghỉ bù Tết Dương lịch *
2023-01-21 Sat Tết Nguyên Đán
2023-01-22 Sun Tết Nguyên Đán
2023-01-23 Mon Tết Nguyên Đán
2023-01-24 Tue Tết Nguyên Đán
2023-01-25 Wed Tết Nguyên Đán
2023-01-26 Thu Nghỉ bù Tết Nguyên Đán *
2023-01-27 Fri Nghỉ bù Tết Nguyên Đán *
2023-04-29 Sat Giỗ Tổ Hùng Vương
2023-04-30 Sun Ngày Chiến thắng
2023-05-01 Mon Ngày Quốc tế Lao động
2023-05-02 Tue Nghỉ bù Giỗ Tổ Hùng Vương *
2023-05-03 Wed Nghỉ bù Ngày Chiến thắng *
2023-09-01 Fri Quốc khánh
2023-09-02 Sat Quốc khánh
2023-09-04 Mon Nghỉ bù Quốc khánh *
`},
		// Giỗ Tổ falls on 30/4 (also in 1803): the second holiday of the day
		// gives a substitute, as a weekend would.
		{1947, `1947-01-01 Wed Tết Dương lịch
1947-01-21 Tue Tết Nguyên Đán
1947-01-22 Wed Tết Nguyên Đán
1947-01-23 Thu Tết Nguyên Đán
1947-01-24 Fri Tết Nguyên Đán
1947-01-25 Sat Tết Nguyên Đán
1947-01-27 Mon Nghỉ bù Tết Nguyên Đán *
1947-04-30 Wed Giỗ Tổ Hùng Vương
1947-04-30 Wed Ngày Chiến thắng
1947-05-01 Thu Ngày Quốc tế Lao động
1947-05-02 Fri Nghỉ bù Ngày Chiến thắng *
1947-09-01 Mon Quốc khánh
1947-09-02 Tue Quốc khánh
`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if got := holidayLines(Holidays(tt.year)); got != tt.want {
				t.Errorf("Holidays(%d):\n%s\nwant:\n%s", tt.year, got, tt.want)
			}
		})
	}
}

// TestNationalDayPartner checks the default against the days announced for
// 2021–2025, and covers every weekday.
func TestNationalDayPartner(t *testing.T) {
	tests := []struct {
		year    int
		weekday time.Weekday
		want    string // the days off around 2/9, substitutes included
	}{
		{2021, time.Thursday, "2021-09-02 2021-09-03"},
		{2022, time.Friday, "2022-09-01 2022-09-02"},
		{2023, time.Saturday, "2023-09-01 2023-09-02 2023-09-04"},
		{2024, time.Monday, "2024-09-02 2024-09-03"},
		{2025, time.Tuesday, "2025-09-01 2025-09-02"},
		{2026, time.Wednesday, "2026-09-01 2026-09-02"},
		{2019, time.Monday, "2019-09-02 2019-09-03"},
		{2029, time.Sunday, "2029-09-02 2029-09-03 2029-09-04"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if wd := (Date{tt.year, time.September, 2}).Weekday(); wd != tt.weekday {
				t.Fatalf("2/9/%d is a %v, want %v", tt.year, wd, tt.weekday)
			}
			var got []string
			for _, h := range Holidays(tt.year) {
				if h.Date.Month == time.September {
					got = append(got, h.Date.String())
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("September days off = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHolidaysRules checks the rules on every year of 1900–2199.
func TestHolidaysRules(t *testing.T) {
	for year := 1900; year <= 2199; year++ {
		hs := Holidays(year)
		primary := map[Date]int{}
		weekendOrClash := 0
		for _, h := range hs {
			if !h.Substitute {
				if isWeekend(h.Date) || primary[h.Date] > 0 {
					weekendOrClash++
				}
				primary[h.Date]++
			}
		}
		subs := map[Date]bool{}
		tet := 0
		for i, h := range hs {
			if h.Date.Year != year {
				t.Fatalf("%d: %v %s is in another year", year, h.Date, h.Name)
			}
			if i > 0 && h.Date.Before(hs[i-1].Date) {
				t.Fatalf("%d: %v after %v: not sorted", year, h.Date, hs[i-1].Date)
			}
			if h.Name == nameTet {
				l := ToLunar(h.Date.Year, h.Date.Month, h.Date.Day)
				if tet == 0 && !(l.Month == 12 && l.Day >= 29 && ToLunar(h.Date.AddDays(1).Year, h.Date.AddDays(1).Month, h.Date.AddDays(1).Day).Day == 1) ||
					tet > 0 && (l.Month != 1 || l.Day != tet || l.Leap) {
					t.Fatalf("%d: Tết day %d is %v, lunar %+v", year, tet, h.Date, l)
				}
				tet++
			}
			if !h.Substitute {
				continue
			}
			if isWeekend(h.Date) || primary[h.Date] > 0 || subs[h.Date] {
				t.Fatalf("%d: substitute %v %s on a weekend, a holiday or another substitute", year, h.Date, h.Name)
			}
			if !strings.HasPrefix(h.Name, prefixSubstitute) {
				t.Fatalf("%d: substitute named %q", year, h.Name)
			}
			subs[h.Date] = true
		}
		if tet != 5 {
			t.Fatalf("%d: %d days of Tết, want 5", year, tet)
		}
		if len(subs) != weekendOrClash {
			t.Fatalf("%d: %d substitutes for %d holidays on a weekend or another holiday", year, len(subs), weekendOrClash)
		}
	}
}

// TestHolidayNamesNFC checks that names are precomposed (NFC), as typed by
// a Vietnamese keyboard: no combining marks.
func TestHolidayNamesNFC(t *testing.T) {
	names := []string{nameNewYear, nameTet, nameHungKings, nameVictory, nameLabour, nameNational, prefixSubstitute, nameAnnounced}
	for _, name := range names {
		for _, r := range name {
			if unicode.Is(unicode.Mn, r) {
				t.Errorf("%q holds the combining mark %U: not NFC", name, r)
			}
		}
	}
	if nameTet != "T\u1ebft Nguy\u00ean \u0110\u00e1n" {
		t.Errorf("nameTet = %q, want precomposed ế, ê, Đ, á", nameTet)
	}
}
