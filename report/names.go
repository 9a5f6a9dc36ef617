package report

import (
	"cmp"

	"github.com/sct-langson/nhacviec/org"
)

// namer resolves unit and person ids to names through the directory,
// remembering the people it resolved for the report.
type namer struct {
	dir    *org.Directory
	rank   map[string]int // unit id → position in the directory
	people map[string]string
}

func newNamer(dir *org.Directory) *namer {
	n := &namer{dir: dir, rank: map[string]int{}, people: map[string]string{}}
	if dir != nil {
		for i, u := range dir.Units() {
			n.rank[u.ID] = i
		}
	}
	return n
}

// unit returns the name of a unit, its id when unknown.
func (n *namer) unit(id string) string {
	if n.dir != nil {
		if u, ok := n.dir.Unit(id); ok && u.Name != "" {
			return u.Name
		}
	}
	return id
}

// person returns the name of a person, its id when unknown, and records it.
func (n *namer) person(id string) string {
	if id == "" {
		return ""
	}
	if name, ok := n.people[id]; ok {
		return name
	}
	name := id
	if n.dir != nil {
		if p, ok := n.dir.Person(id); ok && p.Name != "" {
			name = p.Name
		}
	}
	n.people[id] = name
	return name
}

// compareUnits orders unit ids as the directory lists them, unknown ids
// after the known ones in string order.
func (n *namer) compareUnits(a, b string) int {
	ra, okA := n.rank[a]
	rb, okB := n.rank[b]
	switch {
	case okA && okB:
		return cmp.Compare(ra, rb)
	case okA:
		return -1
	case okB:
		return 1
	}
	return cmp.Compare(a, b)
}
