package calendar

import (
	"sync"
	"testing"
	"time"
)

// ict is the calendar's default location, UTC+7.
var ict = time.FixedZone("ICT", 7*60*60)

// at returns y-m-d hh:mm in ICT.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, ict)
}

// day returns the midnight of y-m-d in ICT.
func day(y int, m time.Month, d int) time.Time { return at(y, m, d, 0, 0) }

func newCalendar(t testing.TB, cfg Config) *Calendar {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIsWorkingDayComputed(t *testing.T) {
	c := newCalendar(t, Config{})
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(2027, 1, 4, 10, 0), true},   // Monday
		{at(2027, 1, 9, 10, 0), false},  // Saturday
		{at(2027, 1, 10, 10, 0), false}, // Sunday
		{at(2027, 1, 1, 10, 0), false},  // Tết Dương lịch
		{at(2027, 2, 5, 10, 0), false},  // last day of the lunar year
		{at(2027, 2, 11, 10, 0), false}, // substitute for Sunday 7/2
		{at(2027, 2, 12, 10, 0), true},  // first working day after Tết
		{at(2027, 4, 16, 10, 0), false}, // Giỗ Tổ
		{at(2027, 5, 3, 10, 0), false},  // substitute for Saturday 1/5
		{at(2027, 5, 4, 10, 0), true},
		{at(2027, 9, 3, 10, 0), false}, // Quốc khánh's second day
		// The day is read in the calendar's location: 17:30 UTC on Thursday
		// 4/2 is 00:30 on Friday 5/2, a holiday, in Vietnam.
		{time.Date(2027, 2, 4, 16, 59, 0, 0, time.UTC), true},
		{time.Date(2027, 2, 4, 17, 30, 0, 0, time.UTC), false},
		// Years outside the cached range work too.
		{at(2300, 1, 1, 10, 0), false},
		{at(2300, 1, 2, 10, 0), true},
		{at(1850, 1, 1, 10, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.t.String(), func(t *testing.T) {
			if got := c.IsWorkingDay(tt.t); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestHolidayName(t *testing.T) {
	c := newCalendar(t, Config{})
	tests := []struct {
		t      time.Time
		want   string
		wantOK bool
	}{
		{at(2027, 2, 8, 9, 0), "Tết Nguyên Đán", true},
		{at(2027, 2, 10, 9, 0), "Nghỉ bù Tết Nguyên Đán", true},
		{at(2027, 5, 1, 9, 0), "Ngày Quốc tế Lao động", true},
		{at(2027, 4, 16, 23, 59), "Giỗ Tổ Hùng Vương", true},
		{at(1947, 4, 30, 9, 0), "Giỗ Tổ Hùng Vương, Ngày Chiến thắng", true},
		{at(2027, 5, 8, 9, 0), "", false}, // a plain Saturday
		{at(2027, 5, 4, 9, 0), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.t.String(), func(t *testing.T) {
			got, ok := c.Holiday(tt.t)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Holiday(%v) = %q, %v; want %q, %v", tt.t, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestNextWorkingDayAndDeadline(t *testing.T) {
	c := newCalendar(t, Config{})
	tests := []struct {
		t, want time.Time
	}{
		{at(2027, 1, 4, 15, 0), day(2027, 1, 4)},    // a working Monday: itself
		{at(2027, 1, 9, 15, 0), day(2027, 1, 11)},   // Saturday → Monday
		{at(2027, 2, 5, 8, 0), day(2027, 2, 12)},    // Tết and its substitutes
		{at(2027, 12, 31, 8, 0), day(2027, 12, 31)}, // Friday
		{at(2028, 1, 1, 8, 0), day(2028, 1, 4)},     // Saturday 1/1, substitute Monday 3/1
	}
	for _, tt := range tests {
		t.Run(tt.t.String(), func(t *testing.T) {
			if got := c.NextWorkingDay(tt.t); !got.Equal(tt.want) {
				t.Errorf("NextWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
			if got := c.Deadline(tt.t); !got.Equal(tt.want) {
				t.Errorf("Deadline(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := newCalendar(t, Config{})
	tests := []struct {
		name string
		t    time.Time
		n    int
		want time.Time
	}{
		{"zero keeps the day", at(2027, 1, 9, 15, 0), 0, day(2027, 1, 9)},
		{"one after Friday", at(2027, 1, 8, 15, 0), 1, day(2027, 1, 11)},
		{"one after Saturday", at(2027, 1, 9, 15, 0), 1, day(2027, 1, 11)},
		{"one before Saturday", at(2027, 1, 9, 15, 0), -1, day(2027, 1, 8)},
		{"one before Monday", day(2027, 1, 11), -1, day(2027, 1, 8)},
		{"across Tết", day(2027, 2, 4), 1, day(2027, 2, 12)},
		{"back across Tết", day(2027, 2, 12), -1, day(2027, 2, 4)},
		{"five working days (III.2.1)", day(2027, 4, 26), 5, day(2027, 5, 5)},
		{"across New Year", day(2027, 12, 31), 1, day(2028, 1, 4)},
		{"back across New Year", day(2028, 1, 4), -1, day(2027, 12, 31)},
		{"three before a deadline", day(2027, 9, 6), -3, day(2027, 8, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddWorkingDays(tt.t, tt.n); !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.t, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := newCalendar(t, Config{})
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		{"same day", at(2027, 1, 4, 8, 0), at(2027, 1, 4, 18, 0), 0},
		{"Friday to Monday", day(2027, 1, 8), day(2027, 1, 11), 1},
		{"Monday to Friday", day(2027, 1, 11), day(2027, 1, 8), -1},
		{"Saturday to Sunday", day(2027, 1, 9), day(2027, 1, 10), 0},
		{"across Tết", day(2027, 2, 4), day(2027, 2, 12), 1},
		{"across New Year", day(2027, 12, 30), day(2028, 1, 4), 2},
		{"a whole year", day(2026, 12, 31), day(2027, 12, 31), c.year(2027).total},
		{"across years", day(2026, 12, 31), day(2029, 1, 1), c.year(2027).total + c.year(2028).total},
		{"back across years", day(2029, 1, 1), day(2026, 12, 31), -c.year(2027).total - c.year(2028).total},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingDaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
	// 2027: 261 weekdays, minus 8 holidays and 3 substitutes on weekdays.
	if got := c.year(2027).total; got != 261-11 {
		t.Errorf("2027 has %d working days, want %d", got, 261-11)
	}
}

// TestAddAndBetweenAgree checks, from every day of 2027–2028, that counting
// the working days up to AddWorkingDays(a, n) gives n back (for n < 0 only
// from a working day: see WorkingDaysBetween) and that the count is
// antisymmetric.
func TestAddAndBetweenAgree(t *testing.T) {
	c := newCalendar(t, Config{})
	for a := day(2027, 1, 1); a.Year() < 2029; a = a.AddDate(0, 0, 1) {
		for _, n := range []int{-30, -5, -1, 0, 1, 5, 30} {
			b := c.AddWorkingDays(a, n)
			if n != 0 && !c.IsWorkingDay(b) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day", a, n, b)
			}
			got := c.WorkingDaysBetween(a, b)
			if (n >= 0 || c.IsWorkingDay(a)) && got != n {
				t.Fatalf("WorkingDaysBetween(%v, AddWorkingDays(.., %d) = %v) = %d", a, n, b, got)
			}
			if back := c.WorkingDaysBetween(b, a); back != -got {
				t.Fatalf("WorkingDaysBetween(%v, %v) = %d, but %d the other way", a, b, got, back)
			}
		}
	}
}

func TestNextWorkingMoment(t *testing.T) {
	c := newCalendar(t, Config{WorkStart: NewClock(7, 30), WorkEnd: NewClock(17, 0)})
	tests := []struct {
		name    string
		t, want time.Time
	}{
		{"before hours", at(2027, 1, 4, 6, 0), at(2027, 1, 4, 7, 30)},
		{"a second before hours", at(2027, 1, 4, 7, 29).Add(59 * time.Second), at(2027, 1, 4, 7, 30)},
		{"at the start", at(2027, 1, 4, 7, 30), at(2027, 1, 4, 7, 30)},
		{"within hours", at(2027, 1, 4, 16, 59).Add(59 * time.Second), at(2027, 1, 4, 16, 59).Add(59 * time.Second)},
		{"at the end", at(2027, 1, 4, 17, 0), at(2027, 1, 5, 7, 30)},
		{"Friday evening", at(2027, 1, 8, 18, 0), at(2027, 1, 11, 7, 30)},
		{"Sunday noon", at(2027, 1, 10, 12, 0), at(2027, 1, 11, 7, 30)},
		{"holiday morning", at(2027, 2, 5, 6, 0), at(2027, 2, 12, 7, 30)},
		{"New Year's Eve night", at(2027, 12, 31, 23, 0), at(2028, 1, 4, 7, 30)},
		{"other location", time.Date(2027, 1, 4, 3, 0, 0, 0, time.UTC), at(2027, 1, 4, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.NextWorkingMoment(tt.t); !got.Equal(tt.want) {
				t.Errorf("NextWorkingMoment(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestDayHelpers(t *testing.T) {
	c := newCalendar(t, Config{})
	tm := time.Date(2027, 2, 4, 17, 30, 0, 0, time.UTC) // 2027-02-05 00:30 ICT
	if got := c.Date(tm); got != (Date{2027, time.February, 5}) {
		t.Errorf("Date(%v) = %v, want 2027-02-05", tm, got)
	}
	if got := c.DayStart(tm); !got.Equal(day(2027, 2, 5)) {
		t.Errorf("DayStart(%v) = %v, want 2027-02-05 00:00 ICT", tm, got)
	}
	if got := c.At(Date{2027, time.February, 12}, NewClock(17, 0)); !got.Equal(at(2027, 2, 12, 17, 0)) {
		t.Errorf("At(2027-02-12, 17:00) = %v", got)
	}
	if got := c.At(Date{2027, time.February, 12}, NewClock(24, 0)); !got.Equal(day(2027, 2, 13)) {
		t.Errorf("At(2027-02-12, 24:00) = %v, want the next midnight", got)
	}
}

// TestConcurrentFirstUse has goroutines race on the first use of each year;
// run with -race to check the cache.
func TestConcurrentFirstUse(t *testing.T) {
	c := newCalendar(t, Config{})
	var wg sync.WaitGroup
	results := make([][]bool, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2030; y < 2040; y++ {
				results[g] = append(results[g], c.IsWorkingDay(day(y, 1, 1)), c.IsWorkingDay(day(y+300, 1, 2)))
			}
		}()
	}
	wg.Wait()
	for g := range results {
		for i, r := range results[g] {
			if r != results[0][i] {
				t.Fatalf("goroutine %d, answer %d: %v, goroutine 0: %v", g, i, r, results[0][i])
			}
		}
	}
	if results[0][0] {
		t.Error("2030-01-01 is a working day")
	}
}
