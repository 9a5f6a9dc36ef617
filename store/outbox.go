package store

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/notify"
)

// OutboxStatus is where a message is in its delivery.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending OutboxStatus = "pending" // to be sent at NextAttempt
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed" // permanently; see LastError
)

// OutboxRecord is one message in the outbox and its delivery state.
type OutboxRecord struct {
	Message     notify.Message `json:"message"`
	Status      OutboxStatus   `json:"status"`
	Attempts    int            `json:"attempts"`
	NextAttempt time.Time      `json:"next_attempt"`
	LastError   string         `json:"last_error,omitempty"`
	Created     time.Time      `json:"created"`
	SentAt      time.Time      `json:"sent_at,omitzero"`
}

// enqueue stores m as pending, due at m.At, unless a message with its ID is
// already in the outbox (whatever its status): enqueueing is idempotent.
func enqueue(tx *bolt.Tx, m *notify.Message) error {
	b := tx.Bucket(bucketOutbox)
	if b.Get([]byte(m.ID)) != nil {
		return nil
	}
	rec := OutboxRecord{Message: *m, Status: OutboxPending, NextAttempt: m.At, Created: m.At}
	if err := putJSON(b, []byte(m.ID), rec); err != nil {
		return err
	}
	return tx.Bucket(bucketOutboxDue).Put(timeKey(rec.NextAttempt, m.ID), nil)
}
