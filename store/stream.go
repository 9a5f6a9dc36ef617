package store

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// ForEachTask calls fn for every stored task of the plan ("" for all), in
// the order of Tasks (plan, active before archived, position in the
// document), reading one task at a time: it holds a small entry per task
// to order them, never the tasks themselves, and gives back the pages it
// read now and then (ReleaseMapped). One read transaction.
//
// Each task is decoded once, as it goes to fn: the first pass reads only
// what orders it (taskOrder: the plan's length, the position and the
// archived flag, stepping over the rest without allocating), and keeps the
// key and the value where bbolt maps them, valid until the transaction
// ends.
func (db *DB) ForEachTask(planCode string, fn func(TaskRecord) error) error {
	return db.forEachTask(planCode, nil, fn)
}

// ForEachTaskShared is ForEachTask for a caller that keeps the tasks (the
// daemon's): the strings and lists that tasks repeat are shared between
// those given to fn, as Tasks shares them, without holding every record
// twice as Tasks and a copy of its result would.
func (db *DB) ForEachTaskShared(planCode string, fn func(TaskRecord) error) error {
	return db.forEachTask(planCode, newInterner(), fn)
}

func (db *DB) forEachTask(planCode string, in *interner, fn func(TaskRecord) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		var prefix []byte
		if planCode != "" {
			prefix = []byte(TaskKey(planCode, ""))
		}
		type entry struct { // 64 bytes, nothing allocated besides
			key, value []byte // in the mapping: the sort must not read them
			index      int32  // in key order
			seq        int32
			plan       uint16 // in plans
			archived   bool
		}
		var order []entry
		var plans []string // the plan codes met, in key order
		c := b.Cursor()
		rel := db.NewReleaser()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rel.Read()
			o, err := taskOrder(k, v)
			if err != nil {
				return err
			}
			if o.plan >= len(k) || k[o.plan] != '|' {
				return fmt.Errorf("task %s: stored under the key of another plan", k)
			}
			if len(plans) == 0 || plans[len(plans)-1] != string(k[:o.plan]) {
				plans = append(plans, string(k[:o.plan]))
			}
			order = append(order, entry{key: k, value: v, index: int32(len(order)), seq: int32(o.seq), plan: uint16(len(plans) - 1), archived: o.archived})
		}
		// The plans by code: a plan's tasks come together in key order,
		// but "60/KH-SCT-2|…" before "60/KH-SCT|…".
		rank := make([]int, len(plans))
		for i, p := range plans {
			for _, q := range plans {
				if q < p {
					rank[i]++
				}
			}
		}
		// As Tasks sorts, stably from key order (the index): a stable sort
		// would cost O(n log² n) comparisons. Reading the keys here would
		// bring every page of the tasks back into memory at once.
		slices.SortFunc(order, func(a, b entry) int {
			if c := cmp.Compare(rank[a.plan], rank[b.plan]); c != 0 {
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
			rec, err := decodeTask(e.key, e.value)
			if err != nil {
				return err
			}
			if pl := len(rec.Plan); len(e.key) != pl+1+len(rec.ID) || string(e.key[:pl]) != rec.Plan || string(e.key[pl+1:]) != rec.ID {
				return fmt.Errorf("task %s: stored under the key %s", rec.Key(), e.key)
			}
			if rec.Seq != int(e.seq) || rec.Archived != e.archived || rec.Plan != plans[e.plan] {
				return fmt.Errorf("task %s: its order read apart from its record (position %d, archived %t) differs from the record's (%d, %t)",
					e.key, e.seq, e.archived, rec.Seq, rec.Archived)
			}
			if in != nil {
				in.task(&rec)
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// order is what orders a stored task in ForEachTask.
type order struct {
	plan     int // the plan code's length
	seq      int
	archived bool
}

// taskOrder reads the order of a stored task from its value without
// decoding it: the layout of encodeTask, every string, list and time
// stepped over. A value of schema 1 (JSON) is decoded.
func taskOrder(key, v []byte) (order, error) {
	if len(v) > 0 && v[0] == '{' {
		r, err := decodeTask(key, v)
		return order{plan: len(r.Plan), seq: r.Seq, archived: r.Archived}, err
	}
	d := dec{b: v}
	skipStr := func() { n := d.count(); d.b = d.b[n:] }
	skipStrs := func() {
		if n := d.uint(); n > 0 {
			for range n - 1 {
				if d.err != nil {
					return
				}
				skipStr()
			}
		}
	}
	skipTime := func() {
		switch d.byte() {
		case 0:
		case 1:
			d.int()
			d.uint()
		case 2:
			d.int()
			d.uint()
			d.int()
		default:
			d.fail()
		}
	}
	var o order
	if d.byte() != recordV2 {
		d.fail()
	}
	o.plan = d.count()
	d.b = d.b[o.plan:]
	o.seq = int(d.int())
	skipStr()     // id
	skipStr()     // section
	skipStrs()    // headings
	skipStr()     // text
	skipStr()     // timeline text
	skipStr()     // kind
	for range 5 { // year, half, quarter, month, day
		d.int()
	}
	skipStr()                 // every
	skipStr()                 // ref
	skipStrs()                // lead
	skipStrs()                // coord
	skipStr()                 // output
	skipStrs()                // lead ids
	skipStrs()                // coord ids
	if n := d.uint(); n > 0 { // lines
		for range n - 1 {
			if d.err != nil {
				break
			}
			d.int()
		}
	}
	skipTime() // created
	skipTime() // updated
	o.archived = d.bool()
	skipTime() // archived at
	return o, d.done("task", key)
}

// Releaser gives back the database pages a long read has read (see
// ReleaseMapped) every so many reads: every file size / 512 KB reads, at
// least 1,024. The kernel's walk of the mapping costs in proportion to
// the part of it ever touched, about the file, so the walks stay a
// constant share of the reads however large the file; between two walks,
// reads by key in another order than the file's (a 4 KB page each) hold a
// few MB (about 8 MB at 100,000 tasks). A Releaser serves one read
// transaction: it finds the mapping's range once.
type Releaser struct {
	db       *DB
	every, n int
	mapping  mapping
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
		_ = r.db.releaseMapped(&r.mapping) // only memory accounting is at stake
	}
}

// WriteFileAtomicWith writes what write writes to path like Backup does:
// through a synced temporary file and a rename, without holding it in
// memory.
func WriteFileAtomicWith(path string, write func(io.Writer) error) error {
	return writeFileAtomic(path, write)
}
