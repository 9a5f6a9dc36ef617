package store

import bolt "go.etcd.io/bbolt"

// OutboxHas reports whether the outbox holds a message (pending, sent or
// failed) under every one of ids: what Enqueue would leave as it is, so a
// caller can skip building it.
func (db *DB) OutboxHas(ids ...string) (bool, error) {
	all := true
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		for _, id := range ids {
			if b.Get([]byte(id)) == nil {
				all = false
				return nil
			}
		}
		return nil
	})
	return all, err
}
