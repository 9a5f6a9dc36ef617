package action

import (
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

// MaxSnoozeDays bounds a snooze given as a number of working days.
const MaxSnoozeDays = 60

// SnoozeFor is when a snooze of n working days from now ends, as every
// door ("Nhắc lại sau 3 ngày làm việc", /hoan ID 3) means it: the start of
// working hours of the n-th working day after now's day, so that a snooze
// asked on a Friday for 1 day ends on Monday morning, and one asked before
// a holiday skips it.
func SnoozeFor(cal *calendar.Calendar, now time.Time, n int) time.Time {
	return cal.NextWorkingMoment(cal.AddWorkingDays(now, n))
}

// SnoozeUntilDay is when a snooze until day d ends: the start of working
// hours of d, or of the first working day after it when d is a day off.
func SnoozeUntilDay(cal *calendar.Calendar, d calendar.Date) time.Time {
	return cal.NextWorkingMoment(d.In(cal.Location()))
}
