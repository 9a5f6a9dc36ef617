package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// ForEachOpenOf calls fn for the open assignments of one unit, by due day
// then key, as ForEachOpen orders them: it reads the index of open
// assignments and decodes only the unit's (an assignment's key ends with
// its unit), for a unit's page.
func (db *DB) ForEachOpenOf(unit string, fn func(scheduler.Assignment) error) error {
	suffix := []byte("|" + unit)
	return db.bolt.View(func(tx *bolt.Tx) error {
		t := newSchedTx(tx, false)
		b := tx.Bucket(bucketOpen)
		if b == nil { // a database of schema 1, opened to read
			return t.scanOpen(calendar.Date{Year: 1 << 15}, func(a scheduler.Assignment) error {
				if a.Unit != unit {
					return nil
				}
				return fn(a)
			})
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) < 4 || !bytes.HasSuffix(k[4:], suffix) {
				continue
			}
			err := t.indexed(k[4:], func(a scheduler.Assignment) error {
				if a.Unit != unit {
					return nil
				}
				return fn(a)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}
