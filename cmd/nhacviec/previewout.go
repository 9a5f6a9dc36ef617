package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// previewOutput prints a preview's messages as they come: a preview of a
// month at 100,000 tasks has more than fits in memory as entries.
type previewOutput interface {
	add(e previewEntry) error
	// finish prints what remains, for the window [from, to].
	finish(from, to time.Time) error
	// close frees what the output holds, finished or not.
	close()
}

// previewJSON prints a JSON array, one entry at a time, byte for byte as
// json.Encoder with a two-space indent prints the whole array.
type previewJSON struct {
	w io.Writer
	n int
}

func (p *previewJSON) add(e previewEntry) error {
	b, err := json.MarshalIndent(e, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n  "
	if p.n == 0 {
		sep = "[\n  "
	}
	p.n++
	if _, err := io.WriteString(p.w, sep); err != nil {
		return err
	}
	_, err = p.w.Write(b)
	return err
}

func (p *previewJSON) finish(from, to time.Time) error {
	end := "\n]\n"
	if p.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(p.w, end)
	return err
}

func (p *previewJSON) close() {}

// previewTable prints the table of messages, its columns aligned as
// text/tabwriter aligns them (two spaces after the widest cell). The widths
// are known only at the end, so the rows wait in a temporary file, not in
// memory.
type previewTable struct {
	w      io.Writer
	loc    *time.Location
	spool  *os.File
	buf    *bufio.Writer
	widths [4]int
	n      int
}

var previewHeader = [5]string{"TIME", "RECIPIENT", "CHANNELS", "KIND", "TASKS"}

func newPreviewTable(w io.Writer, loc *time.Location) (*previewTable, error) {
	f, err := os.CreateTemp("", "nhacviec-preview-*.tsv")
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	os.Remove(f.Name()) // gone when closed, whatever happens
	p := &previewTable{w: w, loc: loc, spool: f, buf: bufio.NewWriter(f)}
	return p, p.row(previewHeader)
}

// row spools one row's cells, which hold no tab or newline.
func (p *previewTable) row(cells [5]string) error {
	p.start([4]string(cells[:4]))
	p.buf.WriteString(cells[4])
	return p.buf.WriteByte('\n')
}

// start spools a row's first four cells, each followed by a tab; the
// fifth and the newline are the caller's to write.
func (p *previewTable) start(cells [4]string) {
	for i, c := range cells {
		p.widths[i] = max(p.widths[i], utf8.RuneCountInString(c))
		p.buf.WriteString(c)
		p.buf.WriteByte('\t')
	}
}

// add spools an entry's row, its tasks written straight into the spool: a
// catch-up morning's digest lists thousands.
func (p *previewTable) add(e previewEntry) error {
	p.n++
	p.start([4]string{e.At.In(p.loc).Format("2006-01-02 15:04"), e.Recipient.ID,
		orDash(strings.Join(e.Channels, ",")), string(e.Kind)})
	for i, it := range e.Items {
		if i > 0 {
			p.buf.WriteString("; ")
		}
		p.buf.WriteString(it.Occurrence)
		p.buf.WriteByte(' ')
		p.buf.WriteString(string(it.Kind))
		if it.Copy {
			p.buf.WriteString(" (copy)")
		}
	}
	return p.buf.WriteByte('\n')
}

func (p *previewTable) finish(from, to time.Time) error {
	if err := p.buf.Flush(); err != nil {
		return err
	}
	if _, err := p.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out := bufio.NewWriter(p.w)
	r := bufio.NewReader(p.spool)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		cells := strings.SplitN(strings.TrimSuffix(line, "\n"), "\t", 5)
		for i, c := range cells[:4] {
			out.WriteString(c)
			out.WriteString(strings.Repeat(" ", p.widths[i]+2-utf8.RuneCountInString(c)))
		}
		out.WriteString(cells[4])
		out.WriteByte('\n')
	}
	fmt.Fprintf(out, "%d messages from %s to %s.\n", p.n, from.In(p.loc).Format("2006-01-02 15:04"), to.In(p.loc).Format("2006-01-02 15:04"))
	return out.Flush()
}

func (p *previewTable) close() { p.spool.Close() }
