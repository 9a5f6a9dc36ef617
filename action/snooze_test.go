package action

import (
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

func TestSnoozeCountsWorkingDays(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	cal, err := calendar.New(calendar.Config{Location: ict, Years: map[int]calendar.Year{
		2024: {DaysOff: []calendar.Date{{Year: 2024, Month: time.August, Day: 31}, {Year: 2024, Month: time.September, Day: 1},
			{Year: 2024, Month: time.September, Day: 2}, {Year: 2024, Month: time.September, Day: 3}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2024, m, d, h, min, 0, 0, ict) }
	for _, tc := range []struct {
		name string
		now  time.Time
		n    int
		want time.Time
	}{
		{"Tuesday, 1 day: Wednesday morning", at(11, 19, 15, 0), 1, at(11, 20, 7, 30)},
		{"Friday, 1 day: Monday morning", at(11, 22, 9, 0), 1, at(11, 25, 7, 30)},
		{"Tuesday, 3 days: Friday", at(11, 19, 8, 0), 3, at(11, 22, 7, 30)},
		{"Friday before Quốc khánh, 1 day: after the 4 days off", at(8, 30, 10, 0), 1, at(9, 4, 7, 30)},
		{"on a Sunday, 1 day: Monday", at(11, 24, 20, 0), 1, at(11, 25, 7, 30)},
	} {
		if got := SnoozeFor(cal, tc.now, tc.n); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := SnoozeUntilDay(cal, calendar.Date{Year: 2024, Month: time.September, Day: 2}); !got.Equal(at(9, 4, 7, 30)) {
		t.Errorf("until a holiday: %v, want the next working morning", got)
	}
}
