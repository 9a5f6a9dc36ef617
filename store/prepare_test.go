package store

import (
	"bytes"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/scheduler"
)

// unprepared hides the store's Preparer: Sync then writes every chunk in
// its own transaction as it plans it.
type unprepared struct{ scheduler.Store }

// countPrepared counts the transactions prepared.
type countPrepared struct {
	scheduler.Store
	p scheduler.Preparer
	n *int
}

func (c countPrepared) Prepare(fn func(scheduler.Tx) error) (func() error, error) {
	*c.n++
	return c.p.Prepare(fn)
}

// TestPreparedSyncAsUnprepared: a plan's first Sync with its chunks built
// ahead (Prepare, several chunks here) leaves a database file holding
// byte for byte what the same Sync writing each chunk in its transaction
// leaves, in every bucket; and a later Sync that changes the plan (no
// chunk prepared: the plan has assignments) does so too.
func TestPreparedSyncAsUnprepared(t *testing.T) {
	cfg := benchConfig(t)
	tasks := benchPlan(8500) // more than two chunks of 4,000
	dir := t.TempDir()
	open := func(name string) *DB {
		db, err := Open(filepath.Join(dir, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	a, b := open("prepared.db"), open("unprepared.db")
	defer a.Close()
	defer b.Close()
	prepared := 0
	st := a.Scheduler()
	ea := scheduler.New(cfg, countPrepared{st, st.(scheduler.Preparer), &prepared}, nil)
	eb := scheduler.New(cfg, unprepared{b.Scheduler()}, nil)
	sync := func(when string, tasks []scheduler.Task) {
		t.Helper()
		ra, err := ea.Sync(tasks, benchStart)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := eb.Sync(tasks, benchStart)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Created != rb.Created || ra.Updated != rb.Updated || ra.Archived != rb.Archived || ra.Created == 0 && when == "first" {
			t.Errorf("%s: prepared %+v, unprepared %+v", when, ra, rb)
		}
		sameBuckets(t, when, a, b)
	}
	sync("first", tasks)
	if prepared < 3 {
		t.Errorf("%d transactions prepared, want one per chunk (3)", prepared)
	}
	before := prepared
	changed := benchPlan(4500) // the engine keeps the first ones
	changed[7].LeadIDs = []string{"u1"}
	sync("changed", changed)
	if prepared != before {
		t.Errorf("a plan with assignments was prepared (%d transactions)", prepared-before)
	}
}

// sameBuckets compares every bucket of two databases, key and value.
func sameBuckets(t *testing.T, when string, a, b *DB) {
	t.Helper()
	dump := func(db *DB) map[string][][2][]byte {
		out := map[string][][2][]byte{}
		_ = db.bolt.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
				return bk.ForEach(func(k, v []byte) error {
					out[string(name)] = append(out[string(name)], [2][]byte{bytes.Clone(k), bytes.Clone(v)})
					return nil
				})
			})
		})
		return out
	}
	da, db := dump(a), dump(b)
	if len(da["assignments"]) == 0 {
		t.Fatalf("%s: no assignments", when)
	}
	for name, kvs := range da {
		other := db[name]
		if len(kvs) != len(other) {
			t.Errorf("%s: bucket %s holds %d keys prepared, %d unprepared", when, name, len(kvs), len(other))
			continue
		}
		for i := range kvs {
			if !bytes.Equal(kvs[i][0], other[i][0]) || !bytes.Equal(kvs[i][1], other[i][1]) {
				t.Errorf("%s: bucket %s differs at %q: %x / %q: %x", when, name, kvs[i][0], kvs[i][1], other[i][0], other[i][1])
				break
			}
		}
	}
	for name := range db {
		if _, ok := da[name]; !ok {
			t.Errorf("%s: bucket %s only unprepared", when, name)
		}
	}
}
