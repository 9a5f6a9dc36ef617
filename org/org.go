// Package org models the department's units, groups of units and people, and
// resolves the unit names written in a plan to configured units.
package org

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Role is what a person may do.
type Role string

// Roles.
const (
	RoleHead   Role = "head"   // head of a unit (trưởng phòng): receives its reminders
	RoleStaff  Role = "staff"  // member of a unit: may mark its tasks done
	RoleLeader Role = "leader" // department leadership (lãnh đạo Sở): receives escalations
	RoleAdmin  Role = "admin"  // may change any task
)

// Unit is one unit (đơn vị) of the department, or an outside body that only
// coordinates.
type Unit struct {
	ID       string   // short id used everywhere: "vp"
	Name     string   // "Văn phòng Sở"
	Aliases  []string // other names the documents use
	Head     string   // person id of the unit's head
	Superior string   // person id of the head's superior (escalation level 1)
	Email    string   // the unit's shared mailbox, if any
	Telegram int64    // the unit's Telegram group, if any
	External bool     // outside the department (coordinates only)
	// ShortName is the name in subjects and summaries ("Phòng KH-TC");
	// empty: Short derives it.
	ShortName string
}

// Short is the unit's name in subjects and summaries: ShortName when set,
// else for a division "Phòng " and the initials of the rest ("Phòng Kế
// hoạch - Tài chính" → "Phòng KH-TC"), else the name.
func (u Unit) Short() string {
	if u.ShortName != "" {
		return u.ShortName
	}
	rest, ok := strings.CutPrefix(u.Name, "Phòng ")
	if !ok || strings.TrimSpace(rest) == "" {
		return u.Name
	}
	var parts []string
	for _, part := range strings.Split(rest, "-") {
		var b strings.Builder
		for _, w := range strings.Fields(part) {
			r, _ := utf8.DecodeRuneInString(w)
			b.WriteRune(unicode.ToUpper(r))
		}
		if b.Len() > 0 {
			parts = append(parts, b.String())
		}
	}
	return "Phòng " + strings.Join(parts, "-")
}

// Group is a named list of units: "Các phòng thuộc Sở".
type Group struct {
	ID      string
	Name    string
	Aliases []string
	Members []string // unit ids
}

// Person is someone who receives messages or answers the bot.
type Person struct {
	ID       string
	Name     string
	Unit     string // unit id ("" for the leadership)
	Role     Role
	Email    string
	Telegram int64    // Telegram user id
	Channels []string // preferred channels in order: "telegram", "email"
	// AllChannels sends this person a copy on every channel, not only on
	// the first that reaches them (the person's all_channels, else the
	// config's delivery.all_channels).
	AllChannels bool
}

// Ref is what a name in the plan resolved to: a unit or a group.
type Ref struct {
	ID    string
	Group bool
}

// String returns the id.
func (r Ref) String() string { return r.ID }

// Directory is the resolved set of units, groups and people. It is immutable
// once built and safe for concurrent use.
type Directory struct {
	units  map[string]*Unit
	groups map[string]*Group
	people map[string]*Person
	order  []string // unit ids in config order
	names  map[string]Ref
	// names is what resolving a document's names depends on (Names).
	namesKey string
}

// NamesKey identifies what the directory resolves a document's unit names
// to: two directories with the same key resolve every name alike.
func (d *Directory) NamesKey() string { return d.namesKey }

// New checks the units, groups and people and indexes their names.
func New(units []Unit, groups []Group, people []Person) (*Directory, error) {
	d := &Directory{
		units:  make(map[string]*Unit, len(units)),
		groups: make(map[string]*Group, len(groups)),
		people: make(map[string]*Person, len(people)),
		names:  make(map[string]Ref),
	}
	var errs Errors
	fail := func(kind string, i int, field, format string, a ...any) {
		errs = append(errs, &Error{Kind: kind, Index: i, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	ids := map[string]string{}
	claim := func(kind string, i int, id string) bool {
		if id == "" {
			fail(kind, i, "id", "%s without id", kind)
			return false
		}
		if prev, ok := ids[id]; ok {
			fail(kind, i, "id", "%s %q: id already used by a %s", kind, id, prev)
			return false
		}
		ids[id] = kind
		return true
	}
	index := func(kind string, i int, ref Ref, names ...string) {
		for j, n := range names {
			key := Normalize(n)
			if key == "" {
				continue
			}
			if prev, ok := d.names[key]; ok && prev != ref {
				field := "aliases"
				if j == 0 {
					field = "name"
				}
				fail(kind, i, field, "%s %q: name %q already names %s", kind, ref.ID, n, prev.ID)
				continue
			}
			d.names[key] = ref
		}
	}
	for i := range units {
		u := units[i]
		if !claim("unit", i, u.ID) {
			continue
		}
		if u.Name == "" {
			fail("unit", i, "name", "unit %q: name is empty", u.ID)
		}
		d.units[u.ID] = &u
		d.order = append(d.order, u.ID)
		index("unit", i, Ref{ID: u.ID}, append([]string{u.Name, u.ID}, u.Aliases...)...)
	}
	for i := range groups {
		g := groups[i]
		if !claim("group", i, g.ID) {
			continue
		}
		if len(g.Members) == 0 {
			fail("group", i, "members", "group %q: no members", g.ID)
		}
		for _, m := range g.Members {
			if _, ok := d.units[m]; !ok {
				fail("group", i, "members", "group %q: member %q is not a unit", g.ID, m)
			}
		}
		d.groups[g.ID] = &g
		index("group", i, Ref{ID: g.ID, Group: true}, append([]string{g.Name, g.ID}, g.Aliases...)...)
	}
	for i := range people {
		p := people[i]
		if !claim("person", i, p.ID) {
			continue
		}
		if p.Unit != "" {
			if _, ok := d.units[p.Unit]; !ok {
				fail("person", i, "unit", "person %q: unit %q is not a unit", p.ID, p.Unit)
			}
		}
		switch p.Role {
		case RoleHead, RoleStaff, RoleLeader, RoleAdmin:
		case "":
			p.Role = RoleStaff
		default:
			fail("person", i, "role", "person %q: role %q is not one of head, staff, leader, admin", p.ID, p.Role)
		}
		d.people[p.ID] = &p
	}
	for i, u := range units {
		for _, f := range [...][2]string{{"head", u.Head}, {"superior", u.Superior}} {
			if f[1] != "" && d.people[f[1]] == nil {
				fail("unit", i, f[0], "unit %q: %s %q is not a person", u.ID, f[0], f[1])
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	type named struct {
		ID, Name string
		Aliases  []string
		External bool
		Members  []string
	}
	var ns []named
	for _, u := range units {
		ns = append(ns, named{ID: u.ID, Name: u.Name, Aliases: u.Aliases, External: u.External})
	}
	for _, g := range groups {
		ns = append(ns, named{ID: g.ID, Name: g.Name, Aliases: g.Aliases, Members: g.Members})
	}
	raw, err := json.Marshal(ns)
	if err != nil {
		return nil, err
	}
	d.namesKey = string(raw)
	return d, nil
}

// Error is one problem in the definition of units, groups or people. Kind and
// Index say which entry ("unit", 3), Field which of its fields, so that the
// config can point at the line.
type Error struct {
	Kind  string // "unit", "group" or "person"
	Index int
	Field string
	Msg   string
}

func (e *Error) Error() string { return e.Msg }

// Errors is every problem New found.
type Errors []*Error

func (e Errors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Msg
	}
	return strings.Join(msgs, "; ")
}

// Unit returns the unit with the given id.
func (d *Directory) Unit(id string) (Unit, bool) {
	u, ok := d.units[id]
	if !ok {
		return Unit{}, false
	}
	return *u, true
}

// Group returns the group with the given id.
func (d *Directory) Group(id string) (Group, bool) {
	g, ok := d.groups[id]
	if !ok {
		return Group{}, false
	}
	return *g, true
}

// Person returns the person with the given id.
func (d *Directory) Person(id string) (Person, bool) {
	p, ok := d.people[id]
	if !ok {
		return Person{}, false
	}
	return *p, true
}

// Units returns every unit in config order.
func (d *Directory) Units() []Unit {
	out := make([]Unit, 0, len(d.order))
	for _, id := range d.order {
		out = append(out, *d.units[id])
	}
	return out
}

// People returns every person, sorted by id.
func (d *Directory) People() []Person {
	out := make([]Person, 0, len(d.people))
	for _, p := range d.people {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// PeopleWithRole returns the people with a role, sorted by id.
func (d *Directory) PeopleWithRole(role Role) []Person {
	var out []Person
	for _, p := range d.People() {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out
}

// Expand returns the unit ids a reference stands for: the unit itself, or
// the members of a group.
func (d *Directory) Expand(r Ref) []string {
	if !r.Group {
		return []string{r.ID}
	}
	if g, ok := d.groups[r.ID]; ok {
		return slices.Clone(g.Members)
	}
	return nil
}

// ExpandAll expands refs into unit ids without duplicates, in order.
func (d *Directory) ExpandAll(refs []Ref) []string {
	var out []string
	for _, r := range refs {
		for _, id := range d.Expand(r) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
