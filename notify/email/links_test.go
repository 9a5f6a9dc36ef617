package email

import (
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// TestLinksOnActionableItems: the items a recipient answers carry the
// three links the link function signs for that recipient and assignment,
// in both bodies, HTML-escaped in the HTML one; copies for information,
// completions and refused recipients get none.
func TestLinksOnActionableItems(t *testing.T) {
	m := testMessage()
	m.To.ID = "an"
	m.Kind = notify.KindDigest
	m.Items = []notify.Item{
		{Kind: notify.KindOverdue, Assignment: "60/KH-SCT|I.2@2024|vp", TaskID: "I.2", Text: "Trễ hạn", Due: m.At.AddDate(0, 0, -3), WorkingDays: -2},
		{Kind: notify.KindReminder, Assignment: "60/KH-SCT|I.4@2024|tc", TaskID: "I.4", Text: "Phối hợp", Copy: true, Due: m.At.AddDate(0, 0, 5), WorkingDays: 3},
		{Kind: notify.KindDone, Assignment: "60/KH-SCT|I.5@2024|vp", TaskID: "I.5", Text: "Xong rồi"},
		{Kind: notify.KindDue, Assignment: "60/KH-SCT|I.6@2024|kt", TaskID: "I.6", Text: "Không được phép", Due: m.At},
	}
	var asked []string
	r := testRenderer(t)
	r.links = func(who, key string) (Links, bool) {
		asked = append(asked, who+" "+key)
		if strings.HasSuffix(key, "|kt") {
			return Links{}, false
		}
		base := "https://nhacviec.example/l/" + who + "/" + strings.ReplaceAll(key, "|", "~")
		return Links{Done: base + "?a=done&x=1", Snooze: base + "?a=snooze", Note: base + "?a=note"}, true
	}
	text, html, err := r.bodies(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"an 60/KH-SCT|I.2@2024|vp", "an 60/KH-SCT|I.6@2024|kt"}; strings.Join(asked, ",") != strings.Join(want, ",") {
		t.Errorf("links asked for %q, want %q", asked, want)
	}
	base := "https://nhacviec.example/l/an/60/KH-SCT~I.2@2024~vp"
	for _, want := range []string{"Đã hoàn thành: " + base + "?a=done&x=1", "Nhắc lại sau: " + base + "?a=snooze", "Ghi chú / nộp tài liệu: " + base + "?a=note"} {
		if !strings.Contains(text, want) {
			t.Errorf("text body lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Đã hoàn thành:") != 1 {
		t.Errorf("links on items that should have none:\n%s", text)
	}
	if !strings.Contains(html, `<a href="`+base+`?a=done&amp;x=1"`) || strings.Count(html, ">Đã hoàn thành</a>") != 1 {
		t.Errorf("html body links wrong:\n%s", html)
	}
}

// TestNoLinksWithoutHook: without WithLinks nothing changes.
func TestNoLinksWithoutHook(t *testing.T) {
	m := testMessage()
	text, html, err := testRenderer(t).bodies(m)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "Đã hoàn thành:") || strings.Contains(html, "Nhắc lại sau</a>") {
		t.Error("links without a hook")
	}
}
