package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// ForEachOpenOf calls fn for the open assignments of one unit, by due day
// then key, as ForEachOpen orders them: it reads the index of open
// assignments and decodes only the unit's (an entry lists its units), for
// a unit's page.
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
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) < 4 {
				return fmt.Errorf("index entry %x: %w", k, errCorrupt)
			}
			var keys [][]byte
			if len(v) == 0 { // an entry of schema 2 or 3: one assignment
				if bytes.HasSuffix(k[4:], suffix) {
					keys = append(keys, k[4:])
				}
			} else {
				err := forEachGroupItem(v, func(it groupItem) error {
					if string(it.name) == unit || len(it.name) == 0 {
						keys = append(keys, append(bytes.Clone(k[4:]), it.name...))
					}
					return nil
				})
				if err != nil {
					return fmt.Errorf("index entry %x: %w", k, err)
				}
			}
			for _, key := range keys {
				err := t.indexed(key, func(a scheduler.Assignment) error {
					if a.Unit != unit {
						return nil
					}
					return fn(a)
				})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}
