package main

import (
	"context"

	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// TestValidateExpectedDigests: validate prints, per recipient and month,
// the digests the plan and the rhythm amount to — the same numbers a
// preview of the year gives.
func TestValidateExpectedDigests(t *testing.T) {
	e := newEnv(t)
	out, _, code := e.run(t, context.Background(), "validate")
	if code != 0 {
		t.Fatalf("validate: exit %d\n%s", code, out)
	}
	i := strings.Index(out, "Expected digests per person and month in 2024")
	if i < 0 {
		t.Fatalf("validate lacks the expected digests:\n%s", out)
	}
	table := out[i:]
	raw, _, code := e.run(t, context.Background(), "preview", "--from", "2024-06-13", "--to", "2024-12-31", "--json")
	if code != 0 {
		t.Fatal(raw)
	}
	var entries []previewEntry
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[time.Month]int{}
	for _, en := range entries {
		if strings.Contains(en.Title, "Tổng hợp tiến độ CCHC tuần") || strings.Contains(en.Title, "Dự thảo báo cáo CCHC") {
			continue // the weekly summary and the report draft are not digests
		}
		if want[en.Recipient.ID] == nil {
			want[en.Recipient.ID] = map[time.Month]int{}
		}
		want[en.Recipient.ID][en.At.Month()]++
	}
	for _, id := range []string{"tp-khtc", "chanh-vp", "gd"} {
		cells := []string{}
		total := 0
		for mo := time.June; mo <= time.December; mo++ {
			cells = append(cells, fmt.Sprint(want[id][mo]))
			total += want[id][mo]
		}
		re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(id) + `\s+` + strings.Join(cells, `\s+`) + `\s+` + fmt.Sprint(total) + `\s*$`)
		if !re.MatchString(table) {
			t.Errorf("validate's row for %s is not %v (total %d):\n%s", id, cells, total, table)
		}
	}
}

// TestPreviewStats: preview --stats counts, per recipient, the working days
// with mail, the messages and the items the preview lists.
func TestPreviewStats(t *testing.T) {
	e := newEnv(t)
	args := []string{"preview", "--from", "2024-07-01", "--to", "2024-12-31"}
	out, _, code := e.run(t, context.Background(), append(args, "--stats")...)
	if code != 0 {
		t.Fatal(out)
	}
	raw, _, _ := e.run(t, context.Background(), append(args, "--json")...)
	var entries []previewEntry
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		t.Fatal(err)
	}
	days, msgs, items := map[string]bool{}, 0, 0
	for _, en := range entries {
		if en.Recipient.ID == "tp-khtc" {
			days[en.At.Format("2006-01-02")] = true
			msgs++
			items += len(en.Items)
		}
	}
	want := fmt.Sprintf(`(?m)^tp-khtc\s+Trưởng phòng Kế hoạch - Tài chính\s+%d of 130 working days \(\d+%%\)\s+%d\s+%d\s*$`, len(days), msgs, items)
	if !regexp.MustCompile(want).MatchString(out) {
		t.Errorf("stats lack %s:\n%s", want, out)
	}
}

// TestPreviewNowByteIdentical: preview --json --now gives the same bytes
// from run to run, although the clock set by --now runs on.
func TestPreviewNowByteIdentical(t *testing.T) {
	e := newEnv(t)
	args := []string{"preview", "--now", "2024-11-19T07:55", "--json"}
	first, _, code := e.run(t, context.Background(), args...)
	if code != 0 || !strings.Contains(first, `"at": "2024-11-19T07:55:00+07:00"`) {
		t.Fatalf("preview: exit %d\n%.400s", code, first)
	}
	time.Sleep(20 * time.Millisecond)
	second, _, _ := e.run(t, context.Background(), args...)
	if first != second {
		t.Errorf("two runs of preview --json --now differ:\n%s", firstDiff(first, second))
	}
}

// TestPreviewFromState: with a database, preview plans from its state and
// says so; after `done` it lists nothing more for that assignment, while
// --fresh still does.
func TestPreviewFromState(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.run(t, ctx, "run", "--now", "2024-11-18T20:00") // plans the assignments, sends nothing
	e.setup = func(m *Main) { m.now = func() time.Time { return time.Date(2024, 11, 19, 3, 0, 0, 0, time.UTC) } }
	if out, stderr, code := e.run(t, context.Background(), "done", "VII.2.1@2024-06", "--unit", "khtc", "--note", "Đã số hóa"); code != 0 {
		t.Fatalf("done: %s %s", out, stderr)
	}
	mentions := func(args ...string) (int, string) {
		out, stderr, code := e.run(t, context.Background(), append([]string{"preview", "--from", "2024-11-19", "--to", "2024-12-31", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("preview %v: %s", args, stderr)
		}
		var entries []previewEntry
		if err := json.Unmarshal([]byte(out), &entries); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, en := range entries {
			for _, it := range en.Items {
				if it.Occurrence == "VII.2.1@2024-06" && it.Unit == "Phòng Kế hoạch - Tài chính" && !it.Copy && it.Kind != notify.KindDone {
					n++
				}
			}
		}
		return n, stderr
	}
	n, stderr := mentions()
	if n != 0 {
		t.Errorf("preview after done lists VII.2.1@2024-06 of KH-TC %d times (other than its completion, for the office)", n)
	}
	if !strings.Contains(stderr, "preview from the state of ") || !strings.Contains(stderr, "1 done") {
		t.Errorf("preview does not say which state it used: %q", stderr)
	}
	if n, stderr := mentions("--fresh"); n == 0 || !strings.Contains(stderr, "no state (--fresh)") {
		t.Errorf("preview --fresh lists VII.2.1@2024-06 of KH-TC %d times (%q)", n, stderr)
	}
}
