package config

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Schema returns a JSON Schema of the config file, for editors (the example
// config names it in a yaml-language-server comment). It is derived from
// the File type, so it cannot drift from what Load accepts: unknown keys
// are refused there and flagged here.
func Schema() []byte {
	s := schemaOf(reflect.TypeOf(File{}))
	// The defaults Validate fills in, for editors to show.
	for _, d := range []struct {
		path []string
		v    any
	}{
		{[]string{"timezone"}, DefaultTimezone},
		{[]string{"horizon_days"}, DefaultHorizonDays},
		{[]string{"reports", "department_day"}, DefaultDepartmentDay},
		{[]string{"reports", "weekly"}, DefaultWeekly},
	} {
		prop := s
		for _, k := range d.path {
			prop = prop["properties"].(map[string]any)[k].(map[string]any)
		}
		prop["default"] = d.v
	}
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = "nhacviec config"
	s["required"] = []string{"database"}
	out, _ := json.MarshalIndent(s, "", "  ")
	return append(out, '\n')
}

func schemaOf(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		m := map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
		if t.Key().Kind() == reflect.Int {
			m["propertyNames"] = map[string]any{"pattern": "^[0-9]+$"}
		}
		return m
	case reflect.Struct:
		props := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			props[name] = schemaOf(f.Type)
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	}
	return map[string]any{}
}
