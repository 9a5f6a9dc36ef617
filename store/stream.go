package store

import (
	"bytes"
	"io"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ForEachTask calls fn for every stored task of the plan ("" for all), in
// the order of Tasks (plan, active before archived, position in the
// document), reading one task at a time: it holds a small entry per task
// to order them, never the tasks themselves, and gives back the pages it
// read now and then (ReleaseMapped). One read transaction.
func (db *DB) ForEachTask(planCode string, fn func(TaskRecord) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		var prefix []byte
		if planCode != "" {
			prefix = []byte(TaskKey(planCode, ""))
		}
		type entry struct {
			key      string
			plan     string
			seq      int
			archived bool
		}
		var order []entry
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(order)%1024 == 1023 {
				_ = db.ReleaseMapped()
			}
			e, err := decodeTask(k, v)
			if err != nil {
				return err
			}
			order = append(order, entry{key: string(k), plan: e.Plan, seq: e.Seq, archived: e.Archived})
		}
		slices.SortStableFunc(order, func(a, b entry) int { // as Tasks sorts
			if c := strings.Compare(a.plan, b.plan); c != 0 {
				return c
			}
			if a.archived != b.archived {
				if a.archived {
					return 1
				}
				return -1
			}
			return a.seq - b.seq
		})
		for i, e := range order {
			if i%1024 == 1023 {
				_ = db.ReleaseMapped() // see ReleaseMapped: only memory accounting is at stake
			}
			rec, err := decodeTask([]byte(e.key), b.Get([]byte(e.key)))
			if err != nil {
				return err
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteFileAtomicWith writes what write writes to path like Backup does:
// through a synced temporary file and a rename, without holding it in
// memory.
func WriteFileAtomicWith(path string, write func(io.Writer) error) error {
	return writeFileAtomic(path, write)
}
