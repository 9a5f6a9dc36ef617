package scheduler

import (
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// TestFiredBufferKept: the buffer of a transaction's fired steps is kept
// for the next empty, without the assignments it held (which the garbage
// collector could not free, and which a next transaction must not see),
// and a transaction that needs more gets a larger one.
func TestFiredBufferKept(t *testing.T) {
	e := New(Config{}, NewMemStore(), nil)
	buf := e.takeFired(3)
	if len(buf) != 0 || cap(buf) < 3 {
		t.Fatalf("first buffer len %d cap %d, want empty with room for 3", len(buf), cap(buf))
	}
	for range 3 {
		buf = append(buf, fired{a: Assignment{Key: "P|I.1@2025|u"}, step: Step{Name: "due", Kind: notify.KindDue}, key: "P|I.1@2025|u#due"})
	}
	first := &buf[0]
	e.keepFired(buf)
	again := e.takeFired(2)
	if len(again) != 0 || cap(again) < 3 || &again[:1][0] != first {
		t.Fatalf("kept buffer len %d cap %d, the same array %v: want it empty and reused", len(again), cap(again), &again[:1][0] == first)
	}
	for i, f := range again[:cap(again)] {
		if f.a.Key != "" || f.key != "" || f.step.Name != "" {
			t.Fatalf("kept buffer's entry %d still holds %q", i, f.key)
		}
	}
	e.keepFired(again)
	if big := e.takeFired(10); cap(big) < 10 || len(big) != 0 {
		t.Fatalf("a buffer for 10: len %d cap %d", len(big), cap(big))
	}
}
