package notify

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// countPartsByStrings is CountParts as it was written before it counted
// with struct keys: items grouped, then distinct concatenated keys.
func countPartsByStrings(items []Item, short bool) []string {
	groups := map[string][]Item{}
	copies := 0
	for _, it := range items {
		k := ""
		switch {
		case it.Kind == KindEscalation:
			k = "escalation"
		case it.Copy:
			copies++
			continue
		default:
			k = string(sectionOf(it))
		}
		groups[k] = append(groups[k], it)
	}
	var parts []string
	add := func(key, long, brief, unit string) {
		its := groups[key]
		if len(its) == 0 {
			return
		}
		tasks := len(distinct(its, taskOf))
		n := len(distinct(its, func(it Item) string { return it.Assignment + "|" + it.TaskID + "|" + it.Occurrence + "|" + it.Unit }))
		label := long
		if short {
			label = brief
		}
		s := fmt.Sprintf("%d %s", tasks, label)
		if n != tasks {
			s += fmt.Sprintf(" (%d %s)", n, unit)
		}
		parts = append(parts, s)
	}
	add("escalation", "nhiệm vụ cần chỉ đạo", "cần chỉ đạo", "lượt đơn vị")
	add(string(SectionOverdue), "nhiệm vụ quá hạn", "quá hạn", "kỳ")
	add(string(SectionUpcoming), "nhiệm vụ sắp đến hạn", "sắp đến hạn", "kỳ")
	add(string(SectionCheckin), "nhiệm vụ cần báo cáo tiến độ", "cần báo cáo tiến độ", "kỳ")
	add(string(SectionDone), "nhiệm vụ đã hoàn thành", "đã hoàn thành", "lượt đơn vị")
	if len(parts) == 0 && copies > 0 {
		tasks := len(distinct(items, taskOf))
		if short {
			parts = append(parts, fmt.Sprintf("%d nhiệm vụ phối hợp để biết", tasks))
		} else {
			parts = append(parts, fmt.Sprintf("%d nhiệm vụ phối hợp, gửi để biết", tasks))
		}
	}
	return parts
}

// TestCountPartsCountsAsBefore: CountParts gives the counts of the
// string-keyed version on random digests (kinds, copies, repeated
// assignments, several plans, items due or overdue by working days).
func TestCountPartsCountsAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 1))
	kinds := []Kind{KindReminder, KindDue, KindOverdue, KindEscalation, KindDone, KindCheckin}
	due := time.Date(2025, 3, 3, 17, 0, 0, 0, time.UTC)
	nonEmpty := 0
	for range 500 {
		var items []Item
		for range r.IntN(40) {
			plan := []string{"60/KH-SCT", "12/KH-SCT"}[r.IntN(2)]
			task := fmt.Sprintf("I.%d", r.IntN(6))
			occ := task + []string{"@2025", "@2025-01", "@2025-02"}[r.IntN(3)]
			unit := []string{"vp", "qlcn", "qltm"}[r.IntN(3)]
			it := Item{Kind: kinds[r.IntN(len(kinds))], Assignment: plan + "|" + occ + "|" + unit, TaskID: task,
				Occurrence: occ, Unit: strings.ToUpper(unit), Copy: r.IntN(4) == 0, WorkingDays: r.IntN(7) - 3}
			if r.IntN(3) > 0 {
				it.Due = due
			}
			items = append(items, it)
		}
		for _, short := range []bool{true, false} {
			got, want := CountParts(items, short), countPartsByStrings(items, short)
			if !slices.Equal(got, want) {
				t.Fatalf("items %+v short %v: %q, want %q", items, short, got, want)
			}
			if len(want) > 0 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < 500 {
		t.Fatalf("only %d non-empty counts: the test compares little", nonEmpty)
	}
}
