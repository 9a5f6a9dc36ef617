package plan

import (
	"fmt"
	"io"
)

// Parse reads a plan appendix exported as tab-separated text (see
// docs/domain.md, "The people and the document"). name is the file name used
// in errors and kept as Plan.Source.
//
// The text may be UTF-8 with or without BOM, or UTF-16 with BOM, with LF, CRLF
// or CR line ends, composed or decomposed diacritics and any spacing: all of
// it is normalised before reading, so the same table always gives the same
// tasks.
//
// A document with problems gives a nil plan and an Errors listing every
// problem found, in line order; a failure to read r is returned wrapped.
func Parse(r io.Reader, name string) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", name, err)
	}
	return ParseBytes(data, name)
}

// ParseBytes is Parse of a document already read, without copying it.
func ParseBytes(data []byte, name string) (*Plan, error) {
	errs := &problems{file: name}
	text, line, err := decode(data)
	if err != nil {
		errs.add(line, "%v", err)
		return nil, errs.result()
	}
	lines := splitLines(text)
	p := &Plan{Source: name}
	if len(lines) == 0 {
		errs.add(1, "empty document: no title block and no table")
		return nil, errs.result()
	}

	// The title block is everything before the first header row; a table row
	// there means the header is missing.
	start := len(lines)
	for i, l := range lines {
		if isHeader(l) {
			start = i
			break
		}
	}
	var title []srcLine
	for _, l := range lines[:start] {
		if isTableRow(l) {
			errs.add(l.num, "no header row (%s …) before this table row", headerLine())
			break
		}
		title = append(title, l)
	}
	titleEnd := lines[len(lines)-1].num + 1
	if start < len(lines) {
		titleEnd = lines[start].num
	} else if len(errs.list) == 0 {
		errs.add(1, "no header row (%s …) in the document", headerLine())
	}
	parseTitle(p, title, titleEnd, errs)

	t := &table{errs: errs}
	for _, l := range lines[start:] {
		if errs.full() {
			break
		}
		t.row(l)
	}
	if start < len(lines) {
		p.Tasks = t.tasks()
		if len(p.Tasks) == 0 && len(errs.list) == 0 {
			errs.add(lines[start].num, "no tasks: the table has no numbered rows")
		}
	}
	if err := errs.result(); err != nil {
		return nil, err
	}
	return p, nil
}

// headerLine names the first columns of the header row for messages.
func headerLine() string {
	return headers[colSTT] + ", " + headers[colText] + ", " + headers[colTimeline] + ","
}
