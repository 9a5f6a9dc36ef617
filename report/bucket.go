package report

import (
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// Bucket is one of the four progress buckets provincial task-tracking
// systems report in.
type Bucket string

// The four buckets, in the order reports list them.
const (
	DoneOnTime Bucket = "done-on-time" // Hoàn thành đúng hạn
	DoneLate   Bucket = "done-late"    // Hoàn thành quá hạn
	OpenInTime Bucket = "open-in-time" // Chưa hoàn thành, trong hạn
	Overdue    Bucket = "overdue"      // Quá hạn chưa hoàn thành
)

// Buckets returns the four buckets in report order.
func Buckets() []Bucket { return []Bucket{DoneOnTime, DoneLate, OpenInTime, Overdue} }

// Label returns the bucket's name as readers of the report see it.
func (b Bucket) Label() string {
	switch b {
	case DoneOnTime:
		return "Hoàn thành đúng hạn"
	case DoneLate:
		return "Hoàn thành quá hạn"
	case OpenInTime:
		return "Chưa hoàn thành, trong hạn"
	case Overdue:
		return "Quá hạn chưa hoàn thành"
	}
	return string(b)
}

// Done reports whether b is one of the done buckets.
func (b Bucket) Done() bool { return b == DoneOnTime || b == DoneLate }

// doneAsOf reports whether a counts as done at the moment at: a done mark
// made later did not exist yet. A done mark without a time (old data) is
// taken as made in time, since nothing shows it was late.
func doneAsOf(a scheduler.Assignment, at time.Time) bool {
	return a.State == scheduler.StateDone && !a.DoneAt.After(at)
}

// classify puts a non-archived assignment in its bucket as of at. The
// deadline is the end of the due day in loc, i.e. the next midnight.
func classify(a scheduler.Assignment, at time.Time, loc *time.Location) Bucket {
	deadline := a.DueDay.AddDays(1).In(loc)
	switch {
	case doneAsOf(a, at) && a.DoneAt.Before(deadline):
		return DoneOnTime
	case doneAsOf(a, at):
		return DoneLate
	case at.Before(deadline):
		return OpenInTime
	default:
		return Overdue
	}
}
