package config

import (
	"fmt"
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

var (
	yamlLineRe    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknownRe = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	yamlTypeRe    = regexp.MustCompile(`^cannot unmarshal !!(\w+) ` + "`" + `?(.*?)` + "`" + `? into (\S+)$`)
)

// fromYAML turns one message of the YAML decoder into an Error with its line.
func fromYAML(file, msg string) *Error {
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	if u := yamlUnknownRe.FindStringSubmatch(text); u != nil {
		text = fmt.Sprintf("unknown key %q", u[1])
		switch u[1] {
		case "password", "token", "secret":
			text = fmt.Sprintf("%q: secrets are never read from the config file: name an environment variable (%s_env) or a file (%s_file)", u[1], u[1], u[1])
		}
	} else if t := yamlTypeRe.FindStringSubmatch(text); t != nil {
		text = fmt.Sprintf("wrong type: %s %q where %s is expected", yamlKind(t[1]), t[2], goKind(t[3]))
	}
	return &Error{File: file, Line: line, Msg: text}
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "number"
	case "bool":
		return "true/false"
	case "seq":
		return "list"
	case "map":
		return "mapping"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true/false"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "map"), strings.Contains(t, "."):
		return "a mapping"
	}
	return t
}
