package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketInbox holds the Telegram updates received and not yet applied:
// 8-byte big-endian update id → the update as Telegram sent it.
var bucketInbox = []byte("bot_inbox")

// InboxUpdate is a Telegram update received and not yet applied: its id
// and its JSON, opaque to the store.
type InboxUpdate struct {
	ID  int
	Raw []byte
}

func inboxKey(id int) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(id))
}

// ReceiveUpdates keeps ups until ApplyUpdate applies them, and moves the
// offset past the last one, in one transaction: Telegram may forget them
// once asked for the updates after them, and the bot may apply them in
// any order across chats. Updates below the offset are applied or kept
// already: they are left alone.
func (db *DB) ReceiveUpdates(ups []InboxUpdate) error {
	if len(ups) == 0 {
		return nil
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		off, err := updateOffset(tx)
		if err != nil {
			return err
		}
		in, err := tx.CreateBucketIfNotExists(bucketInbox)
		if err != nil {
			return err
		}
		next := off
		for _, u := range ups {
			if u.ID < off {
				continue
			}
			if err := in.Put(inboxKey(u.ID), u.Raw); err != nil {
				return fmt.Errorf("keep update %d: %w", u.ID, err)
			}
			next = max(next, u.ID+1)
		}
		return putJSON(tx.Bucket(bucketBot), keyOffset, next)
	})
}

// Inbox is the updates received and not yet applied, by id.
func (db *DB) Inbox() ([]InboxUpdate, error) {
	var out []InboxUpdate
	err := db.bolt.View(func(tx *bolt.Tx) error {
		in := tx.Bucket(bucketInbox)
		if in == nil {
			return nil
		}
		return in.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				return fmt.Errorf("inbox key %x: not an update id", k)
			}
			out = append(out, InboxUpdate{ID: int(binary.BigEndian.Uint64(k)), Raw: append([]byte(nil), v...)})
			return nil
		})
	})
	return out, err
}

// takeInbox removes update id from the inbox and reports whether it was
// there.
func takeInbox(tx *bolt.Tx, id int) (bool, error) {
	in := tx.Bucket(bucketInbox)
	if in == nil || in.Get(inboxKey(id)) == nil {
		return false, nil
	}
	return true, in.Delete(inboxKey(id))
}
