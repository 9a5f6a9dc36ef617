package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

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
