package telegram

import (
	"strings"
	"unicode"
)

// piece is a line and the separator that precedes it in its part.
type piece struct {
	sep string
	l   line
}

// pack fills parts of at most max characters (UTF-16 code units of the
// text after entity parsing, Telegram's measure): whole blocks when they
// fit, else whole lines, else pieces of a line cut at a rune boundary.
// Separators at a cut are dropped; tags are closed and reopened by
// construction, since every span carries its own.
func pack(blocks []block, max int) []Part {
	var (
		parts  []Part
		cur    []piece
		curLen int
	)
	flush := func() {
		if len(cur) > 0 {
			if p := build(cur); strings.TrimSpace(p.Text) != "" {
				parts = append(parts, p)
			}
		}
		cur, curLen = nil, 0
	}
	add := func(sep string, l line) {
		if len(cur) == 0 {
			sep = ""
		}
		cur = append(cur, piece{sep, l})
		curLen += len(sep) + l.len()
	}
	cost := func(sep string, n int) int {
		if len(cur) == 0 {
			return n
		}
		return len(sep) + n
	}
	for _, b := range blocks {
		// A block that fits in a part of its own starts one rather than
		// being cut; a bigger one fills the current part.
		if bl := blockLen(b); len(cur) > 0 && curLen+cost("\n\n", bl) > max && bl <= max {
			flush()
		}
		sep := "\n\n"
		for _, l := range b {
			n := l.len()
			if curLen+cost(sep, n) <= max {
				add(sep, l)
				sep = "\n"
				continue
			}
			room := max - curLen - len(sep)
			if n <= max || room < minChunk {
				flush()
				room = max
			}
			if n <= max {
				add(sep, l)
			} else {
				for i, chunk := range splitLine(l, room, max) {
					if i > 0 {
						flush()
					}
					add(sep, chunk)
				}
			}
			sep = "\n"
		}
	}
	flush()
	return parts
}

func blockLen(b block) int {
	n := len(b) - 1 // newlines
	for _, l := range b {
		n += l.len()
	}
	return n
}

func build(ps []piece) Part {
	var h, t strings.Builder
	for _, p := range ps {
		h.WriteString(p.sep)
		t.WriteString(p.sep)
		p.l.html(&h)
		p.l.text(&t)
	}
	return Part{HTML: h.String(), Text: t.String()}
}

// minChunk is the least room worth starting a cut line in, rather than
// starting a new part.
const minChunk = 200

// lookBack is how far back from a forced cut a space is looked for.
const lookBack = 200

// splitLine cuts a line into a first line of at most first and others of
// at most max, after a space when one is near the cut, never inside a rune
// nor between a letter and its combining mark (decomposed Vietnamese
// diacritics).
func splitLine(l line, first, max int) []line {
	type char struct {
		r    rune
		span int
	}
	var cs []char
	for i, s := range l {
		for _, r := range s.text {
			cs = append(cs, char{r, i})
		}
	}
	width := func(r rune) int {
		if r >= 0x10000 {
			return 2
		}
		return 1
	}
	var out []line
	for start, limit := 0, first; start < len(cs); limit = max {
		end, n := start, 0
		for end < len(cs) && n+width(cs[end].r) <= limit {
			n += width(cs[end].r)
			end++
		}
		if end < len(cs) {
			cut := end
			for j := end; j > start+1 && end-j < lookBack; j-- {
				if unicode.IsSpace(cs[j-1].r) {
					cut = j
					break
				}
			}
			if cut == end {
				for cut > start+1 && unicode.Is(unicode.Mn, cs[cut].r) {
					cut--
				}
			}
			end = cut
		}
		var chunk line
		for i := start; i < end; {
			j := i
			var b strings.Builder
			for ; j < end && cs[j].span == cs[i].span; j++ {
				b.WriteRune(cs[j].r)
			}
			chunk = append(chunk, span{tag: l[cs[i].span].tag, text: b.String()})
			i = j
		}
		out = append(out, chunk)
		start = end
	}
	return out
}
