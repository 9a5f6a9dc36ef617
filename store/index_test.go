package store

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// indexStores are the two Stores the engine runs on: the database (a real
// file) and the preview's memory.
func indexStores(t *testing.T) map[string]scheduler.Store {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return map[string]scheduler.Store{"bbolt": db.Scheduler(), "memory": scheduler.NewMemStore()}
}

// TestForEachOpenAndDone: both stores list the open assignments due by a
// day, by due day then key, and the done ones since a moment, by done time;
// a change of state moves an assignment from one list to the other.
func TestForEachOpenAndDone(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	day := func(d int) calendar.Date { return calendar.Date{Year: 2024, Month: time.March, Day: d} }
	at := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, loc) }
	as := []scheduler.Assignment{
		{Key: "P|b@1|u", DueDay: day(5), State: scheduler.StateOpen},
		{Key: "P|a@1|u", DueDay: day(5), State: scheduler.StateOpen},
		{Key: "P|c@1|u", DueDay: day(2), State: scheduler.StateOpen},
		{Key: "P|d@1|u", DueDay: day(20), State: scheduler.StateOpen},
		{Key: "P|e@1|u", DueDay: day(1), State: scheduler.StateArchived},
		{Key: "P|f@1|u", DueDay: day(1), State: scheduler.StateDone, DoneAt: at(4)},
		{Key: "P|g@1|u", DueDay: day(1), State: scheduler.StateDone, DoneAt: at(2)},
		{Key: "P|h@1|u", DueDay: day(1), State: scheduler.StateDone, DoneAt: at(9)},
	}
	for name, st := range indexStores(t) {
		t.Run(name, func(t *testing.T) {
			err := st.Update(func(tx scheduler.Tx) error {
				for _, a := range as {
					if err := tx.PutAssignment(a); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			lists := func() (open, done []string) {
				t.Helper()
				err := st.View(func(tx scheduler.Tx) error {
					if err := tx.ForEachOpen(day(5), func(a scheduler.Assignment) error {
						open = append(open, a.Key)
						return nil
					}); err != nil {
						return err
					}
					return tx.ForEachDoneSince(at(3), func(a scheduler.Assignment) error {
						done = append(done, a.Key)
						return nil
					})
				})
				if err != nil {
					t.Fatal(err)
				}
				return open, done
			}
			open, done := lists()
			if want := []string{"P|c@1|u", "P|a@1|u", "P|b@1|u"}; !slices.Equal(open, want) {
				t.Errorf("open by 5/3 = %q, want %q", open, want)
			}
			if want := []string{"P|f@1|u", "P|h@1|u"}; !slices.Equal(done, want) {
				t.Errorf("done since 3/3 = %q, want %q", done, want)
			}
			// c is done at 3/3 10:00; f is reopened.
			err = st.Update(func(tx scheduler.Tx) error {
				c, _, _ := tx.Assignment("P|c@1|u")
				c.State, c.DoneAt = scheduler.StateDone, at(3).Add(time.Hour)
				f, _, _ := tx.Assignment("P|f@1|u")
				f.State, f.DoneAt, f.DueDay = scheduler.StateOpen, time.Time{}, day(3)
				if err := tx.PutAssignment(c); err != nil {
					return err
				}
				return tx.PutAssignment(f)
			})
			if err != nil {
				t.Fatal(err)
			}
			open, done = lists()
			if want := []string{"P|f@1|u", "P|a@1|u", "P|b@1|u"}; !slices.Equal(open, want) {
				t.Errorf("after the change, open by 5/3 = %q, want %q", open, want)
			}
			if want := []string{"P|c@1|u", "P|h@1|u"}; !slices.Equal(done, want) {
				t.Errorf("after the change, done since 3/3 = %q, want %q", done, want)
			}
		})
	}
}

// TestIndicesFollowTheEngine: after the engine's own writes (a sync, a
// round, done marks by the engine and by the bot's unbuffered
// transaction, an undo, archives by a sync without a task), the indices
// and the counts say what a scan of every assignment says.
func TestIndicesFollowTheEngine(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	e := testEngine(t, db)
	check := func(when string) {
		t.Helper()
		as, err := db.Assignments("")
		if err != nil {
			t.Fatal(err)
		}
		counts := map[scheduler.State]int{scheduler.StateOpen: 0, scheduler.StateDone: 0, scheduler.StateArchived: 0}
		for _, a := range as {
			counts[a.State]++
		}
		got, err := db.AssignmentCounts()
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, when+": counts", got, counts)
		through := calendar.Date{Year: 2025, Month: 1, Day: 1}
		since := time.Date(2024, 11, 1, 0, 0, 0, 0, loc)
		var open, done, scanOpen, scanDone []string
		err = db.Scheduler().View(func(tx scheduler.Tx) error {
			st := tx.(schedTx)
			collect := func(into *[]string) func(scheduler.Assignment) error {
				return func(a scheduler.Assignment) error { *into = append(*into, a.Key); return nil }
			}
			if err := st.ForEachOpen(through, collect(&open)); err != nil {
				return err
			}
			if err := st.ForEachDoneSince(since, collect(&done)); err != nil {
				return err
			}
			if err := st.scanOpen(through, collect(&scanOpen)); err != nil {
				return err
			}
			return st.scanDone(since, collect(&scanDone))
		})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, when+": open", open, scanOpen)
		sameJSON(t, when+": done", done, scanDone)
	}
	tasks := schedTasks()
	if _, err := e.Sync(tasks, time.Date(2024, 11, 1, 7, 0, 0, 0, loc)); err != nil {
		t.Fatal(err)
	}
	check("after the sync")
	if _, err := e.Fire(time.Date(2024, 11, 19, 8, 0, 0, 0, loc)); err != nil {
		t.Fatal(err)
	}
	as, _ := db.Assignments("")
	if len(as) != 2 {
		t.Fatalf("%d assignments, want 2", len(as))
	}
	if _, err := e.Complete(as[0].Key, "an", "cli", "", time.Date(2024, 11, 20, 9, 0, 0, 0, loc)); err != nil {
		t.Fatal(err)
	}
	check("after a done mark")
	err = db.ApplyChange(func(tx scheduler.Tx, _ func(AuditEntry) error) error {
		a, _, err := tx.Assignment(as[1].Key)
		if err != nil {
			return err
		}
		a.State, a.DoneAt, a.Next = scheduler.StateDone, time.Date(2024, 11, 21, 9, 0, 0, 0, loc), nil
		return tx.PutAssignment(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	check("after a done mark by the bot")
	if _, err := e.Reopen(as[0].Key); err != nil {
		t.Fatal(err)
	}
	check("after an undo")
	if _, err := e.Sync(tasks[1:], time.Date(2024, 11, 22, 7, 0, 0, 0, loc)); err != nil {
		t.Fatal(err)
	}
	check("after a sync without the first task")
	got, _ := db.AssignmentCounts()
	if got[scheduler.StateArchived] != 1 || got[scheduler.StateDone] != 1 {
		t.Errorf("counts %v, want 1 archived and 1 done", got)
	}
}

// TestBufferedWritesLastWins: in one transaction, a key's last write wins
// whatever came before (a pending step deleted and put again when it does
// not move), reads see the buffered writes, and the flush applies them.
func TestBufferedWritesLastWins(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := bucketRhythm
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(b).Put([]byte("gone"), []byte("old")); err != nil {
			return err
		}
		st := newSchedTx(tx, true)
		for _, w := range []struct{ k, v string }{{"k", "1"}, {"k", ""}, {"z", "z"}, {"k", "2"}, {"gone", "x"}, {"gone", ""}, {"a", "a"}} {
			var v []byte
			if w.v != "" {
				v = []byte(w.v)
			}
			if err := st.setRaw(b, []byte(w.k), v); err != nil {
				return err
			}
			if got, found := st.w.get(b, []byte(w.k)); !found || string(got) != w.v {
				t.Errorf("after writing %q to %q, the buffer reads %q (found %v)", w.v, w.k, got, found)
			}
		}
		// Many writes of a few keys: a sort that does not keep their order
		// would apply an older one last.
		for i := range 300 {
			var v []byte
			if i%5 != 0 {
				v = []byte(fmt.Sprint(i))
			}
			if err := st.setRaw(b, []byte(fmt.Sprint("m", i%7)), v); err != nil {
				return err
			}
		}
		return st.flush()
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"k": "2", "z": "z", "a": "a", "gone": ""}
	for i := range 300 {
		want[fmt.Sprint("m", i%7)] = map[bool]string{true: "", false: fmt.Sprint(i)}[i%5 == 0]
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		for k, want := range want {
			if got := string(tx.Bucket(b).Get([]byte(k))); got != want {
				t.Errorf("%q = %q, want %q", k, got, want)
			}
		}
		return nil
	})
}

// TestReusedListsStartEmpty: the write buffer's lists go from one
// transaction to the next; a transaction writes only its own writes, even
// when an earlier one wrote more to the same bucket or failed.
func TestReusedListsStartEmpty(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "n.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := bucketRhythm
	write := func(fail bool, kvs ...string) error {
		return db.bolt.Update(func(tx *bolt.Tx) error {
			st := newSchedTx(tx, true)
			for i := 0; i < len(kvs); i += 2 {
				var v []byte
				if kvs[i+1] != "" {
					v = []byte(kvs[i+1])
				}
				if err := st.setRaw(b, []byte(kvs[i]), v); err != nil {
					return err
				}
			}
			if err := st.flush(); err != nil {
				return err
			}
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
	}
	many := make([]string, 0, 2000)
	for i := range 1000 {
		many = append(many, fmt.Sprint("k", i), "1")
	}
	if err := write(false, many...); err != nil {
		t.Fatal(err)
	}
	if err := write(true, "x", "rolled"); err == nil {
		t.Fatal("the failing transaction did not fail")
	}
	// Deletes of what the first wrote, in lists that held its writes.
	dels := make([]string, 0, 2000)
	for i := range 1000 {
		dels = append(dels, fmt.Sprint("k", i), "")
	}
	if err := write(false, dels...); err != nil {
		t.Fatal(err)
	}
	if err := write(false, "only", "1"); err != nil {
		t.Fatal(err)
	}
	var got []string
	db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(b).ForEach(func(k, v []byte) error { got = append(got, string(k)+"="+string(v)); return nil })
	})
	if !slices.Equal(got, []string{"only=1"}) {
		t.Errorf("bucket holds %v, want [only=1]", got)
	}
}

// TestSortWritesIsStableByKey: sortWrites gives the order of a stable sort
// by key (a key's writes as made), for lists sorted, in runs, or not at
// all, with keys shorter and longer than the 8 bytes compared first.
func TestSortWritesIsStableByKey(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"", "a", "ab", "abcdefg", "abcdefgh", "abcdefgh\x00", "abcdefgh1", "abcdefgh2", "abcdefgi", "b", "\x00\x00\x07\xe9\x03\x03|1/KH|I.1@2025|u1"}
	for round := range 300 {
		n := r.IntN(200)
		list := make([]kv, n)
		for i := range list {
			k := keys[r.IntN(len(keys))]
			if r.IntN(2) == 0 {
				k += fmt.Sprint(r.IntN(50))
			}
			list[i] = kv{key: []byte(k), value: []byte(fmt.Sprint(i)), head: keyHead([]byte(k))}
		}
		if round%3 == 0 { // runs: sorted by head, then by key
			slices.SortStableFunc(list, func(x, y kv) int { return cmp.Compare(x.head, y.head) })
		}
		want := slices.Clone(list)
		slices.SortStableFunc(want, func(x, y kv) int { return bytes.Compare(x.key, y.key) })
		sortWrites(list)
		for i := range list {
			if !bytes.Equal(list[i].key, want[i].key) || !bytes.Equal(list[i].value, want[i].value) {
				t.Fatalf("round %d: at %d got %q=%q, want %q=%q", round, i, list[i].key, list[i].value, want[i].key, want[i].value)
			}
		}
	}
}
