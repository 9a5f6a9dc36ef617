package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// bucketDash holds the dashboard's counts, kept by the transaction that
// changes an assignment (putAssignment), so that the overview of "now"
// reads a few hundred counts instead of every assignment:
//
//	plan 0 section 0 unit 0 'o' due day          → 8-byte count of open ones
//	plan 0 section 0 unit 0 'd' due day, slot    → 8-byte count of done ones
//
// Archived assignments are not counted. An open assignment's bucket (in
// time or overdue) depends on the day asked about, hence its due day. A
// done one is on time when marked before the end of its due day in the
// calendar's location; the store does not know that location (the config
// may change it), so the key keeps where the done mark fell relative to
// midnight UTC after the due day, in steps of 15 minutes, clamped to
// [-14 h, +12 h]: every time zone's offset lies in [-12 h, +14 h] and is a
// multiple of 15 minutes, so the reader can tell on time from late for any
// location (dashLate). Few keys: plans × sections × units × due days, and
// for done marks near a deadline one per quarter-hour at most.
var bucketDash = []byte("dash")

const (
	dashOpen = 'o'
	dashDone = 'd'
	// dashSlot is the step by which a done mark's distance to the deadline
	// is kept.
	dashSlot = 15 * time.Minute
	// dashMinSlot and dashMaxSlot clamp the slots: before -14 h a mark is on
	// time in every zone, from +12 h on it is late in every zone.
	dashMinSlot = -14*4 - 1
	dashMaxSlot = 12 * 4
	// dashSlotBias makes a slot a byte.
	dashSlotBias = 64
)

// dashKey is the key a's count is under; nil for an archived assignment.
func dashKey(a scheduler.Assignment) []byte { return appendDashKey(nil, a) }

// appendDashKey appends a's dashboard key to dst (nil for an archived
// one): a write moves its counts with keys built on its stack.
func appendDashKey(dst []byte, a scheduler.Assignment) []byte {
	if a.State == scheduler.StateArchived {
		return nil
	}
	section, _, _ := strings.Cut(a.TaskID, ".")
	k := slices.Grow(dst[:0], len(a.Plan)+len(section)+len(a.Unit)+9)
	k = append(k, a.Plan...)
	k = append(k, 0)
	k = append(k, section...)
	k = append(k, 0)
	k = append(k, a.Unit...)
	k = append(k, 0)
	if a.State != scheduler.StateDone {
		k = append(k, dashOpen)
		return appendDay(k, a.DueDay)
	}
	k = append(k, dashDone)
	k = appendDay(k, a.DueDay)
	return append(k, byte(doneSlot(a)+dashSlotBias))
}

func appendDay(k []byte, d calendar.Date) []byte {
	k = binary.BigEndian.AppendUint16(k, uint16(d.Year))
	return append(k, byte(d.Month), byte(d.Day))
}

// doneSlot is where a's done mark fell from midnight UTC after its due
// day, in dashSlots rounded down, clamped. A mark without a time counts as
// on time (report.Build takes it as made in time).
func doneSlot(a scheduler.Assignment) int {
	if a.DoneAt.IsZero() {
		return dashMinSlot
	}
	d := a.DoneAt.Sub(a.DueDay.AddDays(1).In(time.UTC))
	slot := d / dashSlot
	if d%dashSlot < 0 {
		slot-- // round down before midnight too
	}
	return int(max(dashMinSlot, min(dashMaxSlot, slot)))
}

// dashLate reports whether a done mark in slot, for an assignment due on
// day, was late in loc: made at or after the midnight ending day there.
// ok is false for a zone whose offset that day is not a whole quarter of
// an hour (none today).
func dashLate(day calendar.Date, slot int, loc *time.Location) (late, ok bool) {
	// The deadline's distance from midnight UTC (minus the zone's offset,
	// whatever DST does): late when the mark's slot is at or after it.
	d := day.AddDays(1).In(loc).Sub(day.AddDays(1).In(time.UTC))
	if d%dashSlot != 0 {
		return false, false
	}
	deadline := int(d / dashSlot)
	if deadline <= dashMinSlot || deadline > dashMaxSlot {
		return false, false
	}
	return slot >= deadline, true
}

// dashWrites are a transaction's changes to the dashboard's counts.
type dashWrites struct {
	checked, kept bool // whether the database keeps them (bucketDash exists)
	delta         map[string]*int64
}

// dashMove moves an assignment's count from its old key to its new one.
func (t schedTx) dashMove(old scheduler.Assignment, found bool, a scheduler.Assignment) error {
	var fromBuf, toBuf [64]byte
	var from []byte
	if found {
		from = appendDashKey(fromBuf[:0], old)
	}
	to := appendDashKey(toBuf[:0], a)
	if bytes.Equal(from, to) {
		return nil
	}
	if t.w == nil {
		b := t.tx.Bucket(bucketDash)
		if b == nil {
			return nil // a database of schema 2, being migrated
		}
		if err := addDash(b, bytes.Clone(from), -1); err != nil {
			return err
		}
		return addDash(b, bytes.Clone(to), 1)
	}
	dw := &t.w.dash
	if !dw.checked {
		dw.checked, dw.kept = true, t.tx.Bucket(bucketDash) != nil
	}
	if !dw.kept {
		return nil
	}
	if dw.delta == nil {
		dw.delta = map[string]*int64{}
	}
	dw.add(from, -1)
	dw.add(to, 1)
	return nil
}

// add adds d to the count of key (none when nil).
func (dw *dashWrites) add(key []byte, d int64) {
	if key == nil {
		return
	}
	if p := dw.delta[string(key)]; p != nil {
		*p += d
		return
	}
	dw.delta[string(key)] = &d
}

// flushDash applies a buffered transaction's changes to the counts.
func (t schedTx) flushDash() error {
	if len(t.w.dash.delta) == 0 {
		return nil
	}
	b := t.tx.Bucket(bucketDash)
	keys := make([]string, 0, len(t.w.dash.delta))
	for k := range t.w.dash.delta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := addDash(b, []byte(k), *t.w.dash.delta[k]); err != nil {
			return err
		}
	}
	t.w.dash.delta = nil
	return nil
}

// addDash adds d to the count under key; a count of zero is deleted.
func addDash(b *bolt.Bucket, key []byte, d int64) error {
	if key == nil || d == 0 {
		return nil
	}
	var n int64
	if v := b.Get(key); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += d
	if n <= 0 {
		// Below zero would be a bug in the keys above; the property test
		// compares the counts with a report of every assignment.
		return b.Delete(key)
	}
	return b.Put(key, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// buildDash counts every assignment into a new bucketDash, in tx.
func buildDash(tx *bolt.Tx) error {
	if tx.Bucket(bucketDash) != nil {
		if err := tx.DeleteBucket(bucketDash); err != nil {
			return err
		}
	}
	b, err := tx.CreateBucket(bucketDash)
	if err != nil {
		return err
	}
	counts := map[string]uint64{}
	c := tx.Bucket(bucketAssignments).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		a, err := decodeAssignment(k, v)
		if err != nil {
			return err
		}
		if key := dashKey(a); key != nil {
			counts[string(key)]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, counts[k])); err != nil {
			return err
		}
	}
	return nil
}

// migrateDash brings a database of schema 2 to schema 3: the dashboard's
// counts, built from every assignment, and the schema number in the same
// transaction, so a crash leaves either both or neither.
func (db *DB) migrateDash(log *slog.Logger) error {
	t0 := time.Now()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := buildDash(tx); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketMeta), keySchema, 3)
	})
	if err != nil {
		return fmt.Errorf("migrate %s to schema 3: %w", db.path, err)
	}
	_ = db.ReleaseMapped()
	log.Info("database migrated", "path", db.path, "schema", 3, "what", "dashboard counts",
		"took", time.Since(t0).Round(time.Millisecond).String())
	return nil
}

// DashCount is how many assignments of one plan's section and one unit
// are in each of the report's four buckets.
type DashCount struct {
	Plan, Section, Unit                   string
	DoneOnTime, DoneLate, InTime, Overdue int
}

// DashCounts returns the dashboard's counts as of at, the end of due days
// taken in loc, as report.Build would count every assignment that is not
// archived (the section is the task id's first part), ordered by plan,
// section and unit, zero counts left out. ok is false when the database
// keeps no counts (a database of an older schema opened read-only) or loc
// has an offset that is not a whole quarter of an hour: the caller then
// reads the assignments.
func (db *DB) DashCounts(at time.Time, loc *time.Location) (counts []DashCount, ok bool, err error) {
	byGroup := map[string]*DashCount{}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDash)
		if b == nil {
			return nil
		}
		ok = true
		group := func(plan, section, unit string) *DashCount {
			g := plan + "\x00" + section + "\x00" + unit
			dc := byGroup[g]
			if dc == nil {
				dc = &DashCount{Plan: plan, Section: section, Unit: unit}
				byGroup[g] = dc
			}
			return dc
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			parts := bytes.SplitN(k, []byte{0}, 4)
			if len(parts) != 4 || len(parts[3]) < 5 || len(v) != 8 {
				return fmt.Errorf("dashboard count %q: malformed", k)
			}
			n := int(binary.BigEndian.Uint64(v))
			rest := parts[3]
			day := calendar.Date{Year: int(binary.BigEndian.Uint16(rest[1:3])), Month: time.Month(rest[3]), Day: int(rest[4])}
			dc := group(string(parts[0]), string(parts[1]), string(parts[2]))
			switch {
			case rest[0] == dashOpen:
				addOpen(dc, day, at, loc, n)
			case rest[0] == dashDone && len(rest) == 6:
				late, known := dashLate(day, int(rest[5])-dashSlotBias, loc)
				if !known {
					ok = false
					return nil
				}
				if late {
					dc.DoneLate += n
				} else {
					dc.DoneOnTime += n
				}
			default:
				return fmt.Errorf("dashboard count %q: malformed", k)
			}
		}
		// A done mark made after at did not exist yet: such an assignment
		// counts as open (the done index holds them, usually none).
		return newSchedTx(tx, false).ForEachDoneSince(at.Add(time.Nanosecond), func(a scheduler.Assignment) error {
			if !a.DoneAt.After(at) {
				return nil
			}
			section, _, _ := strings.Cut(a.TaskID, ".")
			dc := group(a.Plan, section, a.Unit)
			if late, _ := dashLate(a.DueDay, doneSlot(a), loc); late {
				dc.DoneLate--
			} else {
				dc.DoneOnTime--
			}
			addOpen(dc, a.DueDay, at, loc, 1)
			return nil
		})
	})
	if err != nil || !ok {
		return nil, false, err
	}
	for _, dc := range byGroup {
		if dc.DoneOnTime+dc.DoneLate+dc.InTime+dc.Overdue > 0 {
			counts = append(counts, *dc)
		}
	}
	slices.SortFunc(counts, func(x, y DashCount) int {
		return cmp.Or(strings.Compare(x.Plan, y.Plan), strings.Compare(x.Section, y.Section), strings.Compare(x.Unit, y.Unit))
	})
	return counts, true, nil
}

// addOpen counts n open assignments due on day as report.Build does: in
// time until the end of the due day in loc, overdue after.
func addOpen(dc *DashCount, day calendar.Date, at time.Time, loc *time.Location, n int) {
	if at.Before(day.AddDays(1).In(loc)) {
		dc.InTime += n
	} else {
		dc.Overdue += n
	}
}
