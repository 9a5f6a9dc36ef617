package scheduler

import (
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

// State of an assignment.
type State string

// Assignment states.
const (
	StateOpen     State = "open"
	StateDone     State = "done"
	StateArchived State = "archived" // its task, occurrence or unit is gone
)

// Assignment is an occurrence for one lead unit: what is done, late,
// snoozed, escalated.
type Assignment struct {
	Key        string        `json:"key"` // "60/KH-SCT|I.4.1@2024-09|vp"
	Plan       string        `json:"plan"`
	TaskID     string        `json:"task_id"`
	Occurrence string        `json:"occurrence"` // "I.4.1@2024-09"
	Unit       string        `json:"unit"`
	DueDay     calendar.Date `json:"due_day"`
	State      State         `json:"state"`

	DoneAt  time.Time `json:"done_at,omitzero"`
	DoneBy  string    `json:"done_by,omitempty"`
	DoneVia string    `json:"done_via,omitempty"` // "telegram", "cli", …
	Note    string    `json:"note,omitempty"`

	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`

	// Evidence are documents attached as proof (tài liệu kiểm chứng).
	Evidence []Evidence `json:"evidence,omitempty"`
	// Notes are progress notes, oldest first.
	Notes []Note `json:"notes,omitempty"`

	// LastStep is the last step produced (or skipped in a catch-up).
	LastStep     string    `json:"last_step,omitempty"`
	LastStepAt   time.Time `json:"last_step_at,omitzero"`
	LastStepRank int       `json:"last_step_rank"`

	// Next is the next step to produce, mirrored in the store's time index.
	Next *Pending `json:"next,omitempty"`
}

// Evidence is one document attached to an assignment.
type Evidence struct {
	FileID string    `json:"file_id,omitempty"` // Telegram file id
	Name   string    `json:"name"`              // file name as sent
	Path   string    `json:"path,omitempty"`    // local copy in the evidence folder, if downloaded
	By     string    `json:"by"`                // person id
	At     time.Time `json:"at"`
}

// Note is a progress note on an assignment.
type Note struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// AssignmentKey is the identity of an assignment.
func AssignmentKey(plan, occurrence, unit string) string {
	return plan + "|" + occurrence + "|" + unit
}

// Pending is an assignment's next step, indexed by time so the engine finds
// what is due without scanning every assignment.
type Pending struct {
	At         time.Time `json:"at"`
	Assignment string    `json:"assignment"`
	Step       string    `json:"step"`
	Rank       int       `json:"rank"`
}

// StepKey is the identity of a step: assignment key + step name.
func StepKey(assignment, step string) string { return assignment + "#" + step }

// StepRecord says a step was produced (handed to delivery) or skipped (in a
// catch-up after downtime). A step key, once recorded, is never produced
// again.
type StepRecord struct {
	Key      string    `json:"key"`
	At       time.Time `json:"at"`       // the step's planned moment
	Produced time.Time `json:"produced"` // when the engine handled it
	Skipped  bool      `json:"skipped,omitempty"`
	Messages []string  `json:"messages,omitempty"`
}
