package notify

import (
	"fmt"
	"strings"
	"time"
)

// Location is the time zone every date shown to a reader is written in.
var location = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is embedded by cmd/nhacviec; tests run with the system
		// database. A fixed zone is exact for Vietnam (no daylight saving).
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Status is the item's state in words for the reader, in Vietnamese:
// "còn 3 ngày làm việc", "đến hạn hôm nay", "quá hạn 2 ngày làm việc".
func (it Item) Status() string {
	if it.Kind == KindDone {
		s := "đã hoàn thành ngày " + FormatDate(it.DoneAt)
		if it.DoneBy != "" {
			s += ", " + it.DoneBy
		}
		return s
	}
	switch {
	case it.WorkingDays > 0:
		return fmt.Sprintf("còn %d ngày làm việc", it.WorkingDays)
	case it.WorkingDays == 0 && it.Kind != KindOverdue && it.Kind != KindEscalation:
		return "đến hạn hôm nay"
	case it.WorkingDays == 0:
		return "quá hạn"
	default:
		return fmt.Sprintf("quá hạn %d ngày làm việc", -it.WorkingDays)
	}
}

// DueText is the due date as a Vietnamese reader writes it: "31/12/2024".
func (it Item) DueText() string {
	return FormatDate(it.Due)
}

// FormatDate writes t as dd/mm/yyyy in Vietnam's time zone.
func FormatDate(t time.Time) string {
	return t.In(location).Format("02/01/2006")
}

// KindLabel is the Vietnamese label of a kind, for headings and subjects.
func KindLabel(k Kind) string {
	switch k {
	case KindReminder:
		return "Sắp đến hạn"
	case KindDue:
		return "Đến hạn hôm nay"
	case KindOverdue:
		return "Quá hạn"
	case KindEscalation:
		return "Báo cáo quá hạn"
	case KindDigest:
		return "Tổng hợp nhắc việc"
	case KindDone:
		return "Đã hoàn thành"
	default:
		return "Thông báo"
	}
}

// Label is how the item is named to the reader: the task id, with the
// period for an occurrence of a recurring task or a periodic report
// ("I.4.1@2024-09"), not for the single occurrence of a plan year
// ("III.2.1").
func (it Item) Label() string {
	id, period, ok := strings.Cut(it.Occurrence, "@")
	if !ok || id != it.TaskID || len(period) == 4 {
		return it.TaskID
	}
	return it.Occurrence
}
