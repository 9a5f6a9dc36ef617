package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// randomAssignment fills every field of an assignment, sometimes with its
// zero value, with texts in Vietnamese and odd bytes.
func randomAssignment(r *rand.Rand) scheduler.Assignment {
	texts := []string{"", "Đã gửi báo cáo số 12/BC-SCT", "xong", "a|b@c", "\x00\xff", "Kế hoạch 60/KH-SCT"}
	str := func() string { return texts[r.IntN(len(texts))] }
	zones := []*time.Location{time.UTC, time.FixedZone("", 7*3600), time.FixedZone("", -3*3600-1800)}
	tm := func() time.Time {
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		return time.Unix(1.7e9+r.Int64N(1e8), r.Int64N(2)*r.Int64N(1e9)).In(zones[r.IntN(len(zones))])
	}
	plan, task, unit := []string{"60/KH-SCT", "1/KH-BENCH", ""}[r.IntN(3)], []string{"I.1", "III.2.2.1", ""}[r.IntN(3)], []string{"vp", "qltm", ""}[r.IntN(3)]
	occ := task + "@2024-0" + string(rune('1'+r.IntN(9)))
	a := scheduler.Assignment{Key: scheduler.AssignmentKey(plan, occ, unit), Plan: plan, TaskID: task, Occurrence: occ, Unit: unit,
		DueDay: calendar.Date{Year: 2024 + r.IntN(3), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)},
		State:  []scheduler.State{scheduler.StateOpen, scheduler.StateDone, scheduler.StateArchived}[r.IntN(3)],
		DoneAt: tm(), DoneBy: str(), DoneVia: str(), Note: str(), SnoozedUntil: tm(),
		LastStep: str(), LastStepAt: tm(), LastStepRank: r.IntN(5) - 1}
	if r.IntN(4) == 0 { // names that are not the key's parts
		a.Key = "k" + str()
	}
	for range r.IntN(3) {
		a.Evidence = append(a.Evidence, scheduler.Evidence{FileID: str(), Name: str(), Path: str(), By: str(), At: tm()})
	}
	for range r.IntN(3) {
		a.Notes = append(a.Notes, scheduler.Note{Text: str(), By: str(), At: tm()})
	}
	if r.IntN(2) == 0 {
		a.Next = &scheduler.Pending{At: tm(), Assignment: a.Key, Step: str(), Rank: r.IntN(6)}
	}
	return a
}

// TestCodecReadsWhatJSONRead: an assignment, its pending step and a step
// record come back from the binary layout exactly as they came back from
// schema 1's JSON (zones included), so the migration changes no value.
func TestCodecReadsWhatJSONRead(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		a := randomAssignment(r)
		var viaJSON scheduler.Assignment
		raw, _ := json.Marshal(a)
		if err := json.Unmarshal(raw, &viaJSON); err != nil {
			t.Fatal(err)
		}
		bin, err := encodeAssignment(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeAssignment([]byte(a.Key), bin)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		g, _ := json.Marshal(got)
		if !bytes.Equal(g, raw) {
			t.Fatalf("%d: binary gives\n%s\nJSON gave\n%s", i, g, raw)
		}
		if got.DoneAt.Location().String() != viaJSON.DoneAt.Location().String() || !got.DoneAt.Equal(viaJSON.DoneAt) {
			t.Fatalf("%d: done at %v, JSON gave %v", i, got.DoneAt, viaJSON.DoneAt)
		}
		old, err := decodeAssignment([]byte(a.Key), raw) // schema 1's value
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "a schema 1 value", old, viaJSON)
		if len(bin) >= len(raw) {
			t.Errorf("%d: binary %d bytes, JSON %d", i, len(bin), len(raw))
		}
		if a.Next != nil {
			k := timeKey(a.Next.At, a.Key)
			p, err := decodePending(k, encodePending(*a.Next))
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "pending", p, *a.Next)
		}
		sr := scheduler.StepRecord{Key: a.Key + "#x", At: a.LastStepAt, Produced: a.DoneAt, Skipped: r.IntN(2) == 0}
		for range r.IntN(3) {
			sr.Messages = append(sr.Messages, a.Note+"m")
		}
		got2, err := decodeStep([]byte(sr.Key), encodeStep(sr))
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "step", got2, sr)
	}
}

// TestCodecRefusesCorruptValues: truncated or extended records, and bytes
// of no known layout, are errors naming the key, never a panic nor a
// wrong value.
func TestCodecRefusesCorruptValues(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		a := randomAssignment(r)
		bin, err := encodeAssignment(a)
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(bin) {
			if _, err := decodeAssignment([]byte(a.Key), bin[:n]); err == nil {
				t.Fatalf("truncated to %d of %d bytes: no error", n, len(bin))
			}
		}
		if _, err := decodeAssignment([]byte(a.Key), append(bin, 0)); err == nil {
			t.Fatal("a trailing byte: no error")
		}
	}
	if _, err := decodeAssignment([]byte("P|x@1|u"), []byte{9, 9}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("P|x@1|u")) {
		t.Errorf("unknown layout: %v", err)
	}
}

func FuzzDecodeAssignment(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		a := randomAssignment(r)
		bin, _ := encodeAssignment(a)
		f.Add([]byte(a.Key), bin)
	}
	f.Fuzz(func(t *testing.T, key, v []byte) {
		a, err := decodeAssignment(key, v)
		if err != nil {
			return
		}
		// What decodes, encodes back to a value that decodes the same.
		bin, err := encodeAssignment(a)
		if err != nil {
			return // a pending step of another key: refused on writing
		}
		b, err := decodeAssignment([]byte(a.Key), bin)
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v", err)
		}
		sameJSON(t, "round trip", b, a)
	})
}
