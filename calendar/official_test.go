package calendar

import (
	"testing"
	"time"
)

// The official calendars of domain.md, as an admin would write them.
var officialDays = map[int]struct{ off, worked, through string }{
	2024: {"2024-01-01, 2024-02-08..2024-02-14, 2024-04-18, 2024-04-27..2024-05-01, 2024-08-31..2024-09-03", "2024-05-04", ""},
	2025: {"2025-01-01, 2025-01-25..2025-02-02, 2025-04-07, 2025-04-30..2025-05-04, 2025-08-30..2025-09-02", "2025-04-26", ""},
	// Quốc khánh 2026 was not announced with the rest: the list covers the
	// year through August.
	2026: {"2026-01-01..2026-01-04, 2026-02-14..2026-02-22, 2026-04-27, 2026-04-30..2026-05-01", "2026-01-10", "2026-08-31"},
}

func officialConfig(t testing.TB) Config {
	t.Helper()
	cfg := Config{WorkStart: NewClock(7, 30), WorkEnd: NewClock(17, 0), Years: map[int]Year{}}
	for y, s := range officialDays {
		off, err := ParseDays(s.off)
		if err != nil {
			t.Fatal(err)
		}
		worked, err := ParseDays(s.worked)
		if err != nil {
			t.Fatal(err)
		}
		yr := Year{DaysOff: off, WorkedSaturdays: worked}
		if s.through != "" {
			yr.Through = mustDate(t, s.through)
		}
		cfg.Years[y] = yr
	}
	return cfg
}

func TestOfficialDaysOff(t *testing.T) {
	c := newCalendar(t, officialConfig(t))
	for y, s := range officialDays {
		off, _ := ParseDays(s.off)
		for _, d := range off {
			tm := c.At(d, NewClock(9, 0))
			if c.IsWorkingDay(tm) {
				t.Errorf("%d: day off %v is a working day", y, d)
			}
			if name, ok := c.Holiday(tm); !ok || name == "" {
				t.Errorf("%d: day off %v has no name", y, d)
			}
		}
	}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"worked Saturday 2024", at(2024, 5, 4, 9, 0), true},
		{"worked Saturday 2025", at(2025, 4, 26, 9, 0), true},
		{"worked Saturday 2026", at(2026, 1, 10, 9, 0), true},
		{"Thursday after 27/4–1/5/2024", at(2024, 5, 2, 9, 0), true},
		// The computed calendar of 2024 would give 15/2 (substitute for
		// Sunday 11/2) and not 8/2: the official list replaces it.
		{"computed substitute not announced", at(2024, 2, 15, 9, 0), true},
		{"Monday after 30/4–4/5/2025", at(2025, 5, 5, 9, 0), true},
		{"Friday 2/1/2026, swapped", at(2026, 1, 2, 9, 0), false},
		{"a plain Saturday of 2026", at(2026, 1, 17, 9, 0), false},
		// After Through, the computed Quốc khánh applies.
		{"2/9/2026", at(2026, 9, 2, 9, 0), false},
		{"1/9/2026", at(2026, 9, 1, 9, 0), false},
		{"3/9/2026", at(2026, 9, 3, 9, 0), true},
		// Unconfigured years are computed.
		{"Tết 2027", at(2027, 2, 8, 9, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingDay(tt.t); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

// TestOfficialReplacesWholeYear checks that without Through the official
// list is the whole truth: 2/9/2026, not listed, is worked.
func TestOfficialReplacesWholeYear(t *testing.T) {
	cfg := officialConfig(t)
	yr := cfg.Years[2026]
	yr.Through = Date{}
	cfg.Years[2026] = yr
	c := newCalendar(t, cfg)
	if !c.IsWorkingDay(at(2026, 9, 2, 9, 0)) {
		t.Error("2/9/2026 is a day off though the official list of 2026 does not hold it")
	}
	if _, ok := c.Holiday(at(2026, 9, 2, 9, 0)); ok {
		t.Error("2/9/2026 is named a holiday")
	}
}

func TestOfficialNames(t *testing.T) {
	c := newCalendar(t, officialConfig(t))
	tests := []struct {
		t    time.Time
		want string
	}{
		{at(2024, 2, 8, 9, 0), "Tết Nguyên Đán"},          // 29 Tết, nearest Tết day
		{at(2024, 2, 10, 9, 0), "Tết Nguyên Đán"},         // 1 Giêng
		{at(2024, 2, 14, 9, 0), "Nghỉ bù Tết Nguyên Đán"}, // the computed substitute
		{at(2024, 4, 29, 9, 0), "Ngày Chiến thắng"},       // swapped for 4/5
		{at(2024, 4, 27, 9, 0), "Ngày Chiến thắng"},
		{at(2024, 5, 1, 9, 0), "Ngày Quốc tế Lao động"},
		{at(2024, 8, 31, 9, 0), "Quốc khánh"},
		{at(2025, 4, 7, 9, 0), "Giỗ Tổ Hùng Vương"},
		{at(2025, 5, 2, 9, 0), "Ngày Quốc tế Lao động"}, // swapped for 26/4: nearest is 1/5
		{at(2026, 1, 2, 9, 0), "Tết Dương lịch"},
		{at(2026, 4, 27, 9, 0), "Nghỉ bù Giỗ Tổ Hùng Vương"}, // Giỗ Tổ is Sunday 26/4
		{at(2026, 9, 2, 9, 0), "Quốc khánh"},                 // computed, after Through
	}
	for _, tt := range tests {
		t.Run(tt.t.String(), func(t *testing.T) {
			if got, ok := c.Holiday(tt.t); !ok || got != tt.want {
				t.Errorf("Holiday(%v) = %q, %v; want %q", tt.t, got, ok, tt.want)
			}
		})
	}
}

func TestOfficialDeadlines(t *testing.T) {
	c := newCalendar(t, officialConfig(t))
	tests := []struct {
		name    string
		t, want time.Time
	}{
		{"Saturday 20/9/2025", day(2025, 9, 20), day(2025, 9, 22)},
		{"30/4/2025", day(2025, 4, 30), day(2025, 5, 5)},
		{"Tết 2024", day(2024, 2, 10), day(2024, 2, 15)},
		{"worked Saturday", day(2024, 5, 4), day(2024, 5, 4)},
		{"1/1/2026 (four days)", day(2026, 1, 1), day(2026, 1, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Deadline(tt.t); !got.Equal(tt.want) {
				t.Errorf("Deadline(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestOfficialWorkingDayArithmetic(t *testing.T) {
	c := newCalendar(t, officialConfig(t))
	t.Run("AddWorkingDays across Tết 2024", func(t *testing.T) {
		tests := []struct {
			t    time.Time
			n    int
			want time.Time
		}{
			{day(2024, 2, 7), 1, day(2024, 2, 15)},
			{day(2024, 2, 7), 3, day(2024, 2, 19)},
			{day(2024, 2, 15), -1, day(2024, 2, 7)},
			{day(2024, 2, 2), 5, day(2024, 2, 16)},
			// 27/4–1/5 off, Saturday 4/5 worked.
			{day(2024, 4, 26), 2, day(2024, 5, 3)},
			{day(2024, 4, 26), 3, day(2024, 5, 4)},
			{day(2024, 5, 6), -2, day(2024, 5, 3)},
		}
		for _, tt := range tests {
			if got := c.AddWorkingDays(tt.t, tt.n); !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.t, tt.n, got, tt.want)
			}
		}
	})
	t.Run("WorkingDaysBetween", func(t *testing.T) {
		tests := []struct {
			a, b time.Time
			want int
		}{
			{day(2024, 2, 7), day(2024, 2, 15), 1},
			{day(2024, 2, 15), day(2024, 2, 7), -1},
			{day(2024, 5, 3), day(2024, 5, 6), 2}, // Saturday 4/5 worked
			{day(2025, 12, 31), day(2026, 1, 5), 1},
			{day(2024, 12, 31), day(2025, 1, 2), 1},
		}
		for _, tt := range tests {
			if got := c.WorkingDaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		}
	})
	t.Run("NextWorkingMoment", func(t *testing.T) {
		tests := []struct {
			t, want time.Time
		}{
			{at(2025, 9, 19, 18, 0), at(2025, 9, 22, 7, 30)}, // Friday evening → Monday
			{at(2025, 4, 29, 17, 0), at(2025, 5, 5, 7, 30)},  // before 30/4–4/5
			{at(2024, 5, 3, 17, 30), at(2024, 5, 4, 7, 30)},  // → the worked Saturday
			{at(2024, 5, 4, 10, 0), at(2024, 5, 4, 10, 0)},   // on it
			{at(2025, 12, 31, 17, 0), at(2026, 1, 5, 7, 30)}, // New Year 2026
			{at(2026, 1, 9, 17, 30), at(2026, 1, 10, 7, 30)}, // Saturday 10/1/2026 worked
		}
		for _, tt := range tests {
			if got := c.NextWorkingMoment(tt.t); !got.Equal(tt.want) {
				t.Errorf("NextWorkingMoment(%v) = %v, want %v", tt.t, got, tt.want)
			}
		}
	})
}
