package email

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

func TestICSText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Báo cáo", "Báo cáo"},
		{`a\b;c,d`, `a\\b\;c\,d`},
		{"dòng 1\ndòng 2\r\ndòng 3\rdòng 4", `dòng 1\ndòng 2\ndòng 3\ndòng 4`},
		{"tab\tkept, bell\x07 dropped", `tab` + "\t" + `kept\, bell dropped`},
		{`<b> & "q"`, `<b> & "q"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := icsText(tc.in)
			if got != tc.want {
				t.Errorf("icsText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestICSFolding(t *testing.T) {
	for _, tc := range []struct{ name, line string }{
		{"short", "SUMMARY:ngắn"},
		{"exactly 75", "SUMMARY:" + strings.Repeat("a", 67)},
		{"76 octets", "SUMMARY:" + strings.Repeat("a", 68)},
		{"vietnamese", "SUMMARY:" + strings.Repeat("Rà soát, đánh giá thủ tục hành chính ", 8)},
		// Three-octet runes placed so that a naive cut at 75 would split one.
		{"three-octet runes", "X:" + strings.Repeat("ệ", 60)},
		{"four-octet runes", "X:a" + strings.Repeat("😀", 40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w icsWriter
			w.line(tc.line)
			lines := icsUnfold(t, w.b.String())
			if len(lines) != 1 || lines[0] != tc.line {
				t.Errorf("unfolded = %q, want %q", lines, tc.line)
			}
			if n := strings.Count(w.b.String(), "\r\n"); len(tc.line) > 75 && n < 2 {
				t.Errorf("line of %d octets not folded", len(tc.line))
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	m := testMessage()
	m.Items[0].Text = "Nhiệm vụ dài " + strings.Repeat("có dấu phẩy, chấm phẩy; và xuống dòng\n", 4)
	m.Items = append(m.Items,
		notify.Item{Kind: notify.KindReminder, TaskID: "VII.1", Text: "Chưa có hạn"},                                 // no due date
		notify.Item{Kind: notify.KindDue, Assignment: m.Items[0].Assignment, TaskID: "III.2.1", Due: m.Items[0].Due}, // same assignment
	)
	ics, ok := calendar(m, "sct.langson.gov.vn")
	if !ok {
		t.Fatal("calendar() = no events")
	}
	lines := icsUnfold(t, ics)
	for _, want := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + calendarProdID, "METHOD:PUBLISH"} {
		if !slices.Contains(lines, want) {
			t.Errorf("calendar lacks %q", want)
		}
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("calendar is not one VCALENDAR: %q … %q", lines[0], lines[len(lines)-1])
	}
	events := icsEvents(lines)
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2 (no due date skipped, duplicate assignment merged)", len(events))
	}
	if got := icsUnescape(events[0]["SUMMARY"]); got != "[III.2.1] "+m.Items[0].Text {
		t.Errorf("SUMMARY round trip = %q", got)
	}
	if events[0]["UID"] == events[1]["UID"] {
		t.Errorf("two assignments share UID %s", events[0]["UID"])
	}
}

func TestCalendarUIDStableAcrossMessages(t *testing.T) {
	first := testMessage()
	later := testMessage()
	later.ID, later.At, later.Kind = "later", first.At.Add(72*time.Hour), notify.KindDue
	later.Items[0].Kind, later.Items[0].WorkingDays = notify.KindDue, 0
	a, _ := calendar(first, "sct.langson.gov.vn")
	b, _ := calendar(later, "sct.langson.gov.vn")
	ea, eb := icsEvents(icsUnfold(t, a)), icsEvents(icsUnfold(t, b))
	if ea[0]["UID"] != eb[0]["UID"] {
		t.Errorf("UID changed between reminders: %s vs %s", ea[0]["UID"], eb[0]["UID"])
	}
	seqA, _ := strconv.Atoi(ea[0]["SEQUENCE"])
	seqB, _ := strconv.Atoi(eb[0]["SEQUENCE"])
	if seqA >= seqB || ea[0]["DTSTAMP"] >= eb[0]["DTSTAMP"] {
		t.Errorf("later message does not supersede: SEQUENCE %s→%s, DTSTAMP %s→%s",
			ea[0]["SEQUENCE"], eb[0]["SEQUENCE"], ea[0]["DTSTAMP"], eb[0]["DTSTAMP"])
	}
}

func TestCalendarDueDateInVietnam(t *testing.T) {
	for _, tc := range []struct {
		due        time.Time
		start, end string
	}{
		{time.Date(2024, 12, 31, 23, 59, 0, 0, vietnam), "20241231", "20250101"},
		{time.Date(2024, 6, 20, 17, 0, 0, 0, time.UTC), "20240621", "20240622"}, // 00:00 on 21/6 in Vietnam
		{time.Date(2024, 6, 20, 16, 59, 0, 0, time.UTC), "20240620", "20240621"},
		{time.Date(2024, 2, 28, 12, 0, 0, 0, vietnam), "20240228", "20240229"}, // leap year
	} {
		t.Run(tc.due.String(), func(t *testing.T) {
			m := &notify.Message{At: tc.due, Items: []notify.Item{{Assignment: "k", TaskID: "I.1", Due: tc.due}}}
			ics, _ := calendar(m, "x.vn")
			e := icsEvents(icsUnfold(t, ics))[0]
			if e["DTSTART;VALUE=DATE"] != tc.start || e["DTEND;VALUE=DATE"] != tc.end {
				t.Errorf("DTSTART %s DTEND %s, want %s %s", e["DTSTART;VALUE=DATE"], e["DTEND;VALUE=DATE"], tc.start, tc.end)
			}
		})
	}
}

func TestCalendarWithoutDueDates(t *testing.T) {
	m := testMessage()
	for i := range m.Items {
		m.Items[i].Due = time.Time{}
	}
	if _, ok := calendar(m, "x.vn"); ok {
		t.Error("calendar with no due date reports events")
	}
	if _, ok := calendar(&notify.Message{}, "x.vn"); ok {
		t.Error("calendar without items reports events")
	}
}
