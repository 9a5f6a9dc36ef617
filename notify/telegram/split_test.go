package telegram

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// checkParts asserts what Telegram would check of every part: valid HTML,
// within the limit, Text equal to what Telegram shows.
func checkParts(t *testing.T, parts []Part, max int) {
	t.Helper()
	for i, p := range parts {
		plain, _, err := telegramtest.ParseHTML(p.HTML)
		if err != nil {
			t.Fatalf("part %d: Telegram would refuse it: %v\n%s", i, err, p.HTML)
		}
		if plain != p.Text {
			t.Errorf("part %d: Text %q, Telegram shows %q", i, p.Text, plain)
		}
		if n := telegramtest.UTF16Len(plain); n > max || n == 0 {
			t.Errorf("part %d: %d characters, limit %d", i, n, max)
		}
	}
}

func TestSplitBetweenItems(t *testing.T) {
	m := digest("d1", 1, 40)
	whole := pack(layout(m), 1<<30)[0].Text
	if n := telegramtest.UTF16Len(whole); n < 5000 {
		t.Fatalf("digest is only %d characters", n)
	}
	parts := Render(m)
	if len(parts) < 2 {
		t.Fatalf("%d parts for %d characters", len(parts), telegramtest.UTF16Len(whole))
	}
	checkParts(t, parts, MaxTextLen)
	var got []string
	for _, p := range parts {
		got = append(got, p.Text)
		if !strings.HasPrefix(p.Text, "Tổng hợp") && !strings.HasPrefix(p.Text, "III.") && !strings.HasPrefix(p.Text, "SẮP ĐẾN HẠN") {
			t.Errorf("part starts inside an item: %.40q", p.Text)
		}
	}
	if strings.Join(got, "\n\n") != whole {
		t.Error("parts joined differ from the whole text")
	}
}

func TestSplitGiantLine(t *testing.T) {
	m := message("g1", 1, item("I.1", "Nhiệm vụ", 2))
	// Task texts are shortened in a letter; a signature line is not.
	m.Footer = strings.Repeat("Báo cáo kết quả <thực hiện> & đánh giá; ", 250) // ~10,000 characters in italics
	whole := pack(layout(m), 1<<30)[0].Text
	parts := Render(m)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want at least 3", len(parts))
	}
	checkParts(t, parts, MaxTextLen)
	var all strings.Builder
	for i, p := range parts {
		all.WriteString(p.Text)
		if i > 0 && !strings.HasPrefix(p.HTML, "<i>") {
			t.Errorf("part %d does not reopen the italics: %.20q", i, p.HTML)
		}
	}
	if noSpace(all.String()) != noSpace(whole) {
		t.Error("parts put together differ from the whole text")
	}
	if !strings.HasPrefix(parts[0].Text, "Nhắc việc sắp đến hạn\nKính gửi: Văn phòng") || telegramtest.UTF16Len(parts[0].Text) < MaxTextLen-lookBack {
		t.Errorf("first part not filled: %d characters", telegramtest.UTF16Len(parts[0].Text))
	}
}

func TestSplitLine(t *testing.T) {
	tests := []struct {
		name string
		l    line
		max  int
		want []line
	}{
		{"at a space", line{{"b", "abc def"}, {"", " gh"}}, 5,
			[]line{{{"b", "abc "}}, {{"b", "def"}, {"", " "}}, {{"", "gh"}}}},
		{"no space: rune boundary", line{{"i", "đđđđđđ"}}, 4,
			[]line{{{"i", "đđđđ"}}, {{"i", "đđ"}}}},
		{"surrogate pairs count double", line{{"", "😀😀😀"}}, 3,
			[]line{{{"", "😀"}}, {{"", "😀"}}, {{"", "😀"}}}},
		{"combining mark stays with its letter", line{{"", "aaae\u0302\u0301b"}}, 4, // "ế" decomposed
			[]line{{{"", "aaa"}}, {{"", "e\u0302\u0301b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitLine(tt.l, tt.max, tt.max); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitLine = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPackSmallLimit(t *testing.T) {
	blocks := []block{
		{{{"b", "Title"}}},
		{{{"", "one"}}, {{"i", "two"}}},
		{{{"", "three four five"}}},
	}
	var got []string
	for _, p := range pack(blocks, 12) {
		got = append(got, p.HTML)
	}
	want := []string{"<b>Title</b>", "one\n<i>two</i>", "three four ", "five"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pack = %q, want %q", got, want)
	}
}

func BenchmarkRenderDigest(b *testing.B) {
	m := digest("d", 1, 40)
	for b.Loop() {
		Render(m)
	}
}
