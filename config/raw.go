package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"

	"go.yaml.in/yaml/v4"
)

// Raw is a config file as written: the File decoded strictly from it and
// the YAML nodes it came from, whose positions give each problem found
// later its line. Decode makes one; nothing changes it afterwards:
// Validate reads it and resolves a copy.
type Raw struct {
	// Path is the file the config was read from.
	Path string
	// File is the file's settings exactly as written, defaults not filled.
	File File
	// root is the document's node tree, for the lines of problems.
	root *yaml.Node
}

// Decode reads data as the config file at path, strictly: a YAML syntax
// error, a second document, a key that names no field, a key written
// twice or a value of the wrong type is an Error naming the file and line.
func Decode(data []byte, path string) (*Raw, error) {
	root := &yaml.Node{}
	l, err := yaml.NewLoader(bytes.NewReader(data))
	if err == nil {
		err = l.Load(root)
	}
	switch {
	case errors.Is(err, io.EOF):
		// No document at all: an empty File, missing what is required.
		root = &yaml.Node{}
	case err != nil:
		return nil, loadErrors(path, err)
	default:
		var extra yaml.Node
		if err := l.Load(&extra); !errors.Is(err, io.EOF) {
			if err != nil {
				return nil, loadErrors(path, err)
			}
			return nil, Errors{{File: path, Line: extra.Line, Msg: "a second YAML document: the config is one document"}}
		}
	}
	r := &Raw{Path: path, root: root}
	if root.Kind == 0 {
		return r, nil
	}
	v := &validator{file: path}
	strict(v, root)
	if len(v.errs) > 0 {
		slices.SortStableFunc(v.errs, func(a, b *Error) int { return a.Line - b.Line })
		return nil, v.errs
	}
	// strict has checked every key and value against File: what the
	// decoder could still refuse, it reports typed, with positions.
	if err := root.Load(&r.File, yaml.WithKnownFields()); err != nil {
		return nil, loadErrors(path, err)
	}
	return r, nil
}

// loadErrors turns an error of the YAML library into Errors: one for a
// syntax error, one per value for the decoder's *yaml.LoadErrors.
func loadErrors(file string, err error) Errors {
	var les *yaml.LoadErrors
	if !errors.As(err, &les) {
		return Errors{loadError(file, err)}
	}
	errs := make(Errors, len(les.Errors))
	for i, e := range les.Errors {
		errs[i] = loadError(file, e)
	}
	return errs
}

// loadError turns an error of the YAML library into an Error. Its
// position comes from the typed *yaml.LoadError (go.yaml.in/yaml/v4), its
// text from the error's Message, with the construct it was in and where
// that starts ("while parsing a flow sequence from line 1") when the
// library names one: an unclosed bracket or quote is found lines after it
// was opened.
func loadError(file string, err error) *Error {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return &Error{File: file, Msg: err.Error()}
	}
	e := &Error{File: file, Line: le.Mark.Line, Msg: le.Message}
	if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark.Line != le.Mark.Line {
		e.Msg += fmt.Sprintf(" (%s from line %d)", le.ContextMsg, le.ContextMark.Line)
	}
	return e
}

// clone returns a deep copy of v: its slices, maps and pointers are new,
// so that writing into the copy never reaches the original.
func clone[T any](v T) T {
	out := reflect.New(reflect.TypeOf(v)).Elem()
	cloneValue(out, reflect.ValueOf(v))
	return out.Interface().(T)
}

func cloneValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		for i := range src.NumField() {
			cloneValue(dst.Field(i), src.Field(i))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(src.Type(), src.Len(), src.Len()))
		for i := range src.Len() {
			cloneValue(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeMapWithSize(src.Type(), src.Len()))
		for k, v := range src.Seq2() {
			e := reflect.New(v.Type()).Elem()
			cloneValue(e, v)
			dst.SetMapIndex(k, e)
		}
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.New(src.Type().Elem()))
		cloneValue(dst.Elem(), src.Elem())
	default:
		dst.Set(src)
	}
}
