package report

import (
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestDraftDue: a period's draft is due at the first working moment after
// its cut-off day (the 14th), not before, and only for a while.
func TestDraftDue(t *testing.T) {
	cal, err := calendar.New(calendar.Config{Location: ict, WorkStart: calendar.NewClock(7, 30), WorkEnd: calendar.NewClock(17, 0),
		Years: map[int]calendar.Year{2024: {DaysOff: []calendar.Date{{Year: 2024, Month: time.March, Day: 15}}}}}) // a day off for the test
	if err != nil {
		t.Fatal(err)
	}
	q3 := Period{Year: 2024, Report: scheduler.ReportQ3}
	h1 := Period{Year: 2024, Report: scheduler.ReportH1}
	mon := time.Date(2024, time.September, 16, 7, 30, 0, 0, ict) // 14/09 is a Saturday
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, ict) }
	for _, tc := range []struct {
		now  time.Time
		due  Period // zero: none
		next time.Time
	}{
		{at(2024, time.September, 14, 16, 0), Period{}, mon}, // the cut-off day itself
		{mon.Add(-time.Second), Period{}, mon},
		{mon, q3, at(2024, time.December, 16, 7, 30)},
		{at(2024, time.September, 30, 7, 30), q3, at(2024, time.December, 16, 7, 30)},
		{at(2024, time.October, 1, 7, 30), Period{}, at(2024, time.December, 16, 7, 30)}, // more than 14 days late
		{at(2024, time.June, 14, 16, 0), Period{}, at(2024, time.June, 17, 7, 30)},       // the data of the 14th still come in
		{at(2024, time.June, 17, 7, 30), h1, mon},                                        // 14/06 a Friday: Monday 17/06
		{at(2024, time.March, 15, 9, 0), Period{}, at(2024, time.March, 18, 7, 30)},      // 15/03 a day off
	} {
		due, ok, next := DraftDue(tc.now, cal)
		if ok != (tc.due != Period{}) || ok && due != tc.due || !next.Equal(tc.next) {
			t.Errorf("DraftDue(%v) = %v %v next %v, want %v next %v", tc.now, due, ok, next, tc.due, tc.next)
		}
	}
}
