package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// strict checks the YAML document against the File type before it is
// decoded: every key names a field, no key is written twice, every value
// has its field's shape, every number fits its field. Lines and field
// paths come from the document's nodes: the decoder accepts a key written
// twice, and reports the rest with a line but without the field.
func strict(v *validator, doc *yaml.Node) {
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	s := &strictWalk{v: v, seen: map[nodeType]bool{}}
	s.node(n, reflect.TypeOf(File{}), nil)
}

// strictWalk checks each node once per type it is read as: aliases can
// make a small document a graph with exponentially many paths (60 anchors
// per level over four levels, 3 KB, took 7 s to walk path by path).
type strictWalk struct {
	v    *validator
	seen map[nodeType]bool
}

type nodeType struct {
	n *yaml.Node
	t reflect.Type
}

func (s *strictWalk) node(n *yaml.Node, t reflect.Type, path []any) {
	v := s.v
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if s.seen[nodeType{n, t}] {
		return
	}
	s.seen[nodeType{n, t}] = true
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" || t.Kind() == reflect.Interface {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			wrongType(v, n, t, path)
			return
		}
		fields := yamlFields(t)
		forEachKey(v, n, path, func(key, value *yaml.Node) {
			f, ok := fields[key.Value]
			if !ok {
				v.errs = append(v.errs, &Error{File: v.file, Line: key.Line, Field: fieldPath(path...), Msg: unknownKey(key.Value)})
				return
			}
			s.node(value, f, append(path, key.Value))
		})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			wrongType(v, n, t, path)
			return
		}
		forEachKey(v, n, path, func(key, value *yaml.Node) {
			if !fitsScalar(key, t.Key()) {
				wrongType(v, key, t.Key(), path)
				return
			}
			if outOfRange(v, key, t.Key(), path) {
				return
			}
			s.node(value, t.Elem(), append(path, key.Value))
		})
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			wrongType(v, n, t, path)
			return
		}
		for i, item := range n.Content {
			s.node(item, t.Elem(), append(path, i))
		}
	default:
		if n.Kind != yaml.ScalarNode || !fitsScalar(n, t) {
			wrongType(v, n, t, path)
			return
		}
		outOfRange(v, n, t, path)
	}
}

// forEachKey calls fn for each key of a mapping, reporting a key written
// twice instead.
func forEachKey(v *validator, n *yaml.Node, path []any, fn func(key, value *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if first, ok := seen[key.Value]; ok {
			v.errs = append(v.errs, &Error{File: v.file, Line: key.Line, Field: fieldPath(append(path, key.Value)...),
				Msg: fmt.Sprintf("written twice (first on line %d)", first)})
			continue
		}
		seen[key.Value] = key.Line
		fn(key, value)
	}
}

// fitsScalar says whether a scalar decodes into a value of kind t.
func fitsScalar(n *yaml.Node, t reflect.Type) bool {
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		return n.Kind == yaml.ScalarNode
	case reflect.Bool:
		return tag == "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if tag == "!!int" {
			return true
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		return tag == "!!float" && err == nil && f == math.Trunc(f)
	case reflect.Float32, reflect.Float64:
		return tag == "!!int" || tag == "!!float"
	}
	return false
}

// outOfRange reports a number that does not fit its field's type (the
// decoder would refuse it), and says whether it did.
func outOfRange(v *validator, n *yaml.Node, t reflect.Type, path []any) bool {
	if !isNumber(t) || n.Decode(reflect.New(t).Interface()) == nil {
		return false
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: n.Line, Field: fieldPath(path...),
		Msg: fmt.Sprintf("%s is out of range", n.Value)})
	return true
}

// isNumber says whether t is an integer or floating-point kind, whose
// range a written number may exceed.
func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// yamlFields maps the YAML keys of a struct to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func unknownKey(key string) string {
	switch key {
	case "password", "token", "secret":
		return fmt.Sprintf("%q: secrets are never read from the config file: name an environment variable (%s_env) or a file (%s_file)", key, key, key)
	}
	return fmt.Sprintf("unknown key %q", key)
}

func wrongType(v *validator, n *yaml.Node, t reflect.Type, path []any) {
	var got string
	switch n.Kind {
	case yaml.MappingNode:
		got = "a mapping"
	case yaml.SequenceNode:
		got = "a list"
	default:
		got = fmt.Sprintf("%s %q", nodeKind(n.ShortTag()), n.Value)
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: n.Line, Field: fieldPath(path...),
		Msg: fmt.Sprintf("wrong type: %s where %s is expected", got, typeKind(t))})
}

func nodeKind(tag string) string {
	switch tag {
	case "!!str":
		return "text"
	case "!!int", "!!float":
		return "number"
	case "!!bool":
		return "true/false"
	}
	return strings.TrimPrefix(tag, "!!")
}

func typeKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true/false"
	case reflect.String:
		return "text"
	}
	return "a mapping"
}
