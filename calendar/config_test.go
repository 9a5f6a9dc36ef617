package calendar

import (
	"testing"
	"time"
)

func TestNewRejects(t *testing.T) {
	d := func(s string) Date { return mustDate(t, s) }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"start after end", Config{WorkStart: NewClock(17, 0), WorkEnd: NewClock(7, 30)},
			"invalid calendar config: work start 17:00 is not before work end 07:30"},
		{"start equals end", Config{WorkStart: NewClock(8, 0), WorkEnd: NewClock(8, 0)},
			"invalid calendar config: work start 08:00 is not before work end 08:00"},
		{"end unset", Config{WorkStart: NewClock(8, 0)},
			"invalid calendar config: work start 08:00 is not before work end 00:00"},
		{"start out of range", Config{WorkStart: -30, WorkEnd: NewClock(17, 0)},
			"invalid calendar config: work start Clock(-30) is out of range 00:00–24:00"},
		{"end out of range", Config{WorkStart: NewClock(8, 0), WorkEnd: NewClock(25, 0)},
			"invalid calendar config: work end Clock(1500) is out of range 00:00–24:00"},
		{"saturday not a saturday", Config{Years: map[int]Year{2024: {WorkedSaturdays: []Date{d("2024-05-03")}}}},
			"invalid calendar config: year 2024: worked Saturday 2024-05-03 is a Friday"},
		{"saturday twice", Config{Years: map[int]Year{2024: {WorkedSaturdays: []Date{d("2024-05-04"), d("2024-05-04")}}}},
			"invalid calendar config: year 2024: worked Saturday 2024-05-04 is listed twice"},
		{"saturday also off", Config{Years: map[int]Year{2024: {DaysOff: []Date{d("2024-05-04")}, WorkedSaturdays: []Date{d("2024-05-04")}}}},
			"invalid calendar config: year 2024: 2024-05-04 is both a day off and a worked Saturday"},
		{"saturday of another year", Config{Years: map[int]Year{2025: {WorkedSaturdays: []Date{d("2024-05-04")}}}},
			"invalid calendar config: year 2025: worked Saturday 2024-05-04 is not a day of 2025"},
		{"day off twice", Config{Years: map[int]Year{2024: {DaysOff: []Date{d("2024-02-08"), d("2024-02-09"), d("2024-02-08")}}}},
			"invalid calendar config: year 2024: day off 2024-02-08 is listed twice"},
		{"day off of another year", Config{Years: map[int]Year{2024: {DaysOff: []Date{d("2025-01-01")}}}},
			"invalid calendar config: year 2024: day off 2025-01-01 is not a day of 2024"},
		{"day off not a day", Config{Years: map[int]Year{2024: {DaysOff: []Date{{2024, time.February, 30}}}}},
			"invalid calendar config: year 2024: day off 2024-02-30 is not a day of 2024"},
		{"through another year", Config{Years: map[int]Year{2026: {Through: d("2025-12-31")}}},
			"invalid calendar config: year 2026: through 2025-12-31 is not a day of 2026"},
		{"day off after through", Config{Years: map[int]Year{2026: {DaysOff: []Date{d("2026-09-02")}, Through: d("2026-08-31")}}},
			"invalid calendar config: year 2026: day off 2026-09-02 is after through 2026-08-31"},
		{"saturday after through", Config{Years: map[int]Year{2026: {WorkedSaturdays: []Date{d("2026-09-05")}, Through: d("2026-08-31")}}},
			"invalid calendar config: year 2026: worked Saturday 2026-09-05 is after through 2026-08-31"},
		{"every problem, years in order", Config{
			WorkStart: NewClock(9, 0), WorkEnd: NewClock(8, 0),
			Years: map[int]Year{
				2025: {WorkedSaturdays: []Date{d("2025-04-25")}},
				2024: {DaysOff: []Date{d("2024-01-01"), d("2024-01-01")}},
			}},
			"invalid calendar config: work start 09:00 is not before work end 08:00\n" +
				"year 2024: day off 2024-01-01 is listed twice\n" +
				"year 2025: worked Saturday 2025-04-25 is a Friday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New = %v, nil; want error %q", c, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("New error:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if start, end := c.WorkHours(); start != DefaultWorkStart || end != DefaultWorkEnd {
		t.Errorf("WorkHours = %v–%v, want 07:30–17:00", start, end)
	}
	if _, off := time.Date(1976, 1, 1, 0, 0, 0, 0, c.Location()).Zone(); off != 7*60*60 {
		t.Errorf("default location is UTC%+d s, want UTC+7", off)
	}
	noon := time.Date(2027, 3, 1, 5, 0, 0, 0, time.UTC)
	if got := c.DayStart(noon); !got.Equal(time.Date(2027, 2, 28, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("DayStart(2027-03-01 05:00 UTC) = %v, want midnight UTC+7", got)
	}
}

// TestNewCopiesYears checks that a Calendar does not change when the
// caller later changes the Config it was built from.
func TestNewCopiesYears(t *testing.T) {
	d := func(s string) Date { return mustDate(t, s) }
	off := []Date{d("2027-03-01")}
	years := map[int]Year{2027: {DaysOff: off}}
	c, err := New(Config{Years: years})
	if err != nil {
		t.Fatal(err)
	}
	off[0] = d("2027-03-02")
	years[2028] = Year{DaysOff: []Date{d("2028-03-01")}}
	ict := c.Location()
	if c.IsWorkingDay(time.Date(2027, 3, 1, 9, 0, 0, 0, ict)) {
		t.Error("2027-03-01, a configured day off, is a working day")
	}
	if !c.IsWorkingDay(time.Date(2027, 3, 2, 9, 0, 0, 0, ict)) {
		t.Error("2027-03-02 became a day off after New")
	}
	if !c.IsWorkingDay(time.Date(2028, 3, 1, 9, 0, 0, 0, ict)) {
		t.Error("2028-03-01 became a day off after New")
	}
}
