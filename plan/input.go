package plan

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// srcLine is one non-blank line of the document split into clean cells.
type srcLine struct {
	num   int      // 1-based line number in the original file
	cells []string // trailing empty cells removed; never empty
}

// cell returns cell i, or "" past the end.
func (l srcLine) cell(i int) string {
	if i < len(l.cells) {
		return l.cells[i]
	}
	return ""
}

// decode turns the raw document into NFC text: a UTF-16 export (Excel's
// "Unicode text") is converted, a UTF-8 BOM dropped, and anything else must be
// valid UTF-8 — a file saved in a legacy Vietnamese code page is refused
// rather than read as garbage. On error, line locates the problem.
func decode(data []byte) (text string, line int, err error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		dec := xunicode.BOMOverride(xunicode.UTF8.NewDecoder())
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return "", 1, fmt.Errorf("decode UTF-16: %w", err)
		}
		data = out
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		before := data[:invalidAt(data)]
		n := 1 + bytes.Count(before, []byte("\n")) + bytes.Count(before, []byte("\r")) -
			bytes.Count(before, []byte("\r\n"))
		return "", n, errors.New("not valid UTF-8 text (save the file as UTF-8)")
	}
	return nfc(data), 0, nil
}

// nfc is norm.NFC.String(string(data)), a large document split at line
// ends into parts normalised side by side: a line end is a starter that
// nothing composes with, so the parts' forms joined are the whole's. NFC
// was a third of reading a 22 MB document.
func nfc(data []byte) string {
	parts := min(runtime.GOMAXPROCS(0), len(data)/nfcPart)
	if parts < 2 {
		return norm.NFC.String(string(data))
	}
	var cuts []int // part i is data[cuts[i]:cuts[i+1]]
	cuts = append(cuts, 0)
	for i := 1; i < parts; i++ {
		at := i * len(data) / parts
		nl := bytes.IndexByte(data[at:], '\n')
		if nl < 0 {
			break
		}
		if c := at + nl + 1; c > cuts[len(cuts)-1] && c < len(data) {
			cuts = append(cuts, c)
		}
	}
	cuts = append(cuts, len(data))
	out := make([][]byte, len(cuts)-1)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			if part := data[cuts[i]:cuts[i+1]]; norm.NFC.IsNormal(part) {
				out[i] = part // most documents are NFC already: no copy
			} else {
				out[i] = norm.NFC.Append(nil, part...)
			}
		})
	}
	wg.Wait()
	n := 0
	for _, part := range out {
		n += len(part)
	}
	var b strings.Builder
	b.Grow(n)
	for _, part := range out {
		b.Write(part)
	}
	return b.String()
}

// nfcPart is the least size of a part normalised on its own.
const nfcPart = 1 << 20

// invalidAt returns the offset of the first invalid UTF-8 sequence.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// splitLines cuts NFC text into lines (LF, CRLF or CR) and lines into cells,
// keeping the original line numbers and dropping blank lines.
func splitLines(text string) []srcLine {
	var lines []srcLine
	num := 0
	for len(text) > 0 {
		num++
		end := strings.IndexAny(text, "\r\n")
		raw := text
		if end < 0 {
			text = ""
		} else {
			raw = text[:end]
			if strings.HasPrefix(text[end:], "\r\n") {
				end++
			}
			text = text[end+1:]
		}
		if cells := splitCells(raw); len(cells) > 0 {
			lines = append(lines, srcLine{num: num, cells: cells})
		}
	}
	return lines
}

// splitCells splits a line at tabs and cleans each cell; trailing empty cells
// are dropped, so a blank line gives none.
func splitCells(raw string) []string {
	cells := strings.Split(raw, "\t")
	for i, c := range cells {
		cells[i] = collapse(c)
	}
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// clean is the normal form of any text taken from a document: NFC, every run
// of white space one space, no space at either end.
func clean(s string) string {
	return collapse(norm.NFC.String(s))
}

// collapse turns runs of white space (including no-break spaces) into one
// space, trims both ends and drops zero-width characters. Text that needs no
// change is returned as is, without allocating.
func collapse(s string) string {
	if isCollapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200B' || r == '\uFEFF':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isCollapsed(s string) bool {
	prevSpace := true // a leading space needs work
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c < ' ' || c >= 0x80 && mayBeSpace(s[i:]):
			return false
		default:
			prevSpace = false
		}
	}
	return !prevSpace || s == ""
}

// mayBeSpace reports whether s starts with a multi-byte white space or
// zero-width character. It looks at the lead bytes only (C2 for U+0085 and
// U+00A0, E1 9A for U+1680, E2 for U+2000–U+205F, E3 for U+3000, EF for
// U+FEFF), so that Vietnamese letters, which never start that way but for
// E1 BA/BB, are passed over without decoding.
func mayBeSpace(s string) bool {
	switch s[0] {
	case 0xC2, 0xE2, 0xE3, 0xEF:
		return true
	case 0xE1:
		return len(s) > 1 && s[1] == 0x9A
	}
	return false
}
