package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Count is how many assignments of one plan's section and one unit are in
// each bucket: what a store keeps so that an overview need not read every
// assignment.
type Count struct {
	Plan, Section, Unit string
	Counts              map[Bucket]int
}

// Summarize is Build's summaries (by section, by unit, totals) made from
// counts instead of assignments, without rows, the sections named from
// titles. Counts are keyed by the task id's section, which is the task's
// section for every task a plan document yields.
func Summarize(at time.Time, loc *time.Location, titles SectionTitles, counts []Count, dir *org.Directory) Report {
	if loc == nil {
		loc = at.Location()
	}
	n := newNamer(dir)
	r := Report{At: at, Location: loc, People: n.people, Totals: newSummary("", totalsName)}
	type group struct{ plan, section string }
	var sections []group
	bySection := map[group]*Summary{}
	byUnit := map[string]*Summary{}
	plans := map[string]bool{}
	for _, c := range counts {
		total := 0
		for _, b := range Buckets() {
			total += c.Counts[b]
		}
		if total == 0 {
			continue
		}
		plans[c.Plan] = true
		g := group{c.Plan, c.Section}
		s := bySection[g]
		if s == nil {
			s = &Summary{Key: c.Section, Counts: map[Bucket]int{}}
			bySection[g] = s
			sections = append(sections, g)
		}
		u := byUnit[c.Unit]
		if u == nil {
			nu := newSummary(c.Unit, n.unit(c.Unit))
			u = &nu
			byUnit[c.Unit] = u
		}
		for _, b := range Buckets() {
			for _, sum := range []*Summary{s, u, &r.Totals} {
				sum.Counts[b] += c.Counts[b]
				sum.Total += c.Counts[b]
			}
		}
	}
	slices.SortFunc(sections, func(a, b group) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), compareSection(a.section, b.section))
	})
	for _, g := range sections {
		s := bySection[g]
		s.Name = titles[[2]string{g.plan, g.section}]
		if len(plans) > 1 {
			s.Key = g.plan + " " + g.section
		}
		r.BySection = append(r.BySection, *s)
	}
	for _, u := range byUnit {
		r.ByUnit = append(r.ByUnit, *u)
	}
	slices.SortFunc(r.ByUnit, func(a, b Summary) int { return n.compareUnits(a.Key, b.Key) })
	return r
}

// SectionTitles are the names of the plans' sections: plan code and
// section numeral → title.
type SectionTitles map[[2]string]string

// TitlesOf names each section after the first heading of its first task
// (in task id order) that has one. Build takes the name from the first
// row of the section that has one: the same title, since a plan gives
// every task of a section that section's title as its first heading. Ids
// are compared only in a section whose tasks disagree on the title.
func TitlesOf(tasks []scheduler.Task) SectionTitles {
	out := SectionTitles{}
	var mixed map[[2]string]string // key → the first id of the title kept
	for _, pass := range []int{1, 2} {
		for _, t := range tasks {
			if len(t.Headings) == 0 || t.Headings[0] == "" {
				continue
			}
			section := t.Section
			if section == "" {
				section = sectionOf(t.ID)
			}
			k := [2]string{t.Plan.Code, section}
			if pass == 1 {
				title, ok := out[k]
				switch {
				case !ok:
					out[k] = t.Headings[0]
				case title != t.Headings[0]:
					if mixed == nil {
						mixed = map[[2]string]string{}
					}
					mixed[k] = ""
				}
				continue
			}
			if id, ok := mixed[k]; ok && (id == "" || compareTaskID(t.ID, id) < 0) {
				mixed[k], out[k] = t.ID, t.Headings[0]
			}
		}
		if mixed == nil {
			break
		}
	}
	return out
}
