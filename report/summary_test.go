package report

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// countsOf groups a report's rows as a store keeps its counts: by plan,
// the task id's section and unit.
func countsOf(rows []Row) []Count {
	index := map[[3]string]int{}
	var out []Count
	for _, r := range rows {
		k := [3]string{r.Plan, sectionOf(r.TaskID), r.Unit}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Count{Plan: k[0], Section: k[1], Unit: k[2], Counts: map[Bucket]int{}})
		}
		out[i].Counts[r.Bucket]++
	}
	// The store's order is not the report's.
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestSummarizeEqualsBuild: the summaries made from counts are Build's —
// order of sections (Roman, then the rest) and units (the directory's,
// unknown ones last), section names, keys of several plans, totals — for
// random assignments of tasks in several plans, with unknown units and
// tasks, tasks without headings and a section whose tasks disagree on
// its title.
func TestSummarizeEqualsBuild(t *testing.T) {
	dir := testDirectory(t)
	r := rand.New(rand.NewPCG(7, 9))
	units := []string{"vp", "qlcn", "qltm", "ktat", "la"}
	for round := range 40 {
		var tasks []scheduler.Task
		var as []scheduler.Assignment
		plans := []string{plan60, "12/KH-SCT", "3/KH-UBND"}[:1+round%3]
		for _, p := range plans {
			for i := range 3 + r.IntN(30) {
				section := []string{"I", "II", "IV", "IX", "X", "Phụ lục"}[r.IntN(6)]
				id := fmt.Sprintf("%s.%d.%d", section, 1+r.IntN(4), 1+i)
				title := "MỤC " + section
				switch r.IntN(10) {
				case 0:
					title = "" // no heading
				case 1:
					title = "MỤC KHÁC " + id // the section's tasks disagree
				}
				var headings []string
				if title != "" || r.IntN(2) == 0 {
					headings = []string{title, "Nhóm " + id}
				}
				known := r.IntN(12) != 0
				if known {
					tasks = append(tasks, scheduler.Task{Plan: scheduler.PlanInfo{Code: p, Year: 2024},
						Task: plan.Task{ID: id, Section: section, Headings: headings, Text: "Việc " + id}})
				}
				for j := range 1 + r.IntN(4) {
					occ := fmt.Sprintf("%s@%d", id, j)
					a := scheduler.Assignment{Key: scheduler.AssignmentKey(p, occ, units[j%len(units)]), Plan: p, TaskID: id, Occurrence: occ,
						Unit: units[r.IntN(len(units))], DueDay: day(2024, time.October, 1+r.IntN(30)), State: scheduler.StateOpen}
					switch r.IntN(4) {
					case 0:
						a.State, a.DoneAt = scheduler.StateDone, asOf.Add(time.Duration(r.IntN(800)-400)*time.Hour)
					case 1:
						if j > 0 { // every task keeps a row: Build names a section after its first row
							a.State = scheduler.StateArchived
						}
					}
					as = append(as, a)
				}
			}
		}
		for _, plan := range append([]string{""}, plans...) {
			var ts []scheduler.Task
			for _, t := range tasks {
				if plan == "" || t.Plan.Code == plan {
					ts = append(ts, t)
				}
			}
			var pas []scheduler.Assignment
			for _, a := range as {
				if plan == "" || a.Plan == plan {
					pas = append(pas, a)
				}
			}
			want := Build(asOf, ict, ts, pas, dir)
			got := Summarize(asOf, ict, TitlesOf(ts), countsOf(want.Rows), dir)
			for _, c := range []struct {
				name      string
				got, want any
			}{{"by section", got.BySection, want.BySection}, {"by unit", got.ByUnit, want.ByUnit}, {"totals", got.Totals, want.Totals}} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Fatalf("round %d, plan %q: %s:\n got %+v\nwant %+v", round, plan, c.name, c.got, c.want)
				}
			}
			if len(got.Rows) != 0 || got.At != asOf || got.Location != ict {
				t.Fatalf("rows %d, at %v, location %v", len(got.Rows), got.At, got.Location)
			}
		}
	}
}
