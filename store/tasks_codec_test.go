package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/sct-langson/nhacviec/plan"
)

// TestTaskCodecReadsWhatJSONRead: a stored task comes back from the binary
// layout as it came back from schema 1's JSON, nil and empty lists told
// apart as JSON tells them.
func TestTaskCodecReadsWhatJSONRead(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "Rà soát, đơn giản hóa thủ tục hành chính", "Văn phòng Sở", "Trong năm 2024"}
	list := func() []string {
		switch r.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		return []string{texts[r.IntN(len(texts))], texts[r.IntN(len(texts))]}
	}
	for i := range 1000 {
		rec := TaskRecord{Plan: "60/KH-SCT", Seq: r.IntN(60), Task: plan.Task{ID: "III.2.2.1", Section: "III", Headings: list(),
			Text: texts[r.IntN(len(texts))], Timeline: plan.ParseTimeline(texts[r.IntN(len(texts))]), Lead: list(), Coord: list(),
			Output: texts[r.IntN(len(texts))], LeadIDs: list(), CoordIDs: list()},
			Created: time.Unix(1.7e9+r.Int64N(1e6), 0).In(time.FixedZone("", 7*3600)), Archived: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			rec.Lines = []int{r.IntN(300), r.IntN(300)}
		}
		if rec.Archived {
			rec.ArchivedAt = rec.Created.Add(time.Hour).UTC()
		}
		raw, _ := json.Marshal(rec)
		var viaJSON TaskRecord
		if err := json.Unmarshal(raw, &viaJSON); err != nil {
			t.Fatal(err)
		}
		got, err := decodeTask([]byte(rec.Key()), encodeTask(rec))
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		sameJSON(t, "task", got, viaJSON)
		old, err := decodeTask([]byte(rec.Key()), raw)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "schema 1 task", old, viaJSON)
	}
}

// TestSameContentComparesEveryField: a change in any field of a task but
// its source lines is a change (a field added to plan.Task and forgotten
// by sameContent fails here).
func TestSameContentComparesEveryField(t *testing.T) {
	base := plan.Task{ID: "I.1", Section: "I", Headings: []string{"a"}, Text: "t", Timeline: plan.ParseTimeline("Trong năm 2024"),
		Lead: []string{"VP"}, Coord: []string{"Các phòng"}, Output: "o", LeadIDs: []string{"vp"}, CoordIDs: []string{"cac-phong"}, Lines: []int{1}}
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := typ.Field(i)
		changed := base
		v := reflect.ValueOf(&changed).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Slice:
			v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.Zero(v.Type().Elem())))
		case reflect.Struct:
			changed.Timeline = plan.ParseTimeline("Tháng 9/2024")
		default:
			t.Fatalf("field %s of kind %s: teach this test", f.Name, v.Kind())
		}
		want := f.Name == "Lines"
		if got := sameContent(base, changed); got != want {
			t.Errorf("field %s changed: sameContent = %v, want %v", f.Name, got, want)
		}
	}
	empty := base
	empty.Headings, empty.Coord = nil, []string{}
	withEmpty := base
	withEmpty.Headings, withEmpty.Coord = []string{}, nil
	if !sameContent(empty, withEmpty) {
		t.Error("a nil list and an empty one differ")
	}
}

// TestTaskSizeHintFits: the buffer encodeTask starts with holds the
// record, so that an import does not keep buffers grown by doubling.
func TestTaskSizeHintFits(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	long := strings.Repeat("Rà soát, đơn giản hóa thủ tục hành chính ", 40)
	str := func() string { return long[:r.IntN(len(long)/2)] }
	list := func() []string {
		out := make([]string, r.IntN(6))
		for i := range out {
			out[i] = str()
		}
		return out
	}
	at := func() time.Time {
		return time.Unix(r.Int64N(1<<40), r.Int64N(1e9)).In(time.FixedZone("", (r.IntN(48)-24)*1800))
	}
	for i := range 2000 {
		rec := TaskRecord{Plan: str(), Seq: r.IntN(1 << 30), Task: plan.Task{ID: str(), Section: str(), Headings: list(),
			Text: str(), Timeline: plan.Timeline{Text: str(), Kind: plan.KindRecurring, Year: r.IntN(1 << 20), Half: r.IntN(1 << 20),
				Quarter: r.IntN(1 << 20), Month: r.IntN(1 << 20), Day: r.IntN(1 << 20), Every: plan.EveryMonth, Ref: str()},
			Lead: list(), Coord: list(), Output: str(), LeadIDs: list(), CoordIDs: list()},
			Created: at(), Updated: at(), Archived: true, ArchivedAt: at()}
		for range r.IntN(5) {
			rec.Lines = append(rec.Lines, r.IntN(1<<31))
		}
		raw := encodeTask(rec)
		if hint := taskSizeHint(rec); len(raw) > hint || cap(raw) != hint {
			t.Fatalf("record %d: %d bytes, hint %d, buffer %d", i, len(raw), hint, cap(raw))
		}
	}
}

// TestTasksShareRepeatedLists: the tasks read back (Tasks, and
// ForEachTaskShared for the daemon) share the lists that
// several of them have (one copy of "Văn phòng Sở" for 100,000 tasks, not
// one each), keep apart those that differ, come back equal to what was
// imported, and a list grown by one task's reader does not grow another's.
func TestTasksShareRepeatedLists(t *testing.T) {
	db := openTest(t)
	p := &plan.Plan{Code: "60/KH-SCT", Year: 2024}
	for i := range 6 {
		lead := []string{"Văn phòng Sở", "Phòng Kế hoạch"}
		if i%3 == 2 {
			lead = []string{"Phòng Kế hoạch"}
		}
		p.Tasks = append(p.Tasks, plan.Task{ID: fmt.Sprintf("I.%d", i+1), Section: "I", Headings: []string{"CẢI CÁCH THỂ CHẾ"},
			Text: fmt.Sprintf("Nhiệm vụ %d", i+1), Timeline: plan.ParseTimeline("Trong năm 2024"), Lead: lead, LeadIDs: []string{"vp"},
			Coord: []string{}, Lines: []int{10 + i}})
	}
	if _, err := db.ImportPlan(p); err != nil {
		t.Fatal(err)
	}
	tasks, err := db.Tasks("")
	if err != nil {
		t.Fatal(err)
	}
	var kept []TaskRecord
	if err := db.ForEachTaskShared("", func(r TaskRecord) error { kept = append(kept, r); return nil }); err != nil {
		t.Fatal(err)
	}
	for name, recs := range map[string][]TaskRecord{"Tasks": tasks, "ForEachTaskShared": kept} {
		t.Run(name, func(t *testing.T) { sharedLists(t, p, recs) })
	}
}

func sharedLists(t *testing.T, p *plan.Plan, recs []TaskRecord) {
	if len(recs) != len(p.Tasks) {
		t.Fatalf("%d tasks, want %d", len(recs), len(p.Tasks))
	}
	for i, r := range recs {
		if !reflect.DeepEqual(r.Task, p.Tasks[i]) {
			t.Fatalf("task %d read back as %+v, imported %+v", i, r.Task, p.Tasks[i])
		}
	}
	same := func(a, b []string) bool { return unsafe.SliceData(a) == unsafe.SliceData(b) }
	if !same(recs[0].Lead, recs[1].Lead) || !same(recs[0].Headings, recs[4].Headings) || !same(recs[2].LeadIDs, recs[3].LeadIDs) {
		t.Error("equal lists of two tasks are read as two copies")
	}
	if same(recs[0].Lead, recs[2].Lead) {
		t.Error("different lists share one copy")
	}
	if recs[0].Coord == nil {
		t.Error("an empty list came back nil")
	}
	grown := append(recs[0].Lead, "Phòng Quản lý thương mại")
	if len(recs[1].Lead) != 2 || len(grown) != 3 || &grown[0] == &recs[1].Lead[0] {
		t.Errorf("appending to one task's shared list changed another's: %q", recs[1].Lead)
	}
}

// TestArenaValues: the arena gives each task its encoded value, the values
// side by side in blocks never overlap, an append to one leaves the next
// as it was, and a value too large for a block is a buffer of its own.
func TestArenaValues(t *testing.T) {
	var a arena
	var recs []TaskRecord
	var vals [][]byte
	for i := range 5000 {
		rec := TaskRecord{Plan: "60/KH-SCT", Seq: i, Task: plan.Task{ID: fmt.Sprintf("I.%d", i),
			Text: strings.Repeat("Rà soát thủ tục hành chính ", 1+i%7), Lead: []string{"Văn phòng Sở"}, Lines: []int{i}}}
		if i == 4000 {
			rec.Text = strings.Repeat("x", arenaBlock/4)
		}
		recs = append(recs, rec)
		vals = append(vals, a.task(rec))
	}
	_ = append(vals[10], "written over the next value"...)
	for i, v := range vals {
		if want := encodeTask(recs[i]); !bytes.Equal(v, want) {
			t.Fatalf("value %d differs from encodeTask's", i)
		}
		if cap(v) != len(v) {
			t.Fatalf("value %d has room to grow (%d > %d)", i, cap(v), len(v))
		}
	}
	if cap(vals[4000]) != len(vals[4000]) || len(vals[4000]) < arenaBlock/4 {
		t.Fatal("the large value is not whole")
	}
	if uintptr(unsafe.Pointer(&vals[1][0])) != uintptr(unsafe.Pointer(&vals[0][0]))+uintptr(len(vals[0])) {
		t.Error("two small values are not side by side in one block")
	}
}
