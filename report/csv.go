package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// bom makes Excel read the file as UTF-8: without it, Excel on Windows
// shows Vietnamese letters as mojibake.
const bom = "\uFEFF"

// WriteCSV writes one row per assignment, with Vietnamese headers, as UTF-8
// with a byte-order mark. Cells that a spreadsheet would run as a formula
// (starting with =, +, -, @) get a leading apostrophe, as OWASP advises:
// notes come from users.
func (r Report) WriteCSV(w io.Writer) error { return writeCSV(w, &r, r.each) }

// each calls fn with every row, in order.
func (r *Report) each(fn func(Row) error) error {
	for _, row := range r.Rows {
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// writeCSV writes the rows that each yields as WriteCSV describes.
func writeCSV(w io.Writer, r *Report, each func(func(Row) error) error) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, as Excel writes it
	cols := detailColumns()
	record := make([]string, len(cols))
	for i, c := range cols {
		record[i] = c.header
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	err := each(func(row Row) error {
		for i, c := range cols {
			record[i] = defuse(c.text(r, row))
		}
		return cw.Write(record)
	})
	if err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// defuse keeps a spreadsheet from evaluating a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
