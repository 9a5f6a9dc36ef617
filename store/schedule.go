package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

var (
	bucketAssignments = []byte("assignments")
	bucketPending     = []byte("pending") // 8-byte big-endian unix nanos + assignment key → step JSON
	bucketSteps       = []byte("steps")
	bucketOutbox      = []byte("outbox")     // message id → OutboxRecord
	bucketOutboxDue   = []byte("outbox_due") // 8-byte next attempt + message id → nil
	// bucketCompletions lists done marks not yet reported to the office:
	// 8-byte done time + assignment key → 1.
	bucketCompletions = []byte("completions")
	// bucketRhythm keeps each recipient's digest rhythm: recipient id →
	// scheduler.Rhythm ("" is the engine's last round).
	bucketRhythm = []byte("rhythm")
)

// timeKey is an index key ordered by time: 8-byte big-endian Unix
// nanoseconds, then id.
func timeKey(t time.Time, id string) []byte {
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, id...)
}

// Scheduler returns the scheduler.Store view of the database.
func (db *DB) Scheduler() scheduler.Store { return schedStore{db} }

type schedStore struct{ db *DB }

// Update runs fn in one bbolt transaction. Writes are buffered and applied
// in key order when fn returns: bbolt splits its nodes only at commit, so
// many inserts in random order into one node cost quadratic time, while
// inserts in key order append. A scan would have to apply the buffer
// first, and a flush between batches of writes is what the buffer exists
// to avoid (20 s became 313 s at 525k assignments): so fn reads first and
// then writes, and a scan after a write fails with
// scheduler.ErrReadAfterWrite.
// Point reads (Assignment, StepRecorded) see the buffered writes.
func (s schedStore) Update(fn func(scheduler.Tx) error) error {
	return s.db.bolt.Update(func(tx *bolt.Tx) error {
		t := newSchedTx(tx, true)
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
}

func (s schedStore) View(fn func(scheduler.Tx) error) error {
	return s.db.bolt.View(func(tx *bolt.Tx) error { return fn(newSchedTx(tx, false)) })
}

// writes buffers puts (value) and deletes (nil) per bucket.
type writes struct {
	b map[string]map[string][]byte
	// wrote is set by the first write and stays set.
	wrote bool
}

func (w *writes) set(bucket []byte, key, value []byte) {
	if w == nil {
		return
	}
	w.wrote = true
	if w.b == nil {
		w.b = map[string]map[string][]byte{}
	}
	m := w.b[string(bucket)]
	if m == nil {
		m = map[string][]byte{}
		w.b[string(bucket)] = m
	}
	m[string(key)] = value
}

// get returns a buffered value; found reports whether the key is buffered
// (value nil then means deleted).
func (w *writes) get(bucket, key []byte) (value []byte, found bool) {
	if w == nil {
		return nil, false
	}
	value, found = w.b[string(bucket)][string(key)]
	return value, found
}

type schedTx struct {
	tx *bolt.Tx
	w  *writes
}

// newSchedTx returns the scheduler's view of a bbolt transaction. With
// buffered false every write goes straight to bbolt.
func newSchedTx(tx *bolt.Tx, buffered bool) schedTx {
	if buffered {
		return schedTx{tx: tx, w: &writes{}}
	}
	return schedTx{tx: tx}
}

// setRaw buffers a write, or applies it at once when unbuffered.
func (t schedTx) setRaw(bucket, key, value []byte) error {
	if t.w != nil {
		t.w.set(bucket, key, value)
		return nil
	}
	if value == nil {
		return t.tx.Bucket(bucket).Delete(key)
	}
	return t.tx.Bucket(bucket).Put(key, value)
}

// scan checks that a scanning read may run: never after a buffered write.
func (t schedTx) scan() error {
	if t.w != nil && t.w.wrote {
		return scheduler.ErrReadAfterWrite
	}
	return nil
}

// flush applies the buffered writes in key order, when fn returns.
func (t schedTx) flush() error {
	if t.w == nil {
		return nil
	}
	for name, m := range t.w.b {
		b := t.tx.Bucket([]byte(name))
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			var err error
			if v := m[k]; v == nil {
				err = b.Delete([]byte(k))
			} else {
				err = b.Put([]byte(k), v)
			}
			if err != nil {
				return fmt.Errorf("write %s %q: %w", name, k, err)
			}
		}
	}
	t.w.b = nil
	return nil
}

func (t schedTx) get(bucket, key []byte, v any) (bool, error) {
	raw, found := t.w.get(bucket, key)
	if !found {
		raw = t.tx.Bucket(bucket).Get(key)
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func (t schedTx) put(bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return t.setRaw(bucket, key, raw)
}

func (t schedTx) Assignment(key string) (scheduler.Assignment, bool, error) {
	var a scheduler.Assignment
	ok, err := t.get(bucketAssignments, []byte(key), &a)
	return a, ok, err
}

func (t schedTx) PutAssignment(a scheduler.Assignment) error {
	old, found, err := t.Assignment(a.Key)
	if err != nil {
		return err
	}
	if found && old.Next != nil {
		if err := t.setRaw(bucketPending, timeKey(old.Next.At, a.Key), nil); err != nil {
			return err
		}
	}
	if a.Next != nil {
		if err := t.put(bucketPending, timeKey(a.Next.At, a.Key), a.Next); err != nil {
			return err
		}
	}
	wasDone := found && old.State == scheduler.StateDone
	switch {
	case a.State == scheduler.StateDone && !wasDone:
		if err := t.setRaw(bucketCompletions, timeKey(a.DoneAt, a.Key), []byte{1}); err != nil {
			return err
		}
	case a.State != scheduler.StateDone && wasDone:
		if err := t.setRaw(bucketCompletions, timeKey(old.DoneAt, a.Key), nil); err != nil {
			return err
		}
	}
	return t.put(bucketAssignments, []byte(a.Key), a)
}

func (t schedTx) Completions(until time.Time) ([]string, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var keys []string
	end := uint64(until.UnixNano())
	c := t.tx.Bucket(bucketCompletions).Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k[:8]) <= end; k, _ = c.Next() {
		keys = append(keys, string(k[8:]))
	}
	return keys, nil
}

func (t schedTx) Reported(key string) error {
	a, ok, err := t.Assignment(key)
	if err != nil || !ok {
		return err
	}
	return t.setRaw(bucketCompletions, timeKey(a.DoneAt, key), nil)
}

func (t schedTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	c := t.tx.Bucket(bucketAssignments).Cursor()
	var prefix []byte
	if plan != "" {
		prefix = []byte(plan + "|")
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var a scheduler.Assignment
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("decode assignment %s: %w", k, err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

func (t schedTx) Due(until time.Time, limit int) ([]scheduler.Pending, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var out []scheduler.Pending
	end := uint64(until.UnixNano())
	c := t.tx.Bucket(bucketPending).Cursor()
	for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
		if binary.BigEndian.Uint64(k[:8]) > end {
			break
		}
		var p scheduler.Pending
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, fmt.Errorf("decode pending %x: %w", k, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (t schedTx) NextDue() (scheduler.Pending, bool, error) {
	if err := t.scan(); err != nil {
		return scheduler.Pending{}, false, err
	}
	k, v := t.tx.Bucket(bucketPending).Cursor().First()
	if k == nil {
		return scheduler.Pending{}, false, nil
	}
	var p scheduler.Pending
	if err := json.Unmarshal(v, &p); err != nil {
		return p, false, fmt.Errorf("decode pending %x: %w", k, err)
	}
	return p, true, nil
}

func (t schedTx) StepRecorded(key string) (bool, error) {
	if v, found := t.w.get(bucketSteps, []byte(key)); found {
		return v != nil, nil
	}
	return t.tx.Bucket(bucketSteps).Get([]byte(key)) != nil, nil
}

func (t schedTx) RecordStep(r scheduler.StepRecord) error {
	return t.put(bucketSteps, []byte(r.Key), r)
}

func (t schedTx) Enqueue(m *notify.Message) error {
	return enqueue(t.tx, m)
}

// StepRecords returns every recorded step, by key (for tests and reports).
func (db *DB) StepRecords() (map[string]scheduler.StepRecord, error) {
	out := map[string]scheduler.StepRecord{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSteps).ForEach(func(k, v []byte) error {
			var r scheduler.StepRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode step %s: %w", k, err)
			}
			out[string(k)] = r
			return nil
		})
	})
	return out, err
}

// Assignments returns every assignment of a plan ("" for all), by key.
func (db *DB) Assignments(plan string) ([]scheduler.Assignment, error) {
	var out []scheduler.Assignment
	err := db.Scheduler().View(func(tx scheduler.Tx) error {
		return tx.ForEachAssignment(plan, func(a scheduler.Assignment) error {
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// AssignmentCounts counts the assignments by state (for metrics).
func (db *DB) AssignmentCounts() (map[scheduler.State]int, error) {
	out := map[scheduler.State]int{}
	err := db.Scheduler().View(func(tx scheduler.Tx) error {
		return tx.ForEachAssignment("", func(a scheduler.Assignment) error {
			out[a.State]++
			return nil
		})
	})
	return out, err
}

func (t schedTx) Rhythm(id string) (scheduler.Rhythm, error) {
	var r scheduler.Rhythm
	if t.tx.Bucket(bucketRhythm) == nil { // a database of an older nhacviec, opened to read
		return r, nil
	}
	_, err := t.get(bucketRhythm, []byte("r|"+id), &r)
	return r, err
}

func (t schedTx) PutRhythm(id string, r scheduler.Rhythm) error {
	return t.put(bucketRhythm, []byte("r|"+id), r)
}

func (t schedTx) ForEachOpen(through calendar.Date, fn func(scheduler.Assignment) error) error {
	var open []scheduler.Assignment
	err := t.ForEachAssignment("", func(a scheduler.Assignment) error {
		if a.State == scheduler.StateOpen && !a.DueDay.After(through) {
			open = append(open, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(open, func(a, b scheduler.Assignment) int {
		return cmp.Or(a.DueDay.Compare(b.DueDay), strings.Compare(a.Key, b.Key))
	})
	for _, a := range open {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

func (t schedTx) ForEachDoneSince(since time.Time, fn func(scheduler.Assignment) error) error {
	var done []scheduler.Assignment
	err := t.ForEachAssignment("", func(a scheduler.Assignment) error {
		if a.State == scheduler.StateDone && !a.DoneAt.Before(since) {
			done = append(done, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(done, func(a, b scheduler.Assignment) int {
		return cmp.Or(a.DoneAt.Compare(b.DoneAt), strings.Compare(a.Key, b.Key))
	})
	for _, a := range done {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}
