package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

var (
	bucketAssignments = []byte("assignments")
	// bucketPending is the time index of next steps: timeKey(moment,
	// plan|occurrence|) → the units whose next step is then (group.go).
	bucketPending   = []byte("pending")
	bucketSteps     = []byte("steps")
	bucketOutbox    = []byte("outbox")     // message id → OutboxRecord
	bucketOutboxDue = []byte("outbox_due") // 8-byte next attempt + message id → nil
	// bucketCompletions lists done marks not yet reported to the office:
	// 8-byte done time + assignment key → 1.
	bucketCompletions = []byte("completions")
	// bucketRhythm keeps each recipient's digest rhythm: recipient id →
	// scheduler.Rhythm ("" is the engine's last round).
	bucketRhythm = []byte("rhythm")
	// bucketOpen indexes the open assignments by due day:
	// dateKey(due day, plan|occurrence|) → its open units (group.go).
	bucketOpen = []byte("open")
	// bucketDone indexes the done assignments by done time:
	// timeKey(done at, assignment key) → empty.
	bucketDone = []byte("done")
	// bucketCounts counts the assignments by state: state → 8-byte count.
	bucketCounts = []byte("counts")
)

// timeKey is an index key ordered by time: 8-byte big-endian Unix
// nanoseconds, then id.
func timeKey(t time.Time, id string) []byte {
	return appendTimeKey(make([]byte, 0, 8+len(id)), t, id)
}

// appendTimeKey appends timeKey(t, id) to dst.
func appendTimeKey(dst []byte, t time.Time, id string) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(t.UnixNano()))
	return append(dst, id...)
}

// Scheduler returns the scheduler.Store view of the database.
func (db *DB) Scheduler() scheduler.Store { return schedStore{db} }

type schedStore struct{ db *DB }

// Update runs fn in one bbolt transaction. Writes are buffered and applied
// in key order when fn returns: bbolt splits its nodes only at commit, so
// many inserts in random order into one node cost quadratic time, while
// inserts in key order append. A scan would have to apply the buffer
// first, and a flush between batches of writes is what the buffer exists
// to avoid (20 s became 313 s at 525k assignments): so fn reads first and
// then writes, and a scan after a write fails with
// scheduler.ErrReadAfterWrite.
// Point reads (Assignment, StepRecorded) see the buffered writes.
func (s schedStore) Update(fn func(scheduler.Tx) error) error {
	var n int
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		t := newSchedTx(tx, true)
		if err := fn(t); err != nil {
			return err
		}
		n = t.w.len()
		return t.flush()
	})
	if n >= releaseAfter {
		// A large transaction (a sync's chunk) read many of the file's
		// pages: they need not stay in the process's resident set.
		_ = s.db.ReleaseMapped()
	}
	return err
}

// releaseAfter is the number of writes after which a transaction gives
// back the file pages it read.
const releaseAfter = 10000

func (s schedStore) View(fn func(scheduler.Tx) error) error {
	return s.db.bolt.View(func(tx *bolt.Tx) error { return fn(newSchedTx(tx, false)) })
}

// writes buffers puts (value) and deletes (nil) per bucket, in the order
// made; a key's last write wins.
type writes struct {
	b map[string]*bucketWrites
	// wrote is set by the first write and stays set.
	wrote bool
	// counts are the changes to the counts by state.
	counts map[scheduler.State]int64
	// dash are the changes to the dashboard's counts (dashcounts.go).
	dash dashWrites
	// mem holds the keys and values of the buffered writes, in blocks:
	// bbolt keeps the values until the commit, and a first start's
	// 2 million small buffers were a tenth of its allocations.
	mem arena
	// scratch is where keys and values are built before kept.
	scratch []byte
	// groups are the entries of the grouped indices the transaction
	// changes, by bucket and key (group.go).
	groups []*groupSet
	// keys is where index entries' keys are built (group.go).
	keys []byte
}

// scratch returns a buffer to build one key or value in, for keep: the
// write buffer's, or nil (a new one) when the transaction does not buffer.
func (t schedTx) scratch() []byte {
	if t.w == nil {
		return nil
	}
	return t.w.scratch[:0]
}

// keep returns b, built in scratch(), to be written in the transaction: a
// copy in the write buffer's blocks when it buffers, else b itself.
func (t schedTx) keep(b []byte) []byte {
	if t.w == nil {
		return b
	}
	t.w.scratch = b[:0]
	return t.w.mem.add(b)
}

// bucketWrites are one bucket's buffered writes: a list (a map per key
// cost a third of a first start's buffering), indexed by key only once a
// read asks for one.
type bucketWrites struct {
	list  []kv
	index map[string]int // key → its last write in list; nil until a get
}

// kv is one buffered write of a bucket: value nil deletes.
type kv struct {
	key, value []byte
	head       uint64 // the key's first 8 bytes, big-endian: most comparisons end there
	seq        int    // its place in the list, set by sortWrites
}

// keyHead is k's first 8 bytes as a number that sorts as they do.
func keyHead(k []byte) uint64 {
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

// byHeadThenSeq is a stable order by head for an unstable sort.
func byHeadThenSeq(x, y kv) int {
	if c := cmp.Compare(x.head, y.head); c != 0 {
		return c
	}
	return cmp.Compare(x.seq, y.seq)
}

func byKey(x, y kv) int {
	if c := cmp.Compare(x.head, y.head); c != 0 {
		return c
	}
	return bytes.Compare(x.key, y.key)
}

// sortWrites orders a bucket's writes by key, a key's writes as they were
// made (the last wins). Sync's writes come in runs already sorted: by task
// key, and in the indices by day or moment then task key. Sorting on the
// keys' heads (numbers, ties in the order made) then mostly leaves a
// sorted list, checked in one pass; the full comparison sorts what it
// does not.
func sortWrites(list []kv) {
	if slices.IsSortedFunc(list, byKey) {
		return
	}
	for i := range list {
		list[i].seq = i
	}
	slices.SortFunc(list, byHeadThenSeq) // pdqsort on numbers: a stable sort moved 56-byte writes a lot
	if !slices.IsSortedFunc(list, byKey) {
		slices.SortStableFunc(list, byKey)
	}
}

// lists keeps the buffers of past transactions' writes for the next ones:
// a Sync writes 20,000 keys per bucket in each of its transactions, and
// growing a new list for each one allocated more than the records. (A
// sync.Pool would not do: it empties at every collection, and a Sync
// collects often.)
var lists struct {
	sync.Mutex
	free [][]kv
}

// maxFreeLists bounds the lists kept: a few buckets' worth.
const maxFreeLists = 16

func newList() []kv {
	lists.Lock()
	defer lists.Unlock()
	if n := len(lists.free); n > 0 {
		l := lists.free[n-1]
		lists.free = lists.free[:n-1]
		return l
	}
	return make([]kv, 0, 256)
}

// freeList gives a flushed list back: bbolt keeps the keys and values
// until the commit, not the list.
func freeList(l []kv) {
	clear(l)
	lists.Lock()
	defer lists.Unlock()
	if len(lists.free) < maxFreeLists {
		lists.free = append(lists.free, l[:0])
	}
}

func (w *writes) set(bucket []byte, key, value []byte) {
	if w == nil {
		return
	}
	w.wrote = true
	if w.b == nil {
		w.b = map[string]*bucketWrites{}
	}
	bw := w.b[string(bucket)]
	if bw == nil {
		bw = &bucketWrites{list: newList()}
		w.b[string(bucket)] = bw
	}
	bw.list = append(bw.list, kv{key: key, value: value, head: keyHead(key)})
	if bw.index != nil {
		bw.index[string(key)] = len(bw.list) - 1
	}
}

// get returns a buffered value; found reports whether the key is buffered
// (value nil then means deleted).
func (w *writes) get(bucket, key []byte) (value []byte, found bool) {
	if w == nil {
		return nil, false
	}
	bw := w.b[string(bucket)]
	if bw == nil {
		return nil, false
	}
	if bw.index == nil {
		bw.index = make(map[string]int, len(bw.list))
		for i, wr := range bw.list {
			bw.index[string(wr.key)] = i
		}
	}
	i, found := bw.index[string(key)]
	if !found {
		return nil, false
	}
	return bw.list[i].value, true
}

// len is the number of buffered writes.
func (w *writes) len() int {
	n := 0
	for _, bw := range w.b {
		n += len(bw.list)
	}
	return n
}

type schedTx struct {
	tx *bolt.Tx
	w  *writes
	// fresh is set while writing an assignment of a plan that has none
	// stored (CreateFresh): the grouped indices hold no entry of its
	// occurrence to read.
	fresh bool
}

// newSchedTx returns the scheduler's view of a bbolt transaction. With
// buffered false every write goes straight to bbolt.
func newSchedTx(tx *bolt.Tx, buffered bool) schedTx {
	if buffered {
		return schedTx{tx: tx, w: &writes{}}
	}
	return schedTx{tx: tx}
}

// setRaw buffers a write, or applies it at once when unbuffered.
func (t schedTx) setRaw(bucket, key, value []byte) error {
	if t.w != nil {
		t.w.set(bucket, key, value)
		return nil
	}
	if value == nil {
		return t.tx.Bucket(bucket).Delete(key)
	}
	return t.tx.Bucket(bucket).Put(key, value)
}

// scan checks that a scanning read may run: never after a buffered write.
func (t schedTx) scan() error {
	if t.w != nil && t.w.wrote {
		return scheduler.ErrReadAfterWrite
	}
	return nil
}

// count changes the count of assignments in state st by d.
func (t schedTx) count(st scheduler.State, d int64) error {
	if t.w == nil {
		return addCount(t.tx, st, d)
	}
	if t.w.counts == nil {
		t.w.counts = map[scheduler.State]int64{}
	}
	t.w.counts[st] += d
	return nil
}

func addCount(tx *bolt.Tx, st scheduler.State, d int64) error {
	if d == 0 {
		return nil
	}
	b := tx.Bucket(bucketCounts)
	var n uint64
	if v := b.Get([]byte(st)); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put([]byte(st), binary.BigEndian.AppendUint64(nil, n+uint64(d)))
}

// fillPercent is how full bbolt fills a page it splits, for the buckets
// that grow mostly by appending in key order (the buffer sorts each
// transaction's writes): half-empty pages, bbolt's default, made the file
// twice as large as its records.
const fillPercent = 0.9

// appendBuckets are the buckets filled that way (the time index too: a
// sync's steps come in runs of the same few moments, each run in key
// order).
var appendBuckets = [][]byte{bucketAssignments, bucketPending, bucketSteps, bucketOpen, bucketDone, bucketSynced}

// flush applies the buffered writes in key order, when fn returns.
// parallelSortMin is the length from which a list is sorted in its own
// goroutine.
const parallelSortMin = 4096

func (t schedTx) flush() error {
	if t.w == nil {
		return nil
	}
	t.flushGroups()
	for st, d := range t.w.counts {
		if err := addCount(t.tx, st, d); err != nil {
			return err
		}
	}
	t.w.counts = nil
	if err := t.flushDash(); err != nil {
		return err
	}
	for _, name := range appendBuckets {
		t.tx.Bucket(name).FillPercent = fillPercent
	}
	// The lists are sorted side by side while the first ones are written:
	// bbolt's writes keep one core busy, the sorting another.
	names := slices.Sorted(maps.Keys(t.w.b))
	sorted := make([]chan struct{}, len(names))
	for i, name := range names {
		sorted[i] = make(chan struct{})
		if len(t.w.b[name].list) < parallelSortMin {
			sortWrites(t.w.b[name].list)
			close(sorted[i])
			continue
		}
		go func() {
			defer close(sorted[i])
			sortWrites(t.w.b[name].list)
		}()
	}
	for i, name := range names {
		<-sorted[i]
		bw := t.w.b[name]
		b := t.tx.Bucket([]byte(name))
		list := bw.list
		for i, wr := range list {
			if i+1 < len(list) && bytes.Equal(list[i+1].key, wr.key) {
				continue // a later write of the same key wins
			}
			var err error
			if wr.value == nil {
				err = b.Delete(wr.key)
			} else {
				err = b.Put(wr.key, wr.value)
			}
			if err != nil {
				return fmt.Errorf("write %s %q: %w", name, wr.key, err)
			}
		}
		freeList(list)
		bw.list = nil
	}
	t.w.b = nil
	return nil
}

func (t schedTx) Assignment(key string) (scheduler.Assignment, bool, error) {
	raw, found := t.w.get(bucketAssignments, []byte(key))
	if !found {
		raw = t.tx.Bucket(bucketAssignments).Get([]byte(key))
	}
	if raw == nil {
		return scheduler.Assignment{}, false, nil
	}
	a, err := decodeAssignment([]byte(key), raw)
	return a, true, err
}

// PutAssignment writes a and keeps every index of assignments in step:
// the time index of next steps, the completions to report, the open ones
// by due day, the done ones by done time, the counts by state and the
// dashboard's counts.
func (t schedTx) PutAssignment(a scheduler.Assignment) error {
	old, found, err := t.Assignment(a.Key)
	if err != nil {
		return err
	}
	return t.putAssignment(a, old, found)
}

// CreateAssignment writes a new assignment without looking for an old one.
func (t schedTx) CreateAssignment(a scheduler.Assignment) error {
	return t.putAssignment(a, scheduler.Assignment{}, false)
}

// CreateFresh writes a new assignment of a plan with no assignment stored
// (its first Sync; scheduler.FreshCreator): as CreateAssignment, without
// looking for its occurrence's index entries, which only stored
// assignments have.
func (t schedTx) CreateFresh(a scheduler.Assignment) error {
	t.fresh = t.w != nil
	return t.putAssignment(a, scheduler.Assignment{}, false)
}

func (t schedTx) putAssignment(a, old scheduler.Assignment, found bool) error {
	raw, err := appendAssignment(t.scratch(), a)
	if err != nil {
		return err
	}
	raw = t.keep(raw)
	timeKey := func(at time.Time) []byte { return t.keep(appendTimeKey(t.scratch(), at, a.Key)) }
	var buf [4]write // at most 3: a put and a delete in completions, one in done
	idx := buf[:0]
	wasDone := found && old.State == scheduler.StateDone
	switch {
	case a.State == scheduler.StateDone && !wasDone:
		idx = append(idx, write{bucketCompletions, timeKey(a.DoneAt), reportedNot})
	case a.State != scheduler.StateDone && wasDone:
		idx = append(idx, write{bucketCompletions, timeKey(old.DoneAt), nil})
	}
	if wasDone && (a.State != scheduler.StateDone || !a.DoneAt.Equal(old.DoneAt)) {
		idx = append(idx, write{bucketDone, timeKey(old.DoneAt), nil})
	}
	if a.State == scheduler.StateDone {
		idx = append(idx, write{bucketDone, timeKey(a.DoneAt), empty})
	}
	for _, w := range idx {
		if err := t.setRaw(w.bucket, w.key, w.value); err != nil {
			return err
		}
	}
	if err := t.groupMove(a, old, found); err != nil {
		return err
	}
	if !found || old.State != a.State {
		if found {
			if err := t.count(old.State, -1); err != nil {
				return err
			}
		}
		if err := t.count(a.State, 1); err != nil {
			return err
		}
	}
	if err := t.dashMove(old, found, a); err != nil {
		return err
	}
	return t.setRaw(bucketAssignments, t.keep(append(t.scratch(), a.Key...)), raw)
}

// empty and reportedNot are the values of index entries: shared, as
// bbolt never changes a value.
var empty, reportedNot = []byte{}, []byte{1}

// write is one write to a bucket: value nil deletes.
type write struct {
	bucket, key, value []byte
}

// dateKey is an index key ordered by day: 2-byte year, month, day, then id.
func dateKey(d calendar.Date, id string) []byte {
	return appendDateKey(make([]byte, 0, 4+len(id)), d, id)
}

// appendDateKey appends dateKey(d, id) to dst.
func appendDateKey(dst []byte, d calendar.Date, id string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(d.Year))
	dst = append(dst, byte(d.Month), byte(d.Day))
	return append(dst, id...)
}

func (t schedTx) Completions(until time.Time) ([]string, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var keys []string
	end := uint64(until.UnixNano())
	c := t.tx.Bucket(bucketCompletions).Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k[:8]) <= end; k, _ = c.Next() {
		keys = append(keys, string(k[8:]))
	}
	return keys, nil
}

func (t schedTx) Reported(key string) error {
	a, ok, err := t.Assignment(key)
	if err != nil || !ok {
		return err
	}
	return t.setRaw(bucketCompletions, timeKey(a.DoneAt, key), nil)
}

func (t schedTx) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	var prefix []byte
	if plan != "" {
		prefix = []byte(plan + "|")
	}
	return t.forEachPrefix(prefix, fn)
}

// forEachPrefix calls fn for every assignment whose key starts with
// prefix, in key order.
func (t schedTx) forEachPrefix(prefix []byte, fn func(scheduler.Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	c := t.tx.Bucket(bucketAssignments).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		a, err := decodeAssignment(k, v)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

func (t schedTx) Due(until time.Time, limit int) ([]scheduler.Pending, error) {
	if err := t.scan(); err != nil {
		return nil, err
	}
	var out []scheduler.Pending
	end := uint64(until.UnixNano())
	c := t.tx.Bucket(bucketPending).Cursor()
	for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
		if binary.BigEndian.Uint64(k[:8]) > end {
			break
		}
		err := forEachPending(k, v, func(p scheduler.Pending) error {
			if len(out) == limit {
				return errLimit
			}
			out = append(out, p)
			return nil
		})
		if err != nil && err != errLimit {
			return nil, err
		}
	}
	return out, nil
}

// errLimit stops a walk at its limit.
var errLimit = errors.New("limit reached")

func (t schedTx) NextDue() (scheduler.Pending, bool, error) {
	if err := t.scan(); err != nil {
		return scheduler.Pending{}, false, err
	}
	k, v := t.tx.Bucket(bucketPending).Cursor().First()
	if k == nil {
		return scheduler.Pending{}, false, nil
	}
	var first scheduler.Pending
	err := forEachPending(k, v, func(p scheduler.Pending) error {
		first = p
		return errLimit
	})
	if err != nil && err != errLimit {
		return first, false, err
	}
	return first, true, nil
}

func (t schedTx) StepRecorded(key string) (bool, error) {
	if v, found := t.w.get(bucketSteps, []byte(key)); found {
		return v != nil, nil
	}
	return t.tx.Bucket(bucketSteps).Get([]byte(key)) != nil, nil
}

func (t schedTx) RecordStep(r scheduler.StepRecord) error {
	return t.setRaw(bucketSteps, []byte(r.Key), encodeStep(r))
}

func (t schedTx) Enqueue(m *notify.Message) error {
	return enqueue(t.tx, m)
}

// StepRecords returns every recorded step, by key (for tests and reports).
func (db *DB) StepRecords() (map[string]scheduler.StepRecord, error) {
	out := map[string]scheduler.StepRecord{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSteps).ForEach(func(k, v []byte) error {
			r, err := decodeStep(k, v)
			if err != nil {
				return err
			}
			out[string(k)] = r
			return nil
		})
	})
	return out, err
}

// Assignments returns every assignment of a plan ("" for all), by key.
func (db *DB) Assignments(plan string) ([]scheduler.Assignment, error) {
	var out []scheduler.Assignment
	err := db.Scheduler().View(func(tx scheduler.Tx) error {
		return tx.ForEachAssignment(plan, func(a scheduler.Assignment) error {
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// AssignmentCounts counts the assignments by state (for metrics): the
// counts PutAssignment keeps, read without visiting any assignment.
func (db *DB) AssignmentCounts() (map[scheduler.State]int, error) {
	out := map[scheduler.State]int{}
	for _, st := range stateCodes {
		out[st] = 0
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCounts)
		if b == nil { // a database of schema 1, opened to read
			return newSchedTx(tx, false).ForEachAssignment("", func(a scheduler.Assignment) error {
				out[a.State]++
				return nil
			})
		}
		for _, st := range stateCodes {
			if v := b.Get([]byte(st)); len(v) == 8 {
				out[st] = int(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	return out, err
}

func (t schedTx) Rhythm(id string) (scheduler.Rhythm, error) {
	var r scheduler.Rhythm
	if t.tx.Bucket(bucketRhythm) == nil { // a database of an older nhacviec, opened to read
		return r, nil
	}
	raw, found := t.w.get(bucketRhythm, []byte("r|"+id))
	if !found {
		raw = t.tx.Bucket(bucketRhythm).Get([]byte("r|" + id))
	}
	if raw == nil {
		return r, nil
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("decode rhythm %q: %w", id, err)
	}
	return r, nil
}

func (t schedTx) PutRhythm(id string, r scheduler.Rhythm) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode rhythm %q: %w", id, err)
	}
	return t.setRaw(bucketRhythm, []byte("r|"+id), raw)
}

// ForEachOpen reads the index of open assignments by due day.
func (t schedTx) ForEachOpen(through calendar.Date, fn func(scheduler.Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketOpen)
	if b == nil { // a database of schema 1, opened to read
		return t.scanOpen(through, fn)
	}
	end := dateKey(through, "")
	c := b.Cursor()
	for k, v := c.First(); k != nil && bytes.Compare(k[:4], end) <= 0; k, v = c.Next() {
		err := forEachIndexed(k, v, 4, func(key []byte) error { return t.indexed(key, fn) })
		if err != nil {
			return err
		}
	}
	return nil
}

// ForEachDoneSince reads the index of done assignments by done time.
func (t schedTx) ForEachDoneSince(since time.Time, fn func(scheduler.Assignment) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketDone)
	if b == nil { // a database of schema 1, opened to read
		return t.scanDone(since, fn)
	}
	c := b.Cursor()
	k, _ := c.First()
	if !since.IsZero() {
		k, _ = c.Seek(timeKey(since, ""))
	}
	for ; k != nil; k, _ = c.Next() {
		if err := t.indexed(k[8:], fn); err != nil {
			return err
		}
	}
	return nil
}

// indexed calls fn with the assignment an index entry names.
func (t schedTx) indexed(key []byte, fn func(scheduler.Assignment) error) error {
	v := t.tx.Bucket(bucketAssignments).Get(key)
	if v == nil {
		return fmt.Errorf("index names assignment %q, which is not stored", key)
	}
	a, err := decodeAssignment(key, v)
	if err != nil {
		return err
	}
	return fn(a)
}

// scanOpen is ForEachOpen without the index.
func (t schedTx) scanOpen(through calendar.Date, fn func(scheduler.Assignment) error) error {
	return t.scanSorted(func(a scheduler.Assignment) bool {
		return a.State == scheduler.StateOpen && !a.DueDay.After(through)
	}, func(a, b scheduler.Assignment) int { return a.DueDay.Compare(b.DueDay) }, fn)
}

// scanDone is ForEachDoneSince without the index.
func (t schedTx) scanDone(since time.Time, fn func(scheduler.Assignment) error) error {
	return t.scanSorted(func(a scheduler.Assignment) bool {
		return a.State == scheduler.StateDone && !a.DoneAt.Before(since)
	}, func(a, b scheduler.Assignment) int { return a.DoneAt.Compare(b.DoneAt) }, fn)
}

// scanSorted calls fn for the assignments keep takes, ordered by order
// then key, reading every assignment.
func (t schedTx) scanSorted(keep func(scheduler.Assignment) bool, order func(a, b scheduler.Assignment) int, fn func(scheduler.Assignment) error) error {
	var as []scheduler.Assignment
	err := t.ForEachAssignment("", func(a scheduler.Assignment) error {
		if keep(a) {
			as = append(as, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(as, func(a, b scheduler.Assignment) int { return cmp.Or(order(a, b), strings.Compare(a.Key, b.Key)) })
	for _, a := range as {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}
