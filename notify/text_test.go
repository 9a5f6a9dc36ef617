package notify

import (
	"testing"
	"time"
)

func TestItemLabelAndStatus(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		it           Item
		label, state string
	}{
		{Item{TaskID: "III.2.1", Occurrence: "III.2.1@2024", Kind: KindReminder, WorkingDays: 3}, "III.2.1", "còn 3 ngày làm việc"},
		{Item{TaskID: "I.4.1", Occurrence: "I.4.1@2024-09", Kind: KindOverdue, WorkingDays: -2}, "I.4.1@2024-09", "quá hạn 2 ngày làm việc"},
		{Item{TaskID: "I.2", Occurrence: "I.2@2024-H1", Kind: KindDue}, "I.2@2024-H1", "đến hạn hôm nay"},
		{Item{TaskID: "I.5", Kind: KindDone, DoneAt: time.Date(2024, 12, 19, 10, 0, 0, 0, loc), DoneBy: "Trưởng phòng QLCN"}, "I.5", "đã hoàn thành ngày 19/12/2024, Trưởng phòng QLCN"},
	}
	for _, tt := range tests {
		if got := tt.it.Label(); got != tt.label {
			t.Errorf("Label() = %q, want %q", got, tt.label)
		}
		if got := tt.it.Status(); got != tt.state {
			t.Errorf("Status() = %q, want %q", got, tt.state)
		}
	}
}
