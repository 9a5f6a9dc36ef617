// Package action holds the one set of rules by which every door — the
// Telegram bot, the web pages and signed e-mail links, the command line —
// changes an assignment: who may, what makes sense in the assignment's
// state, what the change writes and the audit entry it leaves. Doors turn
// a person's request into a Request and word the Outcome for their medium.
package action

import (
	"fmt"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Kind is what a request does, as the audit log names it.
type Kind string

// Kinds.
const (
	Done     Kind = "done"
	Undo     Kind = "undo"
	Snooze   Kind = "snooze"
	Note     Kind = "note"
	Evidence Kind = "evidence"
)

// Ways a change comes in, as the audit log names them.
const (
	ViaCommand = "command" // a bot command
	ViaReply   = "reply"   // a reply to a bot message
	ViaButton  = "button"  // a bot button
	ViaCLI     = "cli"     // the command line, through the daemon
	ViaWeb     = "web"     // a web page or a signed e-mail link
)

// DoneVia is the door an assignment's done mark records for a change
// that came in via: "cli", "web", or "telegram" for the bot's ways.
func DoneVia(via string) string {
	switch via {
	case ViaCLI, ViaWeb:
		return via
	}
	return "telegram"
}

// Request is one change a person asks for.
type Request struct {
	Kind     Kind
	Note     string              // done, note
	Until    time.Time           // snooze
	Evidence *scheduler.Evidence // evidence: name and where it is kept
}

// Change is who asks, through what, when.
type Change struct {
	Actor Actor
	Via   string
	At    time.Time
}

// Status is what became of a request.
type Status int

// Statuses. Every status but Applied changed nothing.
const (
	Applied     Status = iota
	Gone               // no such assignment, or archived
	Forbidden          // the actor may not change this unit's assignments
	AlreadyDone        // done asked of a done assignment
	NotDone            // undo asked of an assignment not done
	NotOpen            // snooze asked of an assignment not open
)

// Outcome is the result of Apply: the assignment as it is after the
// request (as it was when nothing changed; zero when Gone).
type Outcome struct {
	Status     Status
	Assignment scheduler.Assignment
}

// Changed reports whether the request was applied.
func (o Outcome) Changed() bool { return o.Status == Applied }

// Planner computes an assignment's next step; *scheduler.Engine implements it.
type Planner interface {
	NextFor(a scheduler.Assignment) *scheduler.Pending
}

// Apply applies r to the assignment key within tx, after checking that
// c.Actor may and that r makes sense in the assignment's state, and
// writes its audit entry with audit. A refusal is an Outcome, not an
// error: errors are the store's.
func Apply(tx scheduler.Tx, audit func(store.AuditEntry) error, next Planner, c Change, key string, r Request) (Outcome, error) {
	a, ok, err := tx.Assignment(key)
	if err != nil {
		return Outcome{}, err
	}
	if !ok || a.State == scheduler.StateArchived {
		return Outcome{Status: Gone}, nil
	}
	if s := check(c.Actor, a, r.Kind); s != Applied {
		return Outcome{Status: s, Assignment: a}, nil
	}
	note := r.Note
	switch r.Kind {
	case Done:
		a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateDone, c.At, c.Actor.Who, DoneVia(c.Via)
		if r.Note != "" {
			a.Note = r.Note
		}
	case Undo:
		a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateOpen, time.Time{}, "", ""
	case Snooze:
		a.SnoozedUntil = r.Until
		note = r.Until.Format(time.RFC3339)
	case Note:
		a.Notes = append(a.Notes, scheduler.Note{Text: r.Note, By: c.Actor.Who, At: c.At})
	case Evidence:
		if r.Evidence == nil {
			return Outcome{}, fmt.Errorf("evidence request without a file")
		}
		ev := *r.Evidence
		ev.By, ev.At = c.Actor.Who, c.At
		a.Evidence = append(a.Evidence, ev)
		note = ev.Name
	default:
		return Outcome{}, fmt.Errorf("unknown action %q", r.Kind)
	}
	a.Next = next.NextFor(a)
	if err := tx.PutAssignment(a); err != nil {
		return Outcome{}, err
	}
	err = audit(store.AuditEntry{At: c.At, Who: c.Actor.Who, Via: c.Via, Assignment: a.Key, Action: string(r.Kind), Note: note})
	return Outcome{Status: Applied, Assignment: a}, err
}

// Check tells, without changing anything, what Apply would make of a
// request of kind k on a: Applied when it would be applied.
func Check(p Actor, a scheduler.Assignment, k Kind) Status {
	if a.State == scheduler.StateArchived {
		return Gone
	}
	return check(p, a, k)
}

func check(p Actor, a scheduler.Assignment, k Kind) Status {
	switch {
	case !p.May(a):
		return Forbidden
	case k == Done && a.State == scheduler.StateDone:
		return AlreadyDone
	case k == Undo && a.State != scheduler.StateDone:
		return NotDone
	case k == Snooze && a.State != scheduler.StateOpen:
		return NotOpen
	}
	return Applied
}
