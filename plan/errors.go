package plan

import (
	"fmt"
	"sort"
	"strings"
)

// maxErrors caps the problems Parse reports for one document: past that the
// document is almost certainly not a plan appendix, and more lines help nobody.
const maxErrors = 100

// Error is one problem in a document, located by file and 1-based line.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error formats the problem as "FILE:LINE: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Errors is every problem found in one document, in line order.
type Errors []*Error

// Error joins the problems, one per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives the problems to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// problems collects the errors of one document.
type problems struct {
	file string
	list Errors
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// full reports whether enough problems were found to stop reading.
func (p *problems) full() bool { return len(p.list) > maxErrors }

// result returns the problems in line order, capped, or nil when there are none.
func (p *problems) result() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].Line < p.list[j].Line })
	if len(p.list) > maxErrors {
		last := p.list[maxErrors-1].Line
		p.list = append(p.list[:maxErrors:maxErrors], &Error{File: p.file, Line: last,
			Msg: fmt.Sprintf("too many errors (more than %d); stopped", maxErrors)})
	}
	return p.list
}
