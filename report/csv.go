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
func (r Report) WriteCSV(w io.Writer) error {
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
	for _, row := range r.Rows {
		for i, c := range cols {
			record[i] = defuse(c.text(&r, row))
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
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
