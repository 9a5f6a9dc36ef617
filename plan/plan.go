// Package plan holds the task model of an administrative-reform plan and the
// importer that reads a plan appendix as exported from its original table.
//
// The package knows no adapter: it reads from an io.Reader and returns values.
// Unit names stay as written in the document; resolving them to configured
// units is the job of package org.
package plan

import "time"

// Plan is one imported appendix: the plan's metadata and its tasks.
type Plan struct {
	Code   string    `json:"code"`   // "60/KH-SCT"
	Date   time.Time `json:"date"`   // date of issue, midnight Asia/Ho_Chi_Minh
	Year   int       `json:"year"`   // the plan year, 2024
	Issuer string    `json:"issuer"` // "Sở Công Thương"
	Title  string    `json:"title"`  // title line of the appendix
	Source string    `json:"source"` // file the plan was read from
	Tasks  []Task    `json:"tasks"`
	// Digest identifies what the plan was made from: the document's bytes
	// and the names its units were resolved with (set by the reader).
	Digest string `json:"digest,omitempty"`
}

// Task is one numbered leaf row of a plan. Rows that have children are
// headings and never tasks; their titles are kept in Headings.
type Task struct {
	ID       string   `json:"id"`       // section + number: "III.2.2.1"
	Section  string   `json:"section"`  // Roman numeral: "III"
	Headings []string `json:"headings"` // section title, then each heading above the task
	Text     string   `json:"text"`     // Nhiệm vụ cụ thể
	Timeline Timeline `json:"timeline"` // Tiến độ
	Lead     []string `json:"lead"`     // Cơ quan chủ trì, names as written (merged cells resolved)
	Coord    []string `json:"coord"`    // Cơ quan phối hợp, names as written
	Output   string   `json:"output"`   // Kết quả/sản phẩm
	// LeadIDs and CoordIDs are Lead and Coord resolved to configured unit or
	// group ids (package org fills them); empty until resolved.
	LeadIDs  []string `json:"lead_ids"`
	CoordIDs []string `json:"coord_ids"`
	Lines    []int    `json:"lines"` // source line numbers, first the task's own row
}

// Line returns the line of the task's own row in the source document.
func (t Task) Line() int {
	if len(t.Lines) == 0 {
		return 0
	}
	return t.Lines[0]
}

// Task returns the task with the given id and whether it exists.
func (p *Plan) Task(id string) (Task, bool) {
	for _, t := range p.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return Task{}, false
}
