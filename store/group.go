package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"

	"github.com/sct-langson/nhacviec/scheduler"
)

// Schema 4 groups the two indices every assignment is in while it is open:
// the time index of next steps (bucketPending) and the open assignments
// by due day (bucketOpen). An entry is keyed by the moment or day and the
// assignment key without its unit (plan|occurrence|), and lists the units
// it stands for, each with its step in the time index. The units of a
// task are planned together and share their steps and due day, so a first
// start writes one entry where it wrote five: at 100,000 tasks × 5 units
// those indices were 1.2 million of the 1.7 million keys it put, at about
// a microsecond each in bbolt.
//
// An entry's value is recordGroup, then its items in byte order of their
// names, each the name's length and bytes and the payload's length and
// bytes (the step's name and rank in the time index, nothing in the open
// index). An entry lists at least one item: the last one leaving deletes
// it. Entries of schema 2 and 3 (one per assignment: recordV2 or JSON
// in the time index, empty in the open index) are still read, for a
// database opened read-only before a daemon migrated it.
const recordGroup = 0x04

// groupSplit splits an assignment key into the part its index entry is
// keyed by and its item there: plan|occurrence| and the unit. A key that
// does not end with "|"+unit (none does) is its own group.
func groupSplit(a scheduler.Assignment) (prefix, item string) {
	if a.Unit != "" && strings.HasSuffix(a.Key, "|"+a.Unit) {
		n := len(a.Key) - len(a.Unit)
		return a.Key[:n], a.Key[n:]
	}
	return a.Key, ""
}

// groupItem is one item of an index entry.
type groupItem struct {
	name, payload []byte
}

// forEachGroupItem calls fn for each item of an entry's value, in order.
func forEachGroupItem(v []byte, fn func(groupItem) error) error {
	if len(v) == 0 || v[0] != recordGroup {
		return errCorrupt
	}
	v = v[1:]
	for len(v) > 0 {
		var it groupItem
		var ok bool
		if it.name, v, ok = groupBytes(v); !ok {
			return errCorrupt
		}
		if it.payload, v, ok = groupBytes(v); !ok {
			return errCorrupt
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// groupBytes reads a length and that many bytes.
func groupBytes(v []byte) (b, rest []byte, ok bool) {
	n, k := binary.Uvarint(v)
	if k <= 0 || n > uint64(len(v)-k) {
		return nil, nil, false
	}
	v = v[k:]
	return v[:n], v[n:], true
}

func appendGroupItem(dst []byte, name string, payload []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(name)))
	dst = append(dst, name...)
	dst = binary.AppendUvarint(dst, uint64(len(payload)))
	return append(dst, payload...)
}

// groupWith appends to dst the value of the entry old with item name set
// to payload (added, or replacing the item of that name). old is nil for
// a new entry.
func groupWith(dst, old []byte, name string, payload []byte) ([]byte, error) {
	dst = append(dst, recordGroup)
	added := false
	if old != nil {
		err := forEachGroupItem(old, func(it groupItem) error {
			c := bytes.Compare(it.name, []byte(name))
			if c >= 0 && !added {
				dst = appendGroupItem(dst, name, payload)
				added = true
			}
			if c != 0 {
				dst = appendGroupItem(dst, string(it.name), it.payload)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !added {
		dst = appendGroupItem(dst, name, payload)
	}
	return dst, nil
}

// groupWithout appends to dst the value of the entry old without the item
// name; empty reports that no item is left (the entry is to be deleted).
func groupWithout(dst, old []byte, name string) (v []byte, empty bool, err error) {
	dst = append(dst, recordGroup)
	n := 0
	err = forEachGroupItem(old, func(it groupItem) error {
		if string(it.name) != name {
			dst = appendGroupItem(dst, string(it.name), it.payload)
			n++
		}
		return nil
	})
	return dst, n == 0, err
}

// groupAdd sets item name of the index entry key to payload (kept, in a
// buffered transaction).
func (t schedTx) groupAdd(bucket, key []byte, name string, payload []byte) error {
	if t.w != nil {
		acc, err := t.group(bucket, key)
		if err != nil {
			return err
		}
		acc.set(name, payload) // kept by the caller
		return nil
	}
	old := t.tx.Bucket(bucket).Get(key)
	if old != nil && (len(old) == 0 || old[0] != recordGroup) {
		return fmt.Errorf("index %s entry %x is of an older schema", bucket, key)
	}
	v, err := groupWith(nil, old, name, payload)
	if err != nil {
		return fmt.Errorf("index %s entry %x: %w", bucket, key, err)
	}
	return t.tx.Bucket(bucket).Put(bytes.Clone(key), v) // bbolt keeps the key until the commit
}

// groupRemove removes item name from the index entry key, and the entry
// with its last item.
func (t schedTx) groupRemove(bucket, key []byte, name string) error {
	if t.w != nil {
		acc, err := t.group(bucket, key)
		if err != nil {
			return err
		}
		acc.remove(name)
		return nil
	}
	old := t.tx.Bucket(bucket).Get(key)
	if old == nil {
		return nil // nothing to remove (as a delete of a missing key)
	}
	v, empty, err := groupWithout(nil, old, name)
	if err != nil {
		return fmt.Errorf("index %s entry %x: %w", bucket, key, err)
	}
	if empty {
		return t.tx.Bucket(bucket).Delete(key)
	}
	return t.tx.Bucket(bucket).Put(bytes.Clone(key), v) // bbolt keeps the key until the commit
}

// groupAcc is an index entry as a buffered transaction changes it: read
// once, changed in place, written once when the transaction flushes (a
// first start adds each of a task's five units to the same entries).
type groupAcc struct {
	key     []byte
	items   []accItem // by name
	stored  bool      // the entry is in the file
	changed bool
}

type accItem struct {
	name    string
	payload []byte
}

func (g *groupAcc) find(name string) (int, bool) {
	return slices.BinarySearchFunc(g.items, name, func(it accItem, name string) int { return strings.Compare(it.name, name) })
}

func (g *groupAcc) set(name string, payload []byte) {
	i, found := g.find(name)
	if found {
		g.items[i].payload = payload
	} else {
		g.items = slices.Insert(g.items, i, accItem{name, payload})
	}
	g.changed = true
}

func (g *groupAcc) remove(name string) {
	if i, found := g.find(name); found {
		g.items = slices.Delete(g.items, i, i+1)
		g.changed = true
	}
}

// groupSet is a buffered transaction's changed entries of one index.
type groupSet struct {
	bucket []byte
	// byKey finds an entry by key; nil until a look-up needs it (a plan's
	// first Sync meets each entry once, its units one after the other).
	byKey map[string]*groupAcc
	list  []*groupAcc // in the order first met
	last  *groupAcc   // the entry met last: a task's units follow each other
}

// group returns the transaction's entry key of an index, read from the
// file the first time. In a fresh write (CreateFresh), an entry that is
// not the last one met is new: the entries of a plan with nothing stored
// are those of its occurrences, each met once with its units one after
// the other; should one be met twice, flushGroups merges the two.
func (t schedTx) group(bucket, key []byte) (*groupAcc, error) {
	w := t.w
	w.wrote = true
	var gs *groupSet
	for _, g := range w.groups {
		if bytes.Equal(g.bucket, bucket) {
			gs = g
		}
	}
	if gs == nil {
		gs = &groupSet{bucket: bucket}
		w.groups = append(w.groups, gs)
	}
	if gs.last != nil && bytes.Equal(gs.last.key, key) {
		return gs.last, nil
	}
	if !t.fresh {
		if gs.byKey == nil {
			gs.byKey = make(map[string]*groupAcc, len(gs.list))
			for _, acc := range gs.list {
				gs.byKey[string(acc.key)] = acc
			}
		}
		if acc := gs.byKey[string(key)]; acc != nil {
			gs.last = acc
			return acc, nil
		}
	}
	acc := &groupAcc{key: w.mem.add(key), items: make([]accItem, 0, 8)}
	if t.fresh {
		// no entry of this occurrence is stored
	} else if old := t.tx.Bucket(bucket).Get(key); old != nil {
		if len(old) == 0 || old[0] != recordGroup {
			return nil, fmt.Errorf("index %s entry %x is of an older schema", bucket, key)
		}
		acc.stored = true
		err := forEachGroupItem(old, func(it groupItem) error {
			acc.items = append(acc.items, accItem{string(it.name), w.mem.add(it.payload)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index %s entry %x: %w", bucket, key, err)
		}
	}
	if gs.byKey != nil {
		gs.byKey[string(key)] = acc
	}
	gs.list = append(gs.list, acc)
	gs.last = acc
	return acc, nil
}

// flushGroups buffers the write of every changed index entry, in key
// order (then the flush finds them sorted). Two entries of one key (met
// twice in fresh writes) are merged, the later items winning.
func (t schedTx) flushGroups() {
	for _, gs := range t.w.groups {
		if !slices.IsSortedFunc(gs.list, byGroupKey) {
			slices.SortStableFunc(gs.list, byGroupKey)
		}
		list := gs.list
		for i, acc := range list {
			if i+1 < len(list) && bytes.Equal(list[i+1].key, acc.key) {
				next := list[i+1]
				for _, it := range next.items {
					acc.set(it.name, it.payload)
				}
				next.items, next.stored, next.changed = acc.items, acc.stored || next.stored, acc.changed || next.changed
				continue
			}
			switch {
			case !acc.changed:
			case len(acc.items) == 0 && acc.stored:
				t.w.set(gs.bucket, acc.key, nil)
			case len(acc.items) > 0:
				v := append(t.scratch(), recordGroup)
				for _, it := range acc.items {
					v = appendGroupItem(v, it.name, it.payload)
				}
				t.w.set(gs.bucket, acc.key, t.keep(v))
			}
		}
	}
	t.w.groups = nil
}

func byGroupKey(x, y *groupAcc) int { return bytes.Compare(x.key, y.key) }

// appendStepPayload appends a pending step's payload in its time index
// entry: as the value of schema 3 without its layout byte (the moment
// again, with its zone, the step's name and rank).
func appendStepPayload(dst []byte, p scheduler.Pending) []byte {
	e := enc{b: dst}
	e.pending(p)
	return e.b
}

// forEachPending calls fn for each pending step of a time index entry, of
// either layout.
func forEachPending(k, v []byte, fn func(scheduler.Pending) error) error {
	if len(v) == 0 || v[0] != recordGroup {
		p, err := decodePending(k, v)
		if err != nil {
			return err
		}
		return fn(p)
	}
	if len(k) < 8 {
		return fmt.Errorf("decode pending %x: %w", k, errCorrupt)
	}
	prefix := k[8:]
	err := forEachGroupItem(v, func(it groupItem) error {
		d := dec{b: it.payload}
		p := d.pending(string(prefix) + string(it.name))
		if err := d.done("pending", k); err != nil {
			return err
		}
		return fn(p)
	})
	if err == errCorrupt {
		return fmt.Errorf("decode pending %x: %w", k, err)
	}
	return err
}

// forEachIndexed calls fn with the key of each assignment an index entry
// names: after a key prefix of n bytes (the moment or the day), the
// assignment key of an entry of schema 2 and 3, or the group's prefix and
// its items' names.
func forEachIndexed(k, v []byte, n int, fn func(key []byte) error) error {
	if len(k) < n {
		return fmt.Errorf("index entry %x: %w", k, errCorrupt)
	}
	if len(v) == 0 {
		return fn(k[n:])
	}
	var key []byte
	err := forEachGroupItem(v, func(it groupItem) error {
		key = append(append(key[:0], k[n:]...), it.name...)
		return fn(key)
	})
	if err == errCorrupt {
		return fmt.Errorf("index entry %x: %w", k, err)
	}
	return err
}

// groupMove keeps the grouped indices in step with an assignment written
// as a, stored before as old when found: its entry in the time index of
// next steps, and in the open index while it is open.
func (t schedTx) groupMove(a, old scheduler.Assignment, found bool) error {
	prefix, item := groupSplit(a)
	oldPrefix, oldItem := prefix, item
	if found {
		oldPrefix, oldItem = groupSplit(old)
	}
	// Keys built in one buffer of the transaction's (bbolt's Get would
	// move one on the stack to the heap): the entry keeps its own copy.
	var kb []byte
	if t.w != nil {
		kb = t.w.keys[:0]
		defer func() { t.w.keys = kb[:0] }()
	}
	timeKey := func(at time.Time, prefix string) []byte { kb = appendTimeKey(kb[:0], at, prefix); return kb }
	dateKey := func(d calendar.Date, prefix string) []byte { kb = appendDateKey(kb[:0], d, prefix); return kb }
	same := found && oldPrefix == prefix && oldItem == item
	hadNext := found && old.Next != nil
	switch {
	case same && hadNext && a.Next != nil && *old.Next == *a.Next:
		// the step does not move
	default:
		if hadNext && !(same && a.Next != nil && old.Next.At.UnixNano() == a.Next.At.UnixNano()) {
			if err := t.groupRemove(bucketPending, timeKey(old.Next.At, oldPrefix), oldItem); err != nil {
				return err
			}
		}
		if a.Next != nil {
			payload := t.keep(appendStepPayload(t.scratch(), *a.Next)) // the entry keeps it
			if err := t.groupAdd(bucketPending, timeKey(a.Next.At, prefix), item, payload); err != nil {
				return err
			}
		}
	}
	wasOpen := found && old.State == scheduler.StateOpen
	isOpen := a.State == scheduler.StateOpen
	if wasOpen && isOpen && same && old.DueDay == a.DueDay {
		return nil
	}
	if wasOpen {
		if err := t.groupRemove(bucketOpen, dateKey(old.DueDay, oldPrefix), oldItem); err != nil {
			return err
		}
	}
	if isOpen {
		return t.groupAdd(bucketOpen, dateKey(a.DueDay, prefix), item, nil)
	}
	return nil
}
