package plan

import (
	"strings"
)

// The columns of the appendix table, in order.
const (
	colSTT      = iota // STT
	colText            // Nhiệm vụ cụ thể
	colTimeline        // Tiến độ
	colLead            // Cơ quan chủ trì
	colCoord           // Cơ quan phối hợp
	colOutput          // Kết quả/sản phẩm
	numCols
)

// headers are the column titles as written in the appendix.
var headers = [numCols]string{"STT", "Nhiệm vụ cụ thể", "Tiến độ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả/sản phẩm"}

// isHeader reports whether the line is a header row: its first cell is "STT".
func isHeader(l srcLine) bool { return strings.EqualFold(l.cell(colSTT), headers[colSTT]) }

// checkHeader reports the columns of a header row that are not the expected
// ones: the importer reads cells by position, so another layout must not be
// read silently.
func checkHeader(l srcLine, errs *problems) {
	for i, want := range headers {
		if got := l.cell(i); got != want && headerKey(got) != headerKey(want) {
			errs.add(l.num, "header row: column %d is %q, expected %q", i+1, got, want)
			return
		}
	}
}

// headerKey compares header titles ignoring case and spaces ("Kết quả / Sản phẩm").
func headerKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// romans are the section numerals, I to XX.
var romans = [...]string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
	"XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"}

// romanValue returns 1..20 for "I".."XX" and 0 for anything else.
func romanValue(s string) int {
	for i, r := range romans {
		if s == r {
			return i + 1
		}
	}
	return 0
}

// parseSection reads a section row: the numeral alone in the first cell and
// the title in the second ("II", "CẢI CÁCH THỂ CHẾ"), or both in the first
// cell ("I CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC"). A dot after the numeral is
// tolerated.
func parseSection(l srcLine) (value int, title string, ok bool) {
	first := l.cell(colSTT)
	tok, rest, _ := strings.Cut(first, " ")
	value = romanValue(strings.TrimRight(tok, ".)"))
	if value == 0 {
		return 0, "", false
	}
	rest = strings.TrimSpace(strings.TrimLeft(rest, ".)-–: "))
	parts := make([]string, 0, 2)
	for _, s := range []string{rest, l.cell(colText)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return value, strings.Join(parts, " "), true
}

// isTableRow reports whether a line before the first header row is a row of
// the table (numbered or a section), not a line of the title block.
func isTableRow(l srcLine) bool {
	if _, ok := parseNumber(l.cell(colSTT)); ok && len(l.cells) > 1 {
		return true
	}
	_, _, ok := parseSection(l)
	return ok && len(l.cells) > 1
}
