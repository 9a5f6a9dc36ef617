package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// minimal leaves every setting with a default unset, and has units and
// people, whose slices the raw File and the resolved settings share.
const minimal = `database: x.db
units:
  - id: vp
    name: Văn phòng Sở
    head: chanh-vp
people:
  - id: chanh-vp
    name: Nguyễn Văn A
    unit: vp
    role: head
    email: a@example.vn
`

// TestValidateLeavesRawAsWritten: resolving fills the defaults into the
// Config's copy of the settings; the Raw still reads as the file does.
func TestValidateLeavesRawAsWritten(t *testing.T) {
	raw, err := Decode([]byte(minimal), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(raw); err != nil {
		t.Fatal(err)
	}
	fresh, err := Decode([]byte(minimal), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(raw.File, fresh.File) {
		t.Errorf("Validate changed the raw file:\n%+v\nas written:\n%+v", raw.File, fresh.File)
	}
	f := raw.File
	if f.Timezone != "" || f.HorizonDays != 0 || f.Reports.DepartmentDay != 0 || f.Reports.Weekly != "" {
		t.Errorf("raw holds defaults: timezone %q, horizon_days %d, reports %+v", f.Timezone, f.HorizonDays, f.Reports)
	}
}

// TestResolvedSharesNothingWithRaw: writing into every string, number and
// flag the resolved settings reach through a slice, a map or a pointer
// leaves the raw File as written (the shipped example has each of these).
func TestResolvedSharesNothingWithRaw(t *testing.T) {
	data, err := os.ReadFile("../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Decode(data, "nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Validate(raw)
	if err != nil {
		t.Fatal(err)
	}
	if n := scribble(reflect.ValueOf(&c.Settings).Elem(), false); n < 50 {
		t.Fatalf("only %d values reached through slices, maps and pointers: the example no longer exercises them", n)
	}
	fresh, err := Decode(data, "nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(raw.File, fresh.File) {
		t.Error("writing into the resolved settings changed the raw file")
	}
}

// scribble overwrites every string, integer and bool reachable from v
// through a slice, map or pointer (behind is whether one was crossed), and
// counts them.
func scribble(v reflect.Value, behind bool) int {
	n := 0
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			n += scribble(v.Field(i), behind)
		}
	case reflect.Slice:
		for i := range v.Len() {
			n += scribble(v.Index(i), true)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			n += scribble(v.Elem(), true)
		}
	case reflect.Map:
		for k, e := range v.Seq2() {
			cp := reflect.New(e.Type()).Elem()
			cp.Set(e)
			n += scribble(cp, true)
			v.SetMapIndex(k, cp)
			n++
		}
	case reflect.String:
		if behind {
			v.SetString(v.String() + "~")
			n++
		}
	case reflect.Int, reflect.Int64:
		if behind {
			v.SetInt(v.Int() + 1)
			n++
		}
	case reflect.Bool:
		if behind {
			v.SetBool(!v.Bool())
			n++
		}
	}
	return n
}

// TestResolvedDefaults: what the file leaves unset, the resolved config
// carries as its default, in the settings and in what is built from them;
// what the file sets, it keeps.
func TestResolvedDefaults(t *testing.T) {
	c, err := Parse([]byte(minimal), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Timezone != "Asia/Ho_Chi_Minh" || c.Location == nil || c.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("timezone %q, location %v: want Asia/Ho_Chi_Minh", c.Timezone, c.Location)
	}
	if c.HorizonDays != 120 || c.Scheduling.Horizon != 120*24*time.Hour {
		t.Errorf("horizon_days %d, horizon %v: want 120 days", c.HorizonDays, c.Scheduling.Horizon)
	}
	if c.Reports.DepartmentDay != 16 || c.Scheduling.ReportDay != 16 {
		t.Errorf("department_day %d, report day %d: want 16", c.Reports.DepartmentDay, c.Scheduling.ReportDay)
	}
	if c.Reports.Weekly != "0 8 * * 1" || c.Scheduling.Weekly == nil {
		t.Fatalf("weekly %q, schedule %v: want Monday 08:00", c.Reports.Weekly, c.Scheduling.Weekly)
	}
	// Wednesday 27 November 2024 → Monday 2 December, 08:00 in Hà Nội.
	from := time.Date(2024, 11, 27, 10, 0, 0, 0, c.Location)
	if got, want := c.Scheduling.Weekly.Next(from), time.Date(2024, 12, 2, 8, 0, 0, 0, c.Location); !got.Equal(want) {
		t.Errorf("weekly summary after %v at %v, want %v", from, got, want)
	}

	set := minimal + "timezone: Asia/Bangkok\nhorizon_days: 30\nreports:\n  department_day: 18\n  weekly: \"off\"\n"
	c, err = Parse([]byte(set), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Asia/Bangkok" || c.HorizonDays != 30 || c.Scheduling.Horizon != 30*24*time.Hour ||
		c.Scheduling.ReportDay != 18 || c.Reports.Weekly != "off" || c.Scheduling.Weekly != nil {
		t.Errorf("written settings not kept: location %v, horizon %d/%v, report day %d, weekly %q/%v",
			c.Location, c.HorizonDays, c.Scheduling.Horizon, c.Scheduling.ReportDay, c.Reports.Weekly, c.Scheduling.Weekly)
	}
}

// TestDecodeErrors: syntax errors and values the decoder cannot take are
// refused with the file, the line the parser stopped at and, for a
// construct left open, the line it was opened on — all read from the
// library's typed errors and the nodes, never from its message text.
func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unclosed list", "database: x.db\nreminders:\n  before: [5, 2\n  at: \"08:00\"\n",
			`c.yaml:4: did not find expected ',' or ']' (while parsing a flow sequence from line 3)`},
		{"unclosed quote", "database: \"x.db\nplans: []\n",
			`c.yaml:3: found unexpected end of stream (while scanning a quoted scalar from line 1)`},
		{"tab", "database: x.db\nunits:\n  - id: a\n\tname: b\n",
			`c.yaml:4: found a tab character that violates indentation (while scanning a plain scalar from line 3)`},
		{"key after a list item", "database: x.db\nunits:\n  - id: a\n   name: b\n",
			`c.yaml:4: did not find expected '-' indicator (while parsing a block collection from line 3)`},
		{"value after a value", "database: x.db\ntimezone: Asia: Ho_Chi_Minh\n",
			`c.yaml:2: mapping values are not allowed in this context`},
		{"unknown alias", "database: x.db\noffice: *vp\n", `c.yaml:2: unknown anchor 'vp' referenced`},
		{"second document", "database: x.db\n---\nplans: []\n", `c.yaml:2: a second YAML document: the config is one document`},
		{"wrong type", "database: x.db\nlog:\n  level: [debug]\n", `c.yaml:3: log.level: wrong type: a list where text is expected`},
		{"number out of range", "database: x.db\ncalendar:\n  years:\n    1e30: {}\n", `c.yaml:4: calendar.years: 1e30 is out of range`},
		{"empty file", "", `c.yaml: database: missing: the bbolt file that keeps tasks and their state`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "c.yaml")
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// TestLibraryErrorsCarryPositions pins what loadErrors relies on in
// go.yaml.in/yaml/v4: a syntax error is a *yaml.LoadError with its line,
// and a value the decoder refuses is one of *yaml.LoadErrors, each with
// its line. An upgrade that loses them fails here, not in a user's file.
func TestLibraryErrorsCarryPositions(t *testing.T) {
	var n yaml.Node
	err := yaml.Load([]byte("a: 1\nb: [x\nc: 2\n"), &n)
	if got, want := loadErrors("f.yaml", err).Error(), "f.yaml:3: did not find expected ',' or ']' (while parsing a flow sequence from line 2)"; got != want {
		t.Errorf("syntax error %v read as\n%s\nwant\n%s", err, got, want)
	}
	if err := yaml.Load([]byte("a: 1\nb: x\nc: y\n"), &n); err != nil {
		t.Fatal(err)
	}
	var v struct{ A, B, C int }
	err = n.Load(&v)
	if got, want := loadErrors("f.yaml", err).Error(), "f.yaml:2: cannot construct !!str `x` into int\nf.yaml:3: cannot construct !!str `y` into int"; got != want {
		t.Errorf("decode error %v read as\n%s\nwant\n%s", err, got, want)
	}
}

// amplified is a config of k plans aliasing one plan of k tasks aliasing
// one task of k escalations aliasing one: k³ paths in 50·k bytes; bad is
// written into the escalation.
func amplified(k int, bad string) string {
	var b strings.Builder
	b.WriteString("database: x.db\nreminders:\n  plans:\n    p0: &p\n      tasks:\n        t0: &o\n          escalations:\n            - &e {after: 1, to: [head]" + bad + "}\n")
	for range k - 1 {
		b.WriteString("            - *e\n")
	}
	for i := 1; i < k; i++ {
		fmt.Fprintf(&b, "        t%d: *o\n", i)
	}
	for i := 1; i < k; i++ {
		fmt.Fprintf(&b, "    p%d: *p\n", i)
	}
	return b.String()
}

// TestAliasesCheckedOnce: a node reached through many aliases is checked
// once, so its problem is reported once, at its own line (walking path by
// path reported it 216,000 times here, and 60 anchors over four levels
// took seconds); a document whose aliases expand far beyond its size is
// refused by the decoder, with a line.
func TestAliasesCheckedOnce(t *testing.T) {
	_, err := Parse([]byte(amplified(60, ", bad: 1")), "c.yaml")
	if got, want := fmt.Sprint(err), `c.yaml:8: reminders.plans.p0.tasks.t0.escalations[0]: unknown key "bad"`; got != want {
		if len(got) > 300 {
			got = got[:300] + fmt.Sprintf("… (%d lines)", strings.Count(got, "\n")+1)
		}
		t.Errorf("error =\n%s\nwant\n%s", got, want)
	}
	_, err = Parse([]byte(amplified(60, "")), "c.yaml")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Line == 0 {
		t.Errorf("an expanding document: %v, want one error with its line", err)
	}
}
