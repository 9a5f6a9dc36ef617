package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

var (
	bucketAssignments = []byte("assignments")
	bucketPending     = []byte("pending") // 8-byte big-endian unix nanos + assignment key → step JSON
	bucketSteps       = []byte("steps")
	bucketOutbox      = []byte("outbox")     // message id → OutboxRecord
	bucketOutboxDue   = []byte("outbox_due") // 8-byte next attempt + message id → nil
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

func (s schedStore) Update(fn func(scheduler.Tx) error) error {
	return s.db.bolt.Update(func(tx *bolt.Tx) error { return fn(schedTx{tx}) })
}

func (s schedStore) View(fn func(scheduler.Tx) error) error {
	return s.db.bolt.View(func(tx *bolt.Tx) error { return fn(schedTx{tx}) })
}

type schedTx struct{ tx *bolt.Tx }

func (t schedTx) Assignment(key string) (scheduler.Assignment, bool, error) {
	var a scheduler.Assignment
	ok, err := getJSON(t.tx.Bucket(bucketAssignments), []byte(key), &a)
	return a, ok, err
}

func (t schedTx) PutAssignment(a scheduler.Assignment) error {
	old, found, err := t.Assignment(a.Key)
	if err != nil {
		return err
	}
	pending := t.tx.Bucket(bucketPending)
	if found && old.Next != nil {
		if err := pending.Delete(timeKey(old.Next.At, a.Key)); err != nil {
			return err
		}
	}
	if a.Next != nil {
		if err := putJSON(pending, timeKey(a.Next.At, a.Key), a.Next); err != nil {
			return err
		}
	}
	return putJSON(t.tx.Bucket(bucketAssignments), []byte(a.Key), a)
}

func (t schedTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
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
	return t.tx.Bucket(bucketSteps).Get([]byte(key)) != nil, nil
}

func (t schedTx) RecordStep(r scheduler.StepRecord) error {
	return putJSON(t.tx.Bucket(bucketSteps), []byte(r.Key), r)
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
