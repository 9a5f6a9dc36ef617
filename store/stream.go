package store

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
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
		type entry struct { // 32 bytes: at 100,000 tasks they count
			key      string // plan|id
			index    int32  // in key order
			seq      int32
			plan     uint16 // the plan code is key[:plan]
			archived bool
		}
		var order []entry
		c := b.Cursor()
		rel := db.NewReleaser()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rel.Read()
			e, err := decodeTask(k, v)
			if err != nil {
				return err
			}
			if e.Key() != string(k) {
				return fmt.Errorf("task %s: stored under the key %s", e.Key(), k)
			}
			order = append(order, entry{key: string(k), index: int32(len(order)), seq: int32(e.Seq), plan: uint16(len(e.Plan)), archived: e.Archived})
		}
		// As Tasks sorts, stably from key order (the index): a stable sort
		// would cost O(n log² n) comparisons.
		slices.SortFunc(order, func(a, b entry) int {
			if c := strings.Compare(a.key[:a.plan], b.key[:b.plan]); c != 0 {
				return c
			}
			if a.archived != b.archived {
				if a.archived {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(a.seq, b.seq), cmp.Compare(a.index, b.index))
		})
		for _, e := range order {
			rel.Read()
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

// Releaser gives back the database pages a long read has read (see
// ReleaseMapped) every so many reads: every file size / 512 KB reads, at
// least 1,024. The kernel's walk of the mapping costs in proportion to
// the part of it ever touched, about the file, so the walks stay a
// constant share of the reads however large the file; between two walks,
// reads by key in another order than the file's (a 4 KB page each) hold a
// few MB (about 8 MB at 100,000 tasks).
type Releaser struct {
	db       *DB
	every, n int
}

// NewReleaser returns a Releaser of db's mapping.
func (db *DB) NewReleaser() *Releaser {
	size := int64(0)
	if fi, err := os.Stat(db.path); err == nil {
		size = fi.Size()
	}
	return &Releaser{db: db, every: max(1024, int(size/(512<<10)))}
}

// Read counts one read, and gives the pages back every r.every reads.
func (r *Releaser) Read() {
	r.n++
	if r.n%r.every == 0 {
		_ = r.db.ReleaseMapped() // only memory accounting is at stake
	}
}

// WriteFileAtomicWith writes what write writes to path like Backup does:
// through a synced temporary file and a rename, without holding it in
// memory.
func WriteFileAtomicWith(path string, write func(io.Writer) error) error {
	return writeFileAtomic(path, write)
}
