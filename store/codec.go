package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// The records written most (assignments, their pending steps, produced
// steps) are kept in a compact binary layout, schema 2, instead of JSON:
// at 600,000 assignments JSON cost 1.35 KB each and most of a start's CPU.
//
// Every binary record starts with recordV2 (an index entry of schema 4
// with recordGroup, group.go); a value starting with '{' is
// the JSON of schema 1, still read (a database being migrated, or opened
// read-only). Numbers are varints; a string is its length then its bytes; a
// time is a kind byte (0 zero, 1 UTC, 2 with an offset), then its Unix
// seconds, nanoseconds and offset. Fields that the key already holds (the
// assignment's plan, occurrence and unit) are not repeated in the value.
const recordV2 = 0x02

// errCorrupt is returned for a value that does not decode.
var errCorrupt = errors.New("corrupt record")

// enc appends a record.
type enc struct{ b []byte }

func (e *enc) byte(c byte)   { e.b = append(e.b, c) }
func (e *enc) uint(u uint64) { e.b = binary.AppendUvarint(e.b, u) }
func (e *enc) int(i int64)   { e.b = binary.AppendVarint(e.b, i) }
func (e *enc) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bool(v bool)   { e.byte(boolByte(v)) }
func (e *enc) date(d calendar.Date) {
	e.int(int64(d.Year))
	e.byte(byte(d.Month))
	e.byte(byte(d.Day))
}

func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	// As JSON does: a zero offset is read back as UTC, any other as an
	// unnamed fixed zone.
	_, off := t.Zone()
	if off == 0 {
		e.byte(1)
	} else {
		e.byte(2)
	}
	e.int(t.Unix())
	e.uint(uint64(t.Nanosecond()))
	if off != 0 {
		e.int(int64(off))
	}
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// dec reads a record; the first error sticks and later reads return zeros.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *dec) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *dec) uint() uint64 {
	u, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return u
}

func (d *dec) int() int64 {
	i, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return i
}

// count reads a length and checks it against what is left (each element
// takes at least one byte), so that a corrupt length never allocates.
func (d *dec) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *dec) str() string {
	n := d.count()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) bool() bool { return d.byte() == 1 }

func (d *dec) date() calendar.Date {
	y := d.int()
	m := d.byte()
	day := d.byte()
	return calendar.Date{Year: int(y), Month: time.Month(m), Day: int(day)}
}

func (d *dec) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		s, ns := d.int(), d.uint()
		return time.Unix(s, int64(ns)).UTC()
	case 2:
		s, ns, off := d.int(), d.uint(), d.int()
		return time.Unix(s, int64(ns)).In(zone(int(off)))
	default:
		d.fail()
		return time.Time{}
	}
}

// zones are the fixed zones of decoded times, one per offset, as JSON's
// decoding gives them (an unnamed fixed zone).
var zones sync.Map // int → *time.Location

func zone(off int) *time.Location {
	if z, ok := zones.Load(off); ok {
		return z.(*time.Location)
	}
	z, _ := zones.LoadOrStore(off, time.FixedZone("", off))
	return z.(*time.Location)
}

func (d *dec) done(what string, key []byte) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt // trailing bytes: not a record of this layout
	}
	if d.err != nil {
		return fmt.Errorf("decode %s %q: %w", what, key, d.err)
	}
	return nil
}

// How an assignment record holds its plan, occurrence, unit and task id.
const (
	namesInKey   = 0 // lengths: the names are parts of the key
	namesInValue = 1 // the names themselves
)

var stateCodes = []scheduler.State{scheduler.StateOpen, scheduler.StateDone, scheduler.StateArchived}

func stateCode(s scheduler.State) (byte, error) {
	for i, c := range stateCodes {
		if c == s {
			return byte(i), nil
		}
	}
	return 0, fmt.Errorf("unknown assignment state %q", s)
}

// encodeAssignment is a's value; its key is a.Key, which must be
// plan|occurrence|unit with occurrence starting with the task id.
func encodeAssignment(a scheduler.Assignment) ([]byte, error) {
	return appendAssignment(make([]byte, 0, 64), a)
}

// appendAssignment appends a's value to dst.
func appendAssignment(dst []byte, a scheduler.Assignment) ([]byte, error) {
	st, err := stateCode(a.State)
	if err != nil {
		return nil, fmt.Errorf("assignment %q: %w", a.Key, err)
	}
	e := enc{b: dst}
	e.byte(recordV2)
	if isAssignmentKey(a.Key, a.Plan, a.Occurrence, a.Unit) && strings.HasPrefix(a.Occurrence, a.TaskID) {
		// As the engine writes them: the key holds the names.
		e.byte(namesInKey)
		e.uint(uint64(len(a.Plan)))
		e.uint(uint64(len(a.Occurrence)))
		e.uint(uint64(len(a.TaskID)))
	} else {
		e.byte(namesInValue)
		e.str(a.Plan)
		e.str(a.Occurrence)
		e.str(a.Unit)
		e.str(a.TaskID)
	}
	e.byte(st)
	e.date(a.DueDay)
	e.time(a.DoneAt)
	e.str(a.DoneBy)
	e.str(a.DoneVia)
	e.str(a.Note)
	e.time(a.SnoozedUntil)
	e.uint(uint64(len(a.Evidence)))
	for _, v := range a.Evidence {
		e.str(v.FileID)
		e.str(v.Name)
		e.str(v.Path)
		e.str(v.By)
		e.time(v.At)
	}
	e.uint(uint64(len(a.Notes)))
	for _, n := range a.Notes {
		e.str(n.Text)
		e.str(n.By)
		e.time(n.At)
	}
	e.str(a.LastStep)
	e.time(a.LastStepAt)
	e.int(int64(a.LastStepRank))
	e.bool(a.Next != nil)
	if a.Next != nil {
		if a.Next.Assignment != a.Key {
			return nil, fmt.Errorf("assignment %q: next step of %q", a.Key, a.Next.Assignment)
		}
		e.pending(*a.Next)
	}
	return e.b, nil
}

func (e *enc) pending(p scheduler.Pending) {
	e.time(p.At)
	e.str(p.Step)
	e.int(int64(p.Rank))
}

func (d *dec) pending(key string) scheduler.Pending {
	return scheduler.Pending{At: d.time(), Step: d.str(), Rank: int(d.int()), Assignment: key}
}

// decodeAssignment decodes the value stored under key, in either schema.
func decodeAssignment(key, v []byte) (scheduler.Assignment, error) {
	var a scheduler.Assignment
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &a); err != nil {
			return a, fmt.Errorf("decode assignment %q: %w", key, err)
		}
		return a, nil
	}
	d := dec{b: v}
	if d.byte() != recordV2 {
		return a, fmt.Errorf("decode assignment %q: %w (unknown layout)", key, errCorrupt)
	}
	a.Key = string(key)
	switch d.byte() {
	case namesInKey:
		lp, lo, lt := d.uint(), d.uint(), d.uint()
		if d.err != nil || lp+lo+2 > uint64(len(key)) || lt > lo {
			return a, fmt.Errorf("decode assignment %q: %w (key lengths)", key, errCorrupt)
		}
		a.Plan = a.Key[:lp]
		a.Occurrence = a.Key[lp+1 : lp+1+lo]
		a.Unit = a.Key[lp+1+lo+1:]
		a.TaskID = a.Occurrence[:lt]
	case namesInValue:
		a.Plan, a.Occurrence, a.Unit, a.TaskID = d.str(), d.str(), d.str(), d.str()
	default:
		d.fail()
	}
	st := d.byte()
	if int(st) >= len(stateCodes) {
		d.fail()
	} else {
		a.State = stateCodes[st]
	}
	a.DueDay = d.date()
	a.DoneAt = d.time()
	a.DoneBy, a.DoneVia, a.Note = d.str(), d.str(), d.str()
	a.SnoozedUntil = d.time()
	if n := d.count(); n > 0 {
		a.Evidence = make([]scheduler.Evidence, n)
		for i := range a.Evidence {
			a.Evidence[i] = scheduler.Evidence{FileID: d.str(), Name: d.str(), Path: d.str(), By: d.str(), At: d.time()}
		}
	}
	if n := d.count(); n > 0 {
		a.Notes = make([]scheduler.Note, n)
		for i := range a.Notes {
			a.Notes[i] = scheduler.Note{Text: d.str(), By: d.str(), At: d.time()}
		}
	}
	a.LastStep = d.str()
	a.LastStepAt = d.time()
	a.LastStepRank = int(d.int())
	if d.bool() {
		p := d.pending(a.Key)
		a.Next = &p
	}
	return a, d.done("assignment", key)
}

// encodePending is the value of a pending step in the time index of schema
// 2 and 3 (a schema 1 database is converted to it before schema 4); its key
// holds the assignment.
func encodePending(p scheduler.Pending) []byte {
	e := enc{b: make([]byte, 0, 32)}
	e.byte(recordV2)
	e.pending(p)
	return e.b
}

// isAssignmentKey reports whether key is scheduler.AssignmentKey(plan,
// occurrence, unit), without building it.
func isAssignmentKey(key, plan, occurrence, unit string) bool {
	i, j := len(plan), len(plan)+1+len(occurrence)
	return len(key) == j+1+len(unit) && key[:i] == plan && key[i] == '|' && key[i+1:j] == occurrence &&
		key[j] == '|' && key[j+1:] == unit
}

// decodePending decodes the value stored under a time-index key.
func decodePending(key, v []byte) (scheduler.Pending, error) {
	var p scheduler.Pending
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &p); err != nil {
			return p, fmt.Errorf("decode pending %x: %w", key, err)
		}
		return p, nil
	}
	if len(key) < 8 {
		return p, fmt.Errorf("decode pending %x: %w", key, errCorrupt)
	}
	d := dec{b: v}
	if d.byte() != recordV2 {
		d.fail()
	}
	p = d.pending(string(key[8:]))
	return p, d.done("pending", key)
}

// encodeStep is the value of a step record; its key is r.Key.
func encodeStep(r scheduler.StepRecord) []byte {
	e := enc{b: make([]byte, 0, 48)}
	e.byte(recordV2)
	e.time(r.At)
	e.time(r.Produced)
	e.bool(r.Skipped)
	e.uint(uint64(len(r.Messages)))
	for _, m := range r.Messages {
		e.str(m)
	}
	return e.b
}

// decodeStep decodes the step record stored under key.
func decodeStep(key, v []byte) (scheduler.StepRecord, error) {
	var r scheduler.StepRecord
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &r); err != nil {
			return r, fmt.Errorf("decode step %q: %w", key, err)
		}
		return r, nil
	}
	d := dec{b: v}
	if d.byte() != recordV2 {
		d.fail()
	}
	r.Key = string(key)
	r.At, r.Produced, r.Skipped = d.time(), d.time(), d.bool()
	if n := d.count(); n > 0 {
		r.Messages = make([]string, n)
		for i := range r.Messages {
			r.Messages[i] = d.str()
		}
	}
	return r, d.done("step", key)
}

// strs writes a list of strings, telling nil from empty as JSON does.
func (e *enc) strs(ss []string) {
	if ss == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.str(s)
	}
}

func (d *dec) strs() []string {
	n := d.uint()
	if n == 0 || d.err != nil {
		return nil
	}
	if n-1 > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// encodeTask is the value of a stored task (schema 2; schema 1 wrote JSON).
func encodeTask(r TaskRecord) []byte {
	return appendTask(make([]byte, 0, taskSizeHint(r)), r)
}

// appendTask appends the value of a stored task to dst.
func appendTask(dst []byte, r TaskRecord) []byte {
	e := enc{b: dst}
	e.byte(recordV2)
	e.str(r.Plan)
	e.int(int64(r.Seq))
	t := r.Task
	e.str(t.ID)
	e.str(t.Section)
	e.strs(t.Headings)
	e.str(t.Text)
	tl := t.Timeline
	e.str(tl.Text)
	e.str(string(tl.Kind))
	for _, n := range []int{tl.Year, tl.Half, tl.Quarter, tl.Month, tl.Day} {
		e.int(int64(n))
	}
	e.str(string(tl.Every))
	e.str(tl.Ref)
	e.strs(t.Lead)
	e.strs(t.Coord)
	e.str(t.Output)
	e.strs(t.LeadIDs)
	e.strs(t.CoordIDs)
	if t.Lines == nil {
		e.uint(0)
	} else {
		e.uint(uint64(len(t.Lines)) + 1)
		for _, l := range t.Lines {
			e.int(int64(l))
		}
	}
	e.time(r.Created)
	e.time(r.Updated)
	e.bool(r.Archived)
	e.time(r.ArchivedAt)
	return e.b
}

// arena holds the values of one transaction's writes in shared blocks:
// bbolt keeps every value until the commit, and an import's 100,000
// tasks, each in a buffer of its own sized by taskSizeHint, held 42 MB
// for 30 MB of records.
type arena struct {
	block, scratch []byte
}

// arenaBlock is the largest size of the arena's blocks; a value over an
// eighth of it gets a buffer of its own.
const arenaBlock = 1 << 20

// task returns the value of r, stored in the arena. The value has no room
// to grow: an append to it copies it rather than write over the next.
func (a *arena) task(r TaskRecord) []byte {
	a.scratch = appendTask(a.scratch[:0], r)
	return a.add(a.scratch)
}

// add returns a copy of b stored in the arena, with no room to grow.
func (a *arena) add(b []byte) []byte {
	n := len(b)
	if n > arenaBlock/8 {
		v := bytes.Clone(b)
		return v[:n:n]
	}
	if cap(a.block)-len(a.block) < n {
		// Blocks double from 4 KB: a transaction of one write does not
		// take a whole block.
		a.block = make([]byte, 0, min(arenaBlock, max(4<<10, 2*cap(a.block), n)))
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return a.block[start:len(a.block):len(a.block)]
}

// taskSizeHint is about the size of r encoded, a little over: an import
// keeps 100,000 encoded tasks until its commit, and a buffer grown by
// doubling holds up to twice its record.
func taskSizeHint(r TaskRecord) int {
	t := r.Task
	n := 160 + 10*len(t.Lines) + len(r.Plan) + len(t.ID) + len(t.Section) + len(t.Text) + len(t.Timeline.Text) +
		len(t.Timeline.Kind) + len(t.Timeline.Every) + len(t.Timeline.Ref) + len(t.Output)
	for _, ss := range [][]string{t.Headings, t.Lead, t.Coord, t.LeadIDs, t.CoordIDs} {
		for _, s := range ss {
			n += 3 + len(s)
		}
	}
	return n
}

// interner shares the strings, and the lists of strings, that many
// tasks repeat: a plan's code and sections, timelines, headings, units.
// 100,000 tasks held about 10 MB of copies otherwise. A shared list has
// no room to grow (append copies it); nobody changes a task's lists.
type interner struct {
	strings map[string]string
	lists   map[string][]string
	buf     []byte
}

func newInterner() *interner {
	return &interner{strings: map[string]string{}, lists: map[string][]string{}}
}

func (in *interner) str(s string) string {
	if t, ok := in.strings[s]; ok {
		return t
	}
	in.strings[s] = s
	return s
}

// strs returns a list equal to ss, shared with the tasks before that had
// the same.
func (in *interner) strs(ss []string) []string {
	if len(ss) == 0 {
		return ss
	}
	in.buf = in.buf[:0]
	for _, s := range ss {
		in.buf = binary.AppendUvarint(in.buf, uint64(len(s)))
		in.buf = append(in.buf, s...)
	}
	if t, ok := in.lists[string(in.buf)]; ok {
		return t
	}
	for i, s := range ss {
		ss[i] = in.str(s)
	}
	ss = ss[:len(ss):len(ss)]
	in.lists[string(in.buf)] = ss
	return ss
}

// task shares r's repeated strings and lists.
func (in *interner) task(r *TaskRecord) {
	r.Plan, r.Section, r.Timeline.Text = in.str(r.Plan), in.str(r.Section), in.str(r.Timeline.Text)
	r.Timeline.Kind, r.Timeline.Every = plan.Kind(in.str(string(r.Timeline.Kind))), plan.Every(in.str(string(r.Timeline.Every)))
	r.Timeline.Ref = in.str(r.Timeline.Ref)
	r.Headings = in.strs(r.Headings)
	r.Lead, r.Coord = in.strs(r.Lead), in.strs(r.Coord)
	r.LeadIDs, r.CoordIDs = in.strs(r.LeadIDs), in.strs(r.CoordIDs)
}

// decodeTask decodes a stored task, in either schema.
func decodeTask(key, v []byte) (TaskRecord, error) {
	var r TaskRecord
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &r); err != nil {
			return r, fmt.Errorf("decode task %q: %w", key, err)
		}
		return r, nil
	}
	d := dec{b: v}
	if d.byte() != recordV2 {
		d.fail()
	}
	r.Plan = d.str()
	r.Seq = int(d.int())
	t := &r.Task
	t.ID, t.Section = d.str(), d.str()
	t.Headings = d.strs()
	t.Text = d.str()
	tl := &t.Timeline
	tl.Text = d.str()
	tl.Kind = plan.Kind(d.str())
	tl.Year, tl.Half, tl.Quarter, tl.Month, tl.Day = int(d.int()), int(d.int()), int(d.int()), int(d.int()), int(d.int())
	tl.Every = plan.Every(d.str())
	tl.Ref = d.str()
	t.Lead, t.Coord = d.strs(), d.strs()
	t.Output = d.str()
	t.LeadIDs, t.CoordIDs = d.strs(), d.strs()
	if n := d.uint(); n > 0 && d.err == nil {
		if n-1 > uint64(len(d.b)) {
			d.fail()
		} else {
			t.Lines = make([]int, n-1)
			for i := range t.Lines {
				t.Lines[i] = int(d.int())
			}
		}
	}
	r.Created, r.Updated = d.time(), d.time()
	r.Archived = d.bool()
	r.ArchivedAt = d.time()
	return r, d.done("task", key)
}
