package store

import (
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Prepare runs fn outside any transaction on a Tx that buffers its writes,
// and returns what writes them in one transaction (scheduler.Preparer). A
// plan's first Sync builds the records of its next chunk of tasks on
// another core while bbolt writes the chunk before: encoding, index
// entries, counts and sorting, everything but bbolt's own work. fn may
// only write what reads nothing stored: CreateFresh, sync marks, step
// records and rhythms; anything else fails with ErrPrepared.
func (s schedStore) Prepare(fn func(scheduler.Tx) error) (commit func() error, err error) {
	w := &writes{}
	w.dash.checked, w.dash.kept = true, true // a database opened for writing keeps them
	t := prepTx{schedTx{w: w, fresh: true}}
	if err := fn(t); err != nil {
		freeWrites(w)
		return nil, err
	}
	t.flushGroups()
	for _, bw := range w.b {
		sortWrites(bw.list)
	}
	return func() error {
		n := w.len()
		err := s.db.bolt.Update(func(tx *bolt.Tx) error {
			return schedTx{tx: tx, w: w}.flush()
		})
		if n >= releaseAfter {
			_ = s.db.ReleaseMapped()
		}
		return err
	}, nil
}

// freeWrites gives back the lists of writes never flushed.
func freeWrites(w *writes) {
	for _, bw := range w.b {
		freeList(bw.list)
	}
	w.b = nil
}

// ErrPrepared is returned by a read, or a write that reads, in a prepared
// transaction (Prepare).
var ErrPrepared = errors.New("a prepared transaction reads nothing stored")

// prepTx is the Tx of Prepare: schedTx without a bbolt transaction, its
// reads refused.
type prepTx struct{ schedTx }

func (prepTx) Assignment(string) (scheduler.Assignment, bool, error) {
	return scheduler.Assignment{}, false, ErrPrepared
}
func (prepTx) PutAssignment(scheduler.Assignment) error    { return ErrPrepared }
func (prepTx) CreateAssignment(scheduler.Assignment) error { return ErrPrepared }
func (prepTx) ForEachAssignment(string, func(scheduler.Assignment) error) error {
	return ErrPrepared
}
func (prepTx) ForEachOpen(calendar.Date, func(scheduler.Assignment) error) error {
	return ErrPrepared
}
func (prepTx) ForEachDoneSince(time.Time, func(scheduler.Assignment) error) error {
	return ErrPrepared
}
func (prepTx) Due(time.Time, int) ([]scheduler.Pending, error) { return nil, ErrPrepared }
func (prepTx) NextDue() (scheduler.Pending, bool, error) {
	return scheduler.Pending{}, false, ErrPrepared
}
func (prepTx) StepRecorded(string) (bool, error)             { return false, ErrPrepared }
func (prepTx) Enqueue(*notify.Message) error                 { return ErrPrepared }
func (prepTx) Completions(time.Time) ([]string, error)       { return nil, ErrPrepared }
func (prepTx) Reported(string) error                         { return ErrPrepared }
func (prepTx) Rhythm(string) (scheduler.Rhythm, error)       { return scheduler.Rhythm{}, ErrPrepared }
func (prepTx) SyncMark(string, string) (uint64, bool, error) { return 0, false, ErrPrepared }
func (prepTx) ForEachTaskAssignment(string, string, func(scheduler.Assignment) error) error {
	return ErrPrepared
}
func (prepTx) ForEachSyncMark(string, func(string, uint64) error) error { return ErrPrepared }
func (prepTx) HoldSteps([]scheduler.StepRecord) error                   { return ErrPrepared }
func (prepTx) HeldSteps() ([]scheduler.StepRecord, error)               { return nil, ErrPrepared }
func (prepTx) DropHeld() error                                          { return ErrPrepared }
