package store

import (
	"hash/maphash"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/scheduler"
)

// AssignmentCache keeps the assignments decoded by the last read through
// it, with a hash of each stored value, so that the next read decodes only
// the values that changed: a dashboard over 50,000 assignments then pays
// for one done mark, not for every assignment again. Safe for concurrent
// use; the zero value is ready.
type AssignmentCache struct {
	mu   sync.Mutex
	seed maphash.Seed
	init bool
	gen  uint64 // read number: entries not seen by the last read are gone
	seen map[string]*cachedAssignment
}

type cachedAssignment struct {
	sum uint64
	gen uint64
	a   scheduler.Assignment
}

// CachedAssignments returns every assignment, by key, as Assignments("")
// does, decoding only what changed since c's last read.
func (db *DB) CachedAssignments(c *AssignmentCache) ([]scheduler.Assignment, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		c.seed, c.init, c.seen = maphash.MakeSeed(), true, map[string]*cachedAssignment{}
	}
	c.gen++
	var out []scheduler.Assignment
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAssignments)
		if b == nil {
			return nil
		}
		out = make([]scheduler.Assignment, 0, len(c.seen))
		cur := b.Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			sum := maphash.Bytes(c.seed, v)
			e := c.seen[string(k)] // no allocation for the lookup
			if e == nil || e.sum != sum {
				a, err := decodeAssignment(k, v)
				if err != nil {
					return err
				}
				if e == nil {
					e = &cachedAssignment{}
					c.seen[string(k)] = e
				}
				e.sum, e.a = sum, a
			}
			e.gen = c.gen
			out = append(out, e.a)
		}
		return nil
	})
	if err != nil {
		c.seen = map[string]*cachedAssignment{} // start afresh next time
		return nil, err
	}
	for k, e := range c.seen {
		if e.gen != c.gen {
			delete(c.seen, k)
		}
	}
	return out, nil
}
