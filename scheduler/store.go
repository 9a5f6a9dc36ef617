package scheduler

import (
	"errors"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
)

// Store keeps assignments, the time index of their next steps, the record of
// produced steps and the outbox. Each Update is one atomic transaction: the
// engine writes steps, messages and the next pending step together, so a
// crash never leaves a step produced without its message or the reverse.
//
// In an Update, scans (ForEachAssignment, ForEachTaskAssignment, ForEachSyncMark,
// ForEachOpen, ForEachDoneSince, Due, NextDue, Completions) come
// before the first write (PutAssignment, RecordStep, Reported); a scan after
// a write fails with ErrReadAfterWrite. Point reads (Assignment,
// StepRecorded) may come at any time and see the writes. The database
// buffers writes to apply them in key order at commit, which a scan in
// between would have to flush.
type Store interface {
	Update(fn func(Tx) error) error
	View(fn func(Tx) error) error
}

// Tx is one transaction of a Store.
type Tx interface {
	Assignment(key string) (Assignment, bool, error)
	// PutAssignment writes a and keeps the time index in step with a.Next.
	PutAssignment(a Assignment) error
	// CreateAssignment is PutAssignment for an assignment known not to be
	// stored (its task's assignments were just read): the store need not
	// look for the old one.
	CreateAssignment(a Assignment) error
	// ForEachAssignment calls fn for every assignment of the plan ("" for
	// all), in key order.
	ForEachAssignment(plan string, fn func(Assignment) error) error
	// ForEachOpen calls fn for every open assignment due on or before
	// through, by due day then key: the overdue and coming-due ones,
	// without reading the others.
	ForEachOpen(through calendar.Date, fn func(Assignment) error) error
	// ForEachDoneSince calls fn for every done assignment marked done at
	// or after since, by done time then key.
	ForEachDoneSince(since time.Time, fn func(Assignment) error) error
	// Due returns up to limit pending steps with At ≤ until, earliest first.
	Due(until time.Time, limit int) ([]Pending, error)
	// NextDue returns the earliest pending step.
	NextDue() (Pending, bool, error)
	StepRecorded(key string) (bool, error)
	RecordStep(r StepRecord) error
	// Enqueue stores a message in the outbox, to be delivered.
	Enqueue(m *notify.Message) error
	// Completions returns the keys of assignments marked done at or before
	// until and not yet reported to the office (PutAssignment keeps the
	// list: a done mark adds, an undo removes), oldest first.
	Completions(until time.Time) ([]string, error)
	// Reported removes an assignment from the completions to report.
	Reported(key string) error
	// Rhythm returns a recipient's digest rhythm; the zero Rhythm when
	// none is stored. The id "" holds the engine's own (the last round).
	Rhythm(id string) (Rhythm, error)
	PutRhythm(id string, r Rhythm) error

	// HoldSteps keeps the records of the steps a round's batch produced
	// when the round has more batches to come (more due steps than Fire's
	// batch), until its last batch makes one digest per recipient of
	// every batch's steps: after a stop between the batches, the next
	// process reads them back (HeldSteps) to put them in its digests.
	// The store may keep steps as they are: the caller leaves them.
	HoldSteps(steps []StepRecord) error
	// HeldSteps returns the steps held, in the order held.
	HeldSteps() ([]StepRecord, error)
	// DropHeld removes every step held.
	DropHeld() error

	// ForEachTaskAssignment calls fn for every assignment of one task of a
	// plan, in key order.
	ForEachTaskAssignment(plan, task string, fn func(Assignment) error) error
	// SyncMark returns the fingerprint Sync stored for a task of a plan
	// (task "" marks a plan whose every task has its mark).
	SyncMark(plan, task string) (uint64, bool, error)
	PutSyncMark(plan, task string, fp uint64) error
	DropSyncMark(plan, task string) error
	// ForEachSyncMark calls fn for every task mark of the plan (not the
	// plan's own), in task id order.
	ForEachSyncMark(plan string, fn func(task string, fp uint64) error) error
}

// FreshCreator is implemented by a Tx that writes faster an assignment it
// knows more about: CreateFresh is CreateAssignment for an assignment of a
// plan that had no assignment stored when the Sync began (the plan's first
// start), where the store has nothing of its task to look for.
type FreshCreator interface {
	CreateFresh(a Assignment) error
}

// Preparer is implemented by a Store that can build a transaction's
// writes ahead, outside any transaction, when they read nothing stored (a
// plan's first Sync): Prepare runs fn on a Tx whose reads fail, and
// returns what writes the result in one transaction. Sync builds a chunk
// that way on another core while the chunk before is written.
type Preparer interface {
	Prepare(fn func(Tx) error) (commit func() error, err error)
}

// ErrReadAfterWrite is returned by a scan made in an Update after a write.
var ErrReadAfterWrite = errors.New("scan after a write in the same scheduler transaction: scan first, then write")
