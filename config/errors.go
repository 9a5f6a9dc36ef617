package config

import (
	"regexp"
	"strconv"
	"strings"
)

// Error is one problem in a config file, at a line when it is known.
type Error struct {
	File  string
	Line  int
	Field string // dotted path: "units[2].email"
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a config file, in line order.
type Errors []*Error

func (e Errors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// yamlLineRe reads the line of a syntax error: go-yaml v3 has no typed
// error for those. Unknown keys and wrong types never reach here: strict
// finds them on the document's nodes first.
var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// fromYAML turns one message of the YAML parser into an Error with its line.
func fromYAML(file, msg string) *Error {
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	return &Error{File: file, Line: line, Msg: m[2]}
}
