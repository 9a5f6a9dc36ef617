package plan

import "slices"

// tasks turns the leaf records into tasks: blank lead and coordinating cells
// inherit from the closest row above in the same section that had them filled
// (a vertically merged cell in the original table).
func (t *table) tasks() []Task {
	n := 0
	for _, s := range t.sections {
		for _, r := range s.records {
			if !r.heading {
				n++
			}
		}
	}
	out := make([]Task, 0, n)          // a Task is large: 100,000 of them grown by doubling cost 3 times their size
	timelines := map[string]Timeline{} // a plan has far fewer phrases than tasks
	timeline := func(text string) Timeline {
		tl, ok := timelines[text]
		if !ok {
			tl = parseTimeline(text)
			timelines[text] = tl
		}
		return tl
	}
	for _, s := range t.sections {
		var lead, coord []string
		for _, r := range s.records {
			if units := splitUnits(r.cells[colLead]); len(units) > 0 {
				lead = units
			}
			if units := splitUnits(r.cells[colCoord]); len(units) > 0 {
				coord = units
			}
			if r.heading {
				continue
			}
			if r.cells[colText] == "" {
				t.errs.add(r.lines[0], "task %s has no text (%s)", r.id, headers[colText])
			}
			if len(lead) == 0 {
				t.errs.add(r.lines[0], "task %s has no lead unit (%s) and no row above it in section %s to inherit one from",
					r.id, headers[colLead], s.roman)
			}
			out = append(out, Task{
				ID:       r.id,
				Section:  s.roman,
				Headings: s.headings(r),
				Text:     r.cells[colText],
				Timeline: timeline(r.cells[colTimeline]),
				Lead:     slices.Clone(lead),
				Coord:    slices.Clone(coord),
				Output:   r.cells[colOutput],
				Lines:    append([]int(nil), r.lines...),
			})
		}
	}
	return out
}

// headings lists the section title and the text of each heading above r,
// outermost first.
func (s *section) headings(r *record) []string {
	out := make([]string, 1, len(r.num))
	out[0] = s.title
	for k := 1; k < len(r.num); k++ {
		if h := s.byNum[r.num[:k].String()]; h != nil {
			out = append(out, h.cells[colText])
		}
	}
	return out
}
