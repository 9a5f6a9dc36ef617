package telegram

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/sct-langson/nhacviec/notify"
)

// MaxTextLen is Telegram's limit on a message text, counted after entity
// parsing in UTF-16 code units.
const MaxTextLen = 4096

// Part is one Telegram message of a rendered notification.
type Part struct {
	// HTML is the text for parse_mode HTML, every piece of task text
	// escaped.
	HTML string
	// Text is the same as the reader sees it, without markup: what
	// Telegram makes of HTML, and the plain-text fallback when Telegram
	// refuses the markup.
	Text string
}

// span is a run of text with at most one tag around it.
type span struct {
	tag  string // "", "b" or "i"
	text string
}

// line is one line of a message, without its newline.
type line []span

// block is a group of lines kept in one message when it fits: the heading,
// one item, the footer.
type block []line

// Render lays m out in Vietnamese for Telegram: bold title, intro, one
// paragraph per item ("[III.2.1] text — unit — Hạn: 31/12/2024 (còn 3 ngày
// làm việc)", the expected output in italics), footer. A message over
// MaxTextLen is split between items, else between lines, else inside a
// line; each part is valid HTML on its own.
func Render(m *notify.Message) []Part {
	return pack(layout(m), MaxTextLen)
}

func layout(m *notify.Message) []block {
	title := clean(m.Title)
	if title == "" {
		title = notify.KindLabel(m.Kind)
	}
	head := block{{{tag: "b", text: flat(title)}}}
	head = append(head, paragraph(m.Intro)...)
	blocks := []block{head}
	var kind notify.Kind
	for i, it := range m.Items {
		var b block
		if m.Kind == notify.KindDigest && (i == 0 || it.Kind != kind) {
			b = append(b, line{{tag: "b", text: notify.KindLabel(it.Kind) + ":"}})
		}
		kind = it.Kind
		b = append(b, itemLine(it))
		if out := flat(it.Output); out != "" {
			b = append(b, line{{tag: "i", text: "Sản phẩm: " + out}})
		}
		blocks = append(blocks, b)
	}
	if foot := paragraph(m.Footer); len(foot) > 0 {
		blocks = append(blocks, foot)
	}
	return blocks
}

// itemLine is "[III.2.1] text — unit — Hạn: 31/12/2024 (còn 3 ngày làm
// việc)", the task number in bold.
func itemLine(it notify.Item) line {
	var l line
	if id := flat(it.Label()); id != "" {
		l = append(l, span{tag: "b", text: "[" + id + "]"}, span{text: " "})
	}
	parts := []string{}
	if t := flat(it.Text); t != "" {
		parts = append(parts, t)
	}
	if u := flat(it.Unit); u != "" {
		parts = append(parts, u)
	}
	if !it.Due.IsZero() {
		parts = append(parts, "Hạn: "+it.DueText()+" ("+it.Status()+")")
	}
	return append(l, span{text: strings.Join(parts, " — ")})
}

// clean makes text safe to send: valid UTF-8, "\n" line ends.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))
}

// flat is s on one line with single spaces: task text and units come from
// table cells whose line breaks are layout, not meaning.
func flat(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// paragraph is free text (intro, footer) as lines, blank lines kept.
func paragraph(s string) []line {
	s = clean(s)
	if s == "" {
		return nil
	}
	var out []line
	for _, l := range strings.Split(s, "\n") {
		out = append(out, line{{text: strings.TrimRight(l, " \t")}})
	}
	return out
}

// html writes l for parse_mode HTML. html.EscapeString also escapes quotes
// as numeric entities, which Telegram decodes.
func (l line) html(b *strings.Builder) {
	for _, s := range l {
		if s.text == "" {
			continue
		}
		if s.tag != "" {
			b.WriteString("<" + s.tag + ">")
		}
		b.WriteString(html.EscapeString(s.text))
		if s.tag != "" {
			b.WriteString("</" + s.tag + ">")
		}
	}
}

func (l line) text(b *strings.Builder) {
	for _, s := range l {
		b.WriteString(s.text)
	}
}

// len is the line's length as Telegram counts it.
func (l line) len() int {
	n := 0
	for _, s := range l {
		n += utf16Len(s.text)
	}
	return n
}

// utf16Len is the number of UTF-16 code units of s: Telegram's measure.
func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n++
		if r >= 0x10000 {
			n++
		}
		s = s[size:]
	}
	return n
}
