package plan

import (
	"strings"
)

// record is one numbered row of the table with the rows that complete it: a
// continuation after a page break, or the body of a heading.
type record struct {
	num     number
	id      string
	cells   [numCols]string
	lines   []int
	body    bool // an empty-STT body row was merged into it
	heading bool // a descendant number follows it: never a task
}

// section is a Roman-numbered part of the table with its records in order.
type section struct {
	roman   string
	value   int
	title   string
	records []*record
	byNum   map[string]*record // number ("2.2") → record
	prev    number             // number of the last numbered row
}

// table assembles the rows of the table, from the first header row on.
type table struct {
	errs        *problems
	sections    []*section
	cur         *section
	lastRec     *record // the row before, when it is a numbered row
	lastSec     bool    // the row before is a section row
	rejected    bool    // the row before was rejected with an error
	afterHeader bool    // the row before is a (repeated) header row
}

// row takes one line of the table.
func (t *table) row(l srcLine) {
	if len(l.cells) > numCols {
		t.errs.add(l.num, "row has %d cells, expected at most %d", len(l.cells), numCols)
		l.cells = l.cells[:numCols]
	}
	if isHeader(l) {
		checkHeader(l, t.errs)
		t.afterHeader = true
		return
	}
	stt := l.cell(colSTT)
	switch n, ok := parseNumber(stt); {
	case stt == "":
		t.emptySTT(l)
	case ok:
		t.numbered(l, n)
	default:
		if value, title, ok := parseSection(l); ok {
			t.section(l, value, title)
		} else {
			t.errs.add(l.num, "unrecognised STT %q: expected a number (1, 1.1, 2.2.1) or a section numeral (I, II, …)", stt)
			t.reject()
		}
	}
	t.afterHeader = false
}

func (t *table) reject() {
	t.lastRec, t.lastSec, t.rejected = nil, false, true
}

func (t *table) section(l srcLine, value int, title string) {
	want := 1
	if t.cur != nil {
		want = t.cur.value + 1
	}
	switch {
	case value == want:
	case t.cur == nil:
		t.errs.add(l.num, "section %s out of order: the first section must be I", romans[value-1])
	case want > len(romans):
		t.errs.add(l.num, "section %s out of order after %s, the last possible section", romans[value-1], t.cur.roman)
	default:
		t.errs.add(l.num, "section %s out of order after %s (expected %s)", romans[value-1], t.cur.roman, romans[want-1])
	}
	t.cur = &section{roman: romans[value-1], value: value, title: title, byNum: map[string]*record{}}
	t.sections = append(t.sections, t.cur)
	t.lastRec, t.lastSec, t.rejected = nil, true, false
}

func (t *table) numbered(l srcLine, n number) {
	switch {
	case t.cur == nil:
		t.errs.add(l.num, "numbered row %s before any section (I, II, …)", n)
		t.reject()
		return
	case len(n) > maxDepth:
		t.errs.add(l.num, "number %s has more than %d levels", n, maxDepth)
		t.reject()
		return
	case !inSequence(t.cur.prev, n):
		t.errs.add(l.num, "%s", sequenceMsg(t.cur.roman, t.cur.prev, n))
	}
	s := t.cur
	key := n.String()
	r := &record{num: n, id: s.roman + "." + key, lines: []int{l.num}}
	copy(r.cells[:], l.cells)
	r.cells[colSTT] = key
	for k := 1; k < len(n); k++ {
		if a := s.byNum[n[:k].String()]; a != nil {
			a.heading = true
		}
	}
	s.records = append(s.records, r)
	s.byNum[key] = r
	s.prev = n
	t.lastRec, t.lastSec, t.rejected = r, false, false
}

// emptySTT takes a row without number: right after a repeated header it
// continues the row cut by the page break; elsewhere it is the body of the
// numbered row above it.
func (t *table) emptySTT(l srcLine) {
	switch {
	case t.rejected:
		// Belongs to a row already reported.
	case t.afterHeader && t.lastSec:
		s := t.cur
		s.title = strings.Join(append([]string{s.title}, nonEmpty(l.cells)...), " ")
	case t.lastRec == nil:
		t.errs.add(l.num, "row with empty STT has no numbered row above it to continue")
		t.reject()
	case t.afterHeader || t.lastRec.body:
		r := t.lastRec
		for i := colText; i < numCols; i++ {
			r.cells[i] = join(r.cells[i], " ", l.cell(i))
		}
		r.lines = append(r.lines, l.num)
	default:
		r := t.lastRec
		sep := ": "
		if strings.HasSuffix(r.cells[colText], ":") {
			sep = " "
		}
		r.cells[colText] = join(r.cells[colText], sep, l.cell(colText))
		for i := colTimeline; i < numCols; i++ {
			r.cells[i] = join(r.cells[i], " ", l.cell(i))
		}
		r.lines = append(r.lines, l.num)
		r.body = true
	}
}

// join appends b to a with sep between them when both are non-empty.
func join(a, sep, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + sep + b
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}
