package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func TestParseTaskRef(t *testing.T) {
	tests := []struct {
		in, ref, rest string
		ok            bool
	}{
		{"III.2.2.1", "III.2.2.1", "", true},
		{"iii.2.2.1", "III.2.2.1", "", true},
		{"III. 2.2.1 ghi chú", "III.2.2.1", "ghi chú", true},
		{" iii . 2 . 2 . 1: xong", "III.2.2.1", "xong", true},
		{"I.4.1@2024-09", "I.4.1@2024-09", "", true},
		{"I.4.1 @ 2024-9 ok", "I.4.1@2024-09", "ok", true},
		{"i.4.1@2024-q1", "I.4.1@2024-Q1", "", true},
		{"III.2.1. Đã gửi", "III.2.1", "Đã gửi", true},
		{"III.2.1 3", "III.2.1", "3", true},
		{"III.2.1abc", "", "", false},
		{"abc", "", "", false},
		{"III", "", "", false},
		{"", "", "", false},
		{"2.2.1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, rest, ok := ParseTaskRef(tt.in)
			if ok != tt.ok || ok && (ref.String() != tt.ref || rest != tt.rest) {
				t.Errorf("ParseTaskRef(%q) = %q, %q, %t; want %q, %q, %t", tt.in, ref, rest, ok, tt.ref, tt.rest, tt.ok)
			}
		})
	}
	ref, _, _ := ParseTaskRef("i.4.1@2024-09")
	if !ref.Matches(scheduler.Assignment{TaskID: "I.4.1", Occurrence: "I.4.1@2024-09"}) ||
		ref.Matches(scheduler.Assignment{TaskID: "I.4.1", Occurrence: "I.4.1@2024-10"}) ||
		ref.Matches(scheduler.Assignment{TaskID: "I.4.11", Occurrence: "I.4.11@2024-09"}) {
		t.Error("Matches")
	}
}

func TestIsDone(t *testing.T) {
	for text, want := range map[string]bool{
		"xong": true, "Xong!": true, "ĐÃ XONG": true, "đã hoàn thành": true, "Hoàn thành.": true, "done": true,
		"ok xong": true, "Đã xong, kèm báo cáo": true, "da xong": true, "Xong rồi": true,
		"xong chưa": false, "đã xong chưa?": false, "chưa xong": false, "ok": false, "xongxong": false, "": false,
	} {
		if got := isDone(text); got != want {
			t.Errorf("isDone(%q) = %t", text, got)
		}
	}
}

func TestParseWhen(t *testing.T) {
	e := newEnv(t, nil)
	// e.clock is at Tuesday 19/11/2024 08:00.
	// A snooze ends at the start of working hours (07:30) of a working day.
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 7, 30, 0, 0, ict()) }
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"1", day(2024, 11, 20), ""},
		{"3 ngày", day(2024, 11, 22), ""},
		{"4", day(2024, 11, 25), ""},         // working days: over the weekend
		{"30/11/2024", day(2024, 12, 2), ""}, // a Saturday: the Monday
		{"02/12/2024", day(2024, 12, 2), ""},
		{"2-12-2024", day(2024, 12, 2), ""},
		{"15/01", day(2025, 1, 15), ""},
		{"0", time.Time{}, "từ 1 đến 60"},
		{"61", time.Time{}, "từ 1 đến 60"},
		{"19/11/2024", time.Time{}, "sau hôm nay"},
		{"31/02/2025", time.Time{}, "không phải ngày hợp lệ"},
		{"01/01/2027", time.Time{}, "quá xa"},
		{"", time.Time{}, "thiếu"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := e.bot.parseWhen(tt.in)
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("err = %v, want %q", err, tt.err)
			case tt.err == "" && (err != nil || !got.Equal(tt.want)):
				t.Errorf("= %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestKeyboardLabels(t *testing.T) {
	item := func(key string, copy bool) notify.Item { return notify.Item{Assignment: key, Copy: copy} }
	tests := []struct {
		name  string
		items []notify.Item
		want  []string
	}{
		{"copies only: none", []notify.Item{item(kII1, true)}, nil},
		{"one task", []notify.Item{item(kIII21, false), item(kII1, true)}, []string{"✅ Hoàn thành", "⏰ Nhắc lại sau", "📝 Ghi chú"}},
		{"occurrences told apart", []notify.Item{item(kI41June, false), item("60/KH-SCT|I.4.1@2024-07|vp", false), item(kIII21, false)},
			[]string{"✅ I.4.1 (tháng 6/2024)", "✅ I.4.1 (tháng 7/2024)", "✅ III.2.1"}},
		{"units told apart", []notify.Item{item(kI5vp, false), item(kI5qltm, false)}, []string{"✅ I.5 · vp", "✅ I.5 · qltm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb := Keyboard(&notify.Message{Items: tt.items})
			var got []string
			if kb != nil {
				for _, row := range kb.InlineKeyboard {
					if len(row) > 3 {
						t.Errorf("row of %d buttons", len(row))
					}
					for _, b := range row {
						got = append(got, b.Text)
						if len(*b.CallbackData) > 64 {
							t.Errorf("callback data %q", *b.CallbackData)
						}
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("labels %q, want %q", got, tt.want)
			}
		})
	}
	var many []notify.Item
	for i := range 150 {
		many = append(many, item(strings.Repeat("x", i)+"|I.1@2024|vp", false))
	}
	if kb := Keyboard(&notify.Message{Items: many}); len(kb.InlineKeyboard) != maxButtons/3 {
		t.Errorf("%d rows for 150 tasks", len(kb.InlineKeyboard))
	}
	if got := store.ShortID(kIII21); len(got) != 12 {
		t.Errorf("short id %q", got)
	}
}
