package telegramtest

import (
	"reflect"
	"testing"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		entities []MessageEntity
	}{
		{"entities", `<b>Hạn</b> &lt;x&gt; &amp; &quot;q&quot; &#39;a&#x27; &#128512;`, `Hạn <x> & "q" 'a' 😀`,
			[]MessageEntity{{Type: "bold", Offset: 0, Length: 3}}},
		{"utf16 offsets after astral", `😀<i>đ</i>`, `😀đ`, []MessageEntity{{Type: "italic", Offset: 2, Length: 1}}},
		{"nested sorted", `<b>a<i>b</i></b>`, `ab`,
			[]MessageEntity{{Type: "bold", Offset: 0, Length: 2}, {Type: "italic", Offset: 1, Length: 1}}},
		{"empty entity dropped", `a<b></b>b`, `ab`, nil},
		{"short end tag", `<u>x</>`, `x`, []MessageEntity{{Type: "underline", Offset: 0, Length: 1}}},
		{"upper case tag", `<B>x</B>`, `x`, []MessageEntity{{Type: "bold", Offset: 0, Length: 1}}},
		{"link", `<a href="https://sct.langson.gov.vn/?a=1&amp;b=2">l</a>`, `l`,
			[]MessageEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://sct.langson.gov.vn/?a=1&b=2"}}},
		{"pre with language", `<pre><code class="language-go">x</code></pre>`, `x`,
			[]MessageEntity{{Type: "pre", Offset: 0, Length: 1, Language: "go"}}},
		{"spoiler and quote", `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler><blockquote expandable>q</blockquote>`, `stq`,
			[]MessageEntity{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1},
				{Type: "expandable_blockquote", Offset: 2, Length: 1}}},
		{"strike aliases", `<s>a</s><del>b</del><strike>c</strike>`, `abc`,
			[]MessageEntity{{Type: "strikethrough", Offset: 0, Length: 1}, {Type: "strikethrough", Offset: 1, Length: 1},
				{Type: "strikethrough", Offset: 2, Length: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ents, err := ParseHTML(tt.in)
			if err != nil {
				t.Fatalf("ParseHTML(%q): %v", tt.in, err)
			}
			if got != tt.want || !reflect.DeepEqual(ents, tt.entities) {
				t.Errorf("ParseHTML(%q) = %q %+v, want %q %+v", tt.in, got, ents, tt.want, tt.entities)
			}
		})
	}
}

func TestParseHTMLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unsupported tag", "a<br>b", `Unsupported start tag "br" at byte offset 1`},
		{"unclosed", "<b>x", `Can't find end tag corresponding to start tag "b"`},
		{"crossed", "<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"unexpected end", "x</b>", `Unexpected end tag at byte offset 1`},
		{"unclosed start", "x <b", `Unclosed start tag at byte offset 2`},
		{"unclosed end", "<b>x</b", `Unclosed end tag at byte offset 4`},
		{"attribute without value", "<a href>x</a>", `Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0`},
		{"span class", `<span class="x">s</span>`, `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"bare ampersand", "Sở Công Thương & UBND", "Unsupported HTML entity at byte offset 20"},
		{"named entity", "&nbsp;", "Unsupported HTML entity at byte offset 0"},
		{"entity without semicolon", "&lt x", "Unsupported HTML entity at byte offset 0"},
		{"lone less-than", "1 < 2", `Unsupported start tag "" at byte offset 2`},
		{"invalid utf-8", "a\xffb", "Strings must be encoded in UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseHTML(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseHTML(%q) error = %v, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseHTMLLenientLikeTelegram(t *testing.T) {
	for in, want := range map[string]string{
		"A & B":   "A & B",
		"&lt x":   "< x",
		"&nbsp;x": "&nbsp;x",
	} {
		got, _, err := parseHTML(in, false)
		if err != nil || got != want {
			t.Errorf("lenient parseHTML(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestTrimText(t *testing.T) {
	text, ents := trimText("\n ab \n", []MessageEntity{
		{Type: "bold", Offset: 2, Length: 2},   // "ab"
		{Type: "italic", Offset: 0, Length: 1}, // only white space: dropped
		{Type: "code", Offset: 3, Length: 3},   // "b \n": clipped to "b"
	})
	want := []MessageEntity{{Type: "bold", Offset: 0, Length: 2}, {Type: "code", Offset: 1, Length: 1}}
	if text != "ab" || !reflect.DeepEqual(ents, want) {
		t.Errorf("trimText = %q %+v, want %q %+v", text, ents, "ab", want)
	}
}
