package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// previewSamples are entries of every shape the outputs print: a
// recipient id wider than the header, one with diacritics (a rune is one
// column), no channel, no item, a copy.
func previewSamples() []previewEntry {
	at := time.Date(2024, 6, 17, 1, 0, 0, 0, time.UTC)
	return []previewEntry{
		{At: at, Recipient: notify.Recipient{ID: "chanh-vp", Name: "Chánh Văn phòng"}, Channels: []string{"email", "telegram"}, Kind: notify.KindDigest,
			Title: "[Nhắc việc CCHC] <b>&</b>", Items: previewItems{{Kind: notify.KindDue, TaskID: "I.2", Occurrence: "I.2@2024-H1", Unit: "vp", Due: at},
				{Kind: notify.KindOverdue, TaskID: "I.4.1", Occurrence: "I.4.1@2024-05", Unit: "vp", Due: at, Copy: true}}},
		{At: at.Add(time.Hour), Recipient: notify.Recipient{ID: "unit:phòng-quản-lý-thương-mại"}, Kind: notify.KindInfo, Title: "Dự thảo"},
		{At: at.Add(2 * time.Hour), Recipient: notify.Recipient{ID: "a"}, Channels: []string{"email"}, Kind: notify.KindReminder,
			Items: previewItems{{Kind: notify.KindReminder, TaskID: "II.1", Occurrence: "II.1@2024", Unit: "qltm", Due: at}}},
	}
}

// TestPreviewTableAlignsAsTabwriter: the streamed table is byte for byte
// what text/tabwriter printed from all the entries at once.
func TestPreviewTableAlignsAsTabwriter(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	from, to := time.Date(2024, 6, 1, 0, 0, 0, 0, loc), time.Date(2024, 6, 30, 23, 59, 59, 0, loc)
	for n := 0; n <= len(previewSamples()); n++ {
		entries := previewSamples()[:n]
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TIME\tRECIPIENT\tCHANNELS\tKIND\tTASKS")
		for _, e := range entries {
			var tasks []string
			for _, it := range e.Items {
				s := it.Occurrence + " " + string(it.Kind)
				if it.Copy {
					s += " (copy)"
				}
				tasks = append(tasks, s)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.In(loc).Format("2006-01-02 15:04"), e.Recipient.ID,
				orDash(strings.Join(e.Channels, ",")), e.Kind, strings.Join(tasks, "; "))
		}
		fmt.Fprintf(tw, "%d messages from %s to %s.\n", len(entries), from.Format("2006-01-02 15:04"), to.Format("2006-01-02 15:04"))
		tw.Flush()

		var got bytes.Buffer
		p, err := newPreviewTable(&got, loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if err := p.add(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.finish(from, to); err != nil {
			t.Fatal(err)
		}
		p.close()
		if got.String() != want.String() {
			t.Errorf("%d entries:\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}

// TestPreviewJSONStreamsTheArray: the streamed JSON is byte for byte what
// json.Encoder with a two-space indent printed for the whole array
// ("[]" for none).
func TestPreviewJSONStreamsTheArray(t *testing.T) {
	for n := 0; n <= len(previewSamples()); n++ {
		entries := previewSamples()[:n]
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(entries); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		p := &previewJSON{w: &got}
		for _, e := range entries {
			if err := p.add(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.finish(time.Time{}, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d entries:\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}

// TestPreviewFireEmitsInOrderAndStops: previewFire, which prints on a
// goroutine of its own while the engine fires on, hands emit the entries
// the engine's moments give, in their order, one call at a time; the
// first error emit returns stops the preview, is returned, and no entry
// is emitted after it.
func TestPreviewFireEmitsInOrderAndStops(t *testing.T) {
	from, to := time.Date(2024, 6, 13, 7, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC)
	e, _ := seedEngine(t, scheduler.NewMemStore(), from)
	var want []previewEntry
	err := previewMoments(e, from, to, func(msgs []*notify.Message) bool {
		want = append(want, momentEntries(msgs)...)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 20 {
		t.Fatalf("only %d entries", len(want))
	}
	e, _ = seedEngine(t, scheduler.NewMemStore(), from)
	var got []previewEntry
	var busy atomic.Int32
	if err := previewFire(e, from, to, func(pe previewEntry) error {
		if busy.Add(1) != 1 {
			t.Error("emit called while another call runs")
		}
		defer busy.Add(-1)
		got = append(got, pe)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("emitted %d entries, not the engine's %d in order", len(got), len(want))
	}
	e, _ = seedEngine(t, scheduler.NewMemStore(), from)
	stop := errors.New("disk full")
	calls := 0
	err = previewFire(e, from, to, func(pe previewEntry) error {
		calls++
		if calls == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 5 {
		t.Fatalf("got %v after %d calls, want the emit error after 5", err, calls)
	}
}

// TestMomentEntriesOnePerMessage: the messages of a moment make one entry
// per message a recipient gets, with its channels and its own items; a
// channel met again for the same recipient starts the next message (a
// round of several batches of steps gives a recipient a digest each).
func TestMomentEntriesOnePerMessage(t *testing.T) {
	at := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	lan := notify.Recipient{ID: "unit:vp", Name: "Văn phòng"}
	minh := notify.Recipient{ID: "minh", Name: "Trần Minh"}
	items := func(ids ...string) []notify.Item {
		var out []notify.Item
		for _, id := range ids {
			out = append(out, notify.Item{Kind: notify.KindReminder, TaskID: id, Assignment: "P|" + id + "|vp"})
		}
		return out
	}
	first, second := items("I.1", "I.2"), items("II.1")
	msgs := []*notify.Message{
		{Channel: "email", To: lan, At: at, Kind: notify.KindReminder, Items: first},
		{Channel: "telegram", To: lan, At: at, Kind: notify.KindReminder, Items: first},
		{Channel: "email", To: minh, At: at, Kind: notify.KindReminder, Items: second},
		{Channel: "email", To: lan, At: at, Kind: notify.KindReminder, Items: second},
		{Channel: "telegram", To: lan, At: at, Kind: notify.KindReminder, Items: second},
	}
	got := momentEntries(msgs)
	type entry struct {
		to       string
		channels []string
		tasks    []string
	}
	var short []entry
	for _, e := range got {
		var tasks []string
		for _, it := range e.Items {
			tasks = append(tasks, it.TaskID)
		}
		short = append(short, entry{e.Recipient.ID, e.Channels, tasks})
	}
	want := []entry{
		{"unit:vp", []string{"email", "telegram"}, []string{"I.1", "I.2"}},
		{"minh", []string{"email"}, []string{"II.1"}},
		{"unit:vp", []string{"email", "telegram"}, []string{"II.1"}},
	}
	if !reflect.DeepEqual(short, want) {
		t.Errorf("entries %+v,\nwant %+v", short, want)
	}
}
