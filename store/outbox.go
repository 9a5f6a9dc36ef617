package store

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/notify"
)

// OutboxStatus is where a message is in its delivery.
type OutboxStatus = notify.RecordStatus

// Outbox statuses.
const (
	OutboxPending = notify.StatusPending // to be sent at NextAttempt
	OutboxSent    = notify.StatusSent
	OutboxFailed  = notify.StatusFailed // permanently; see LastError
)

// OutboxRecord is one message in the outbox and its delivery state. The type
// lives in package notify so that the pipeline can read it without knowing
// the store.
type OutboxRecord = notify.Record

// Outbox errors, matched with errors.Is.
var (
	// ErrNotInOutbox is returned when a message id is not in the outbox.
	ErrNotInOutbox = errors.New("message not in the outbox")
	// ErrSettled is returned when a retry or a failure is recorded for a
	// message already sent or given up: a sent message is never handed out
	// again.
	ErrSettled = errors.New("message already settled")
)

// bucketOutboxContent indexes messages by content and channel
// (16-byte content hash + channel → message id), so that a fallback copy is
// not enqueued for a recipient who already gets the same content on the
// fallback channel. It is created by the first write that needs it.
var bucketOutboxContent = []byte("outbox_content")

// enqueue stores m as pending, due at m.At, unless a message with its ID is
// already in the outbox (whatever its status): enqueueing is idempotent.
func enqueue(tx *bolt.Tx, m *notify.Message) error {
	return enqueueAt(tx, m, m.At)
}

// enqueueAt is enqueue with the record's creation time.
func enqueueAt(tx *bolt.Tx, m *notify.Message, created time.Time) error {
	if m.ID == "" || m.Channel == "" {
		return fmt.Errorf("enqueue message %q on channel %q: id and channel are required", m.ID, m.Channel)
	}
	b := tx.Bucket(bucketOutbox)
	if b.Get([]byte(m.ID)) != nil {
		return nil
	}
	rec := OutboxRecord{Message: *m, Status: OutboxPending, NextAttempt: m.At, Created: created}
	if err := putOutbox(b, []byte(m.ID), &rec); err != nil {
		return err
	}
	if err := tx.Bucket(bucketOutboxDue).Put(timeKey(rec.NextAttempt, m.ID), nil); err != nil {
		return fmt.Errorf("index message %s: %w", m.ID, err)
	}
	cb, err := tx.CreateBucketIfNotExists(bucketOutboxContent)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketOutboxContent, err)
	}
	ck, err := contentKey(m)
	if err != nil {
		return err
	}
	if cb.Get(ck) == nil {
		return cb.Put(ck, []byte(m.ID))
	}
	return nil
}

// contentKey identifies what a message says to whom at which moment, on
// its channel, whatever its ID.
func contentKey(m *notify.Message) ([]byte, error) {
	raw, err := json.Marshal(struct {
		To     string
		At     int64
		Kind   notify.Kind
		Title  string
		Intro  string
		Items  []notify.Item
		Footer string
		HTML   string `json:",omitempty"` // bot replies; absent otherwise, as in keys written before it existed
	}{m.To.ID, m.At.UnixNano(), m.Kind, m.Title, m.Intro, m.Items, m.Footer, m.HTML})
	if err != nil {
		return nil, fmt.Errorf("content key of message %s: %w", m.ID, err)
	}
	sum := sha256.Sum256(raw)
	return append(sum[:16], m.Channel...), nil
}

// hasSibling reports whether another message with m's content is already in
// the outbox on m's channel.
func hasSibling(tx *bolt.Tx, m *notify.Message) (bool, error) {
	cb := tx.Bucket(bucketOutboxContent)
	if cb == nil {
		return false, nil
	}
	ck, err := contentKey(m)
	if err != nil {
		return false, err
	}
	id := cb.Get(ck)
	return id != nil && string(id) != m.ID, nil
}

// Enqueue stores messages as pending, in one transaction. A message whose
// ID is already in the outbox is left as it is.
func (db *DB) Enqueue(msgs ...*notify.Message) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, m := range msgs {
			if err := enqueue(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// OutboxDue returns at most limit pending records whose NextAttempt is at
// or before now, earliest first (then by id), read through the time index.
func (db *DB) OutboxDue(now time.Time, limit int) ([]OutboxRecord, error) {
	return db.OutboxDueExcept(now, notify.DuePos{}, limit, nil)
}

// OutboxDueExcept is OutboxDue without the records whose id skip accepts
// (those being delivered already); they do not count towards limit. A nil
// skip skips nothing.
func (db *DB) OutboxDueExcept(now time.Time, after notify.DuePos, limit int, skip func(id string) bool) ([]OutboxRecord, error) {
	var out []OutboxRecord
	end := uint64(now.UnixNano())
	read := 0
	defer func() {
		if read >= releaseOutboxAfter {
			_ = db.ReleaseMapped() // see releaseOutboxAfter
		}
	}()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		c := tx.Bucket(bucketOutboxDue).Cursor()
		k, _ := c.First()
		if after.ID != "" {
			from := timeKey(after.At, after.ID)
			if k, _ = c.Seek(from); bytes.Equal(k, from) {
				k, _ = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, _ = c.Next() {
			if binary.BigEndian.Uint64(k[:8]) > end {
				break
			}
			if skip != nil && skip(string(k[8:])) {
				continue
			}
			var rec OutboxRecord
			raw := b.Get(k[8:])
			if raw == nil {
				return fmt.Errorf("outbox index names %q, which is not in the outbox", k[8:])
			}
			size, err := decodeOutboxSize(raw, &rec)
			if err != nil {
				return fmt.Errorf("outbox record: decode %s: %w", k[8:], err)
			}
			rec.Size = size
			read += len(raw)
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// releaseOutboxAfter is the bytes of records after which a read of due
// records gives the file's pages back (ReleaseMapped): the records are
// decoded copies, and a day's digests at 100,000 tasks (115 MB) otherwise
// stayed in the process's resident set.
const releaseOutboxAfter = 4 << 20

// NextOutboxAttempt returns the earliest NextAttempt of a pending message;
// false when none is pending.
func (db *DB) NextOutboxAttempt() (time.Time, bool, error) {
	return db.NextOutboxAttemptExcept(nil)
}

// NextOutboxAttemptExcept is NextOutboxAttempt without the records whose
// id skip accepts. A nil skip skips nothing.
func (db *DB) NextOutboxAttemptExcept(skip func(id string) bool) (time.Time, bool, error) {
	var next time.Time
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutboxDue).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("outbox index key %x is too short", k)
			}
			if skip != nil && skip(string(k[8:])) {
				continue
			}
			next, ok = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))), true
			return nil
		}
		return nil
	})
	return next, ok, err
}

// Postpone moves pending message id to next without counting an attempt:
// it waits behind an earlier message to the same recipient that failed.
func (db *DB) Postpone(id string, next time.Time) error {
	return db.change(id, "postpone", func(tx *bolt.Tx, rec *OutboxRecord) error {
		if rec.Status != OutboxPending {
			return fmt.Errorf("%w: it is %s", ErrSettled, rec.Status)
		}
		rec.NextAttempt = next
		return nil
	})
}

// MarkSent records that message id was delivered at at. It is removed from
// the time index and never handed out again. Marking a sent message again
// does nothing; a message given up and then delivered after all is marked
// sent.
func (db *DB) MarkSent(id string, at time.Time) error {
	return db.change(id, "mark sent", func(tx *bolt.Tx, rec *OutboxRecord) error {
		if rec.Status == OutboxSent {
			return errUnchanged
		}
		rec.Status, rec.SentAt, rec.LastAttempt = OutboxSent, at, at
		rec.Attempts++
		return nil
	})
}

// Resume makes every pending message of channel due after now due by now
// (keeping their order, a nanosecond apart, the last at now), in one
// transaction, and
// returns how many it moved: the channel's server answers again.
func (db *DB) Resume(channel string, now time.Time) (int, error) {
	moved := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		due := tx.Bucket(bucketOutboxDue)
		c := due.Cursor()
		from := timeKey(now.Add(time.Nanosecond), "")
		var ids []string
		for k, _ := c.Seek(from); k != nil; k, _ = c.Next() {
			ids = append(ids, string(k[8:]))
		}
		var recs []OutboxRecord
		for _, id := range ids {
			var rec OutboxRecord
			found, err := getOutbox(b, []byte(id), &rec)
			if err != nil {
				return err
			}
			if found && rec.Status == OutboxPending && rec.Message.Channel == channel {
				recs = append(recs, rec)
			}
		}
		for i, rec := range recs {
			id := rec.Message.ID
			if err := due.Delete(timeKey(rec.NextAttempt, id)); err != nil {
				return err
			}
			rec.NextAttempt = now.Add(-time.Duration(len(recs) - 1 - i)) // due, in their order
			if err := due.Put(timeKey(rec.NextAttempt, id), nil); err != nil {
				return err
			}
			if err := putOutbox(b, []byte(id), &rec); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: resume %s: %w", channel, err)
	}
	return moved, nil
}

// MarkSentAll is MarkSent of several messages in one transaction (one
// disk sync for a burst of deliveries). A message not in the outbox is
// an error and nothing is written.
func (db *DB) MarkSentAll(marks []notify.SentMark) error {
	if len(marks) == 0 {
		return nil
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, mk := range marks {
			if err := changeTx(tx, mk.ID, func(_ *bolt.Tx, rec *OutboxRecord) error {
				if rec.Status == OutboxSent {
					return errUnchanged
				}
				rec.Status, rec.SentAt, rec.LastAttempt = OutboxSent, mk.At, mk.At
				rec.Attempts++
				return nil
			}); err != nil && !errors.Is(err, errUnchanged) {
				return fmt.Errorf("%s: %w", mk.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: mark sent: %w", err)
	}
	return nil
}

// MarkRetry records a failed attempt of pending message id, to be tried
// again at next.
func (db *DB) MarkRetry(id string, next time.Time, errMsg string) error {
	now := db.now()
	return db.change(id, "mark retry", func(tx *bolt.Tx, rec *OutboxRecord) error {
		if rec.Status != OutboxPending {
			return fmt.Errorf("%w: it is %s", ErrSettled, rec.Status)
		}
		rec.NextAttempt, rec.LastError, rec.LastAttempt = next, errMsg, now
		rec.Attempts++
		return nil
	})
}

// MarkFailed records that pending message id was given up at at, and
// enqueues the fallback messages in the same transaction (idempotent by
// ID, created at at). A fallback message is skipped when the outbox already
// holds another message with the same recipient, moment and content on the
// fallback's channel: the scheduler made one message per channel, and the
// recipient gets that one.
func (db *DB) MarkFailed(id string, at time.Time, errMsg string, fallback ...*notify.Message) error {
	return db.change(id, "mark failed", func(tx *bolt.Tx, rec *OutboxRecord) error {
		if rec.Status != OutboxPending {
			return fmt.Errorf("%w: it is %s", ErrSettled, rec.Status)
		}
		rec.Status, rec.FailedAt, rec.LastAttempt, rec.LastError = OutboxFailed, at, at, errMsg
		rec.Attempts++
		for _, m := range fallback {
			dup, err := hasSibling(tx, m)
			if err != nil {
				return err
			}
			if dup {
				continue
			}
			if err := enqueueAt(tx, m, at); err != nil {
				return err
			}
		}
		return nil
	})
}

// errUnchanged tells change that fn left the record as it was.
var errUnchanged = errors.New("unchanged")

// change applies fn to record id in one transaction and moves its time
// index entry: the old key is deleted, and a new one written while the
// record is pending.
func (db *DB) change(id, what string, fn func(*bolt.Tx, *OutboxRecord) error) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error { return changeTx(tx, id, fn) })
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("outbox: %s %s: %w", what, id, err)
	}
	return nil
}

// changeTx is change within tx.
func changeTx(tx *bolt.Tx, id string, fn func(*bolt.Tx, *OutboxRecord) error) error {
	b := tx.Bucket(bucketOutbox)
	var rec OutboxRecord
	found, err := getOutbox(b, []byte(id), &rec)
	if err != nil {
		return err
	}
	if !found {
		return ErrNotInOutbox
	}
	oldKey := timeKey(rec.NextAttempt, id)
	wasPending := rec.Status == OutboxPending
	if err := fn(tx, &rec); err != nil {
		return err
	}
	due := tx.Bucket(bucketOutboxDue)
	if wasPending {
		if err := due.Delete(oldKey); err != nil {
			return err
		}
	}
	if rec.Status == OutboxPending {
		if err := due.Put(timeKey(rec.NextAttempt, id), nil); err != nil {
			return err
		}
	}
	return putOutbox(b, []byte(id), &rec)
}

// OutboxFilter selects records for Outbox. Zero fields select everything.
type OutboxFilter struct {
	Status    OutboxStatus
	Channel   string
	Recipient string    // recipient id
	From      time.Time // message moment At at or after From
	Until     time.Time // message moment At before Until
	Limit     int       // at most this many, the earliest; 0 for all
}

func (f OutboxFilter) match(rec *OutboxRecord) bool {
	m := &rec.Message
	return (f.Status == "" || rec.Status == f.Status) &&
		(f.Channel == "" || m.Channel == f.Channel) &&
		(f.Recipient == "" || m.To.ID == f.Recipient) &&
		(f.From.IsZero() || !m.At.Before(f.From)) &&
		(f.Until.IsZero() || m.At.Before(f.Until))
}

// Outbox lists the records matching f, ordered by message moment, then id.
// It reads the whole outbox: it is meant for the command line and tests.
func (db *DB) Outbox(f OutboxFilter) ([]OutboxRecord, error) {
	var out []OutboxRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var rec OutboxRecord
			if err := decodeOutbox(v, &rec); err != nil {
				return fmt.Errorf("decode outbox record %s: %w", k, err)
			}
			if f.match(&rec) {
				out = append(out, rec)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b OutboxRecord) int {
		return cmp.Or(a.Message.At.Compare(b.Message.At), strings.Compare(a.Message.ID, b.Message.ID))
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// OutboxCounts is the number of outbox records in each status.
type OutboxCounts struct {
	Pending, Sent, Failed int
}

// Total is the number of records.
func (c OutboxCounts) Total() int { return c.Pending + c.Sent + c.Failed }

// OutboxPending counts the messages still to deliver, from the index of
// next attempts, which holds them and only them: a scrape of /metrics
// reads as many keys as messages wait, not the whole history of the
// outbox.
func (db *DB) OutboxPending() (int, error) {
	n := 0
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutboxDue).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// OutboxCounts counts the outbox records by status.
func (db *DB) OutboxCounts() (OutboxCounts, error) {
	var c OutboxCounts
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var rec struct {
				Status OutboxStatus `json:"status"`
			}
			if err := decodeOutbox(v, &rec); err != nil {
				return fmt.Errorf("decode outbox record %s: %w", k, err)
			}
			switch rec.Status {
			case OutboxPending:
				c.Pending++
			case OutboxSent:
				c.Sent++
			case OutboxFailed:
				c.Failed++
			}
			return nil
		})
	})
	return c, err
}
