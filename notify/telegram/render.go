package telegram

import (
	"html"
	"strconv"
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

// Render lays m out in Vietnamese for Telegram, in the letter shape of
// every channel (notify.Compose): bold title, salutation, summary, the
// sections with one paragraph per task, the overview, the compact lists,
// the signature. A message over MaxTextLen is split between tasks, else
// between lines, else inside a line; each part is valid HTML on its own.
func Render(m *notify.Message) []Part {
	return pack(layout(m), MaxTextLen)
}

func layout(m *notify.Message) []block {
	l := notify.Compose(m)
	title := clean(m.Title)
	if title == "" {
		title = notify.KindLabel(m.Kind)
	}
	head := block{{{tag: "b", text: flat(title)}}, {{text: flat(l.Greeting)}}}
	if l.Summary != "" {
		head = append(head, line{{text: flat(l.Summary)}})
	}
	blocks := []block{head}
	if intro := paragraph(l.Intro); len(intro) > 0 {
		blocks = append(blocks, intro)
	}
	heading := func(s notify.Section) line {
		return line{{tag: "b", text: strings.ToUpper(s.Title) + " (" + strconv.Itoa(len(s.Entries)) + " nhiệm vụ)"}}
	}
	for _, s := range l.Sections {
		if s.Compact() {
			continue
		}
		for i, e := range s.Entries {
			var b block
			if i == 0 {
				b = append(b, heading(s))
				if s.Note != "" {
					b = append(b, line{{tag: "i", text: s.Note}})
				}
			}
			b = append(b, line{{tag: "b", text: e.TaskID}, {text: " " + flat(e.Text)}})
			if e.Units != "" {
				b = append(b, line{{text: "Đơn vị chủ trì: " + flat(e.Units)}})
			}
			if w := e.When(); w != "" {
				b = append(b, line{{text: w}})
			}
			if out := flat(e.Output); out != "" {
				b = append(b, line{{tag: "i", text: "Kết quả: " + out}})
			}
			blocks = append(blocks, b)
		}
	}
	if o := l.Overview; o != nil {
		b := block{{{tag: "b", text: strings.ToUpper(o.Title) + ": " + o.Headline()}}, {{text: "Theo đơn vị:"}}}
		for _, u := range o.Units {
			b = append(b, line{{text: "• " + flat(u.Text())}})
		}
		if o.OtherUnits > 0 {
			b = append(b, line{{text: "• " + o.OthersText()}})
		}
		blocks = append(blocks, b)
		b = block{{{text: o.LongestTitle() + ":"}}}
		for i, e := range o.Longest {
			b = append(b, line{{text: strconv.Itoa(i+1) + ". "}, {tag: "b", text: e.TaskID}, {text: " " + flat(strings.TrimPrefix(e.Line(), e.TaskID+" "))}})
		}
		if m.To.Email != "" {
			b = append(b, line{{tag: "i", text: "Danh sách đầy đủ: tệp đính kèm e-mail cùng ngày."}})
		}
		blocks = append(blocks, b)
	}
	for _, s := range l.Sections {
		if !s.Compact() {
			continue
		}
		b := block{heading(s)}
		for _, e := range s.Entries {
			b = append(b, line{{text: "• "}, {tag: "b", text: e.TaskID}, {text: " " + flat(strings.TrimPrefix(e.Line(), e.TaskID+" "))}})
		}
		blocks = append(blocks, b)
	}
	var sig block
	for _, s := range l.Signature {
		sig = append(sig, line{{tag: "i", text: flat(s)}})
	}
	return append(blocks, sig)
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
