package plan

import (
	"strconv"
	"strings"
)

// maxDepth bounds the levels of a row number (2.2.1 has 3): real plans use 3
// or 4, and a longer one is a typing slip, not a structure.
const maxDepth = 8

// number is a row number as its components: 2.2.1 is {2, 2, 1}.
type number []int

// parseNumber reads an STT like "1", "1.1" or "2.2.1." (a trailing dot is
// tolerated); ok is false for anything else.
func parseNumber(s string) (n number, ok bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return nil, false
	}
	for part := range strings.SplitSeq(s, ".") {
		if part == "" || len(part) > 6 {
			return nil, false
		}
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 || part[0] == '+' || part[0] == '-' {
			return nil, false
		}
		n = append(n, v)
	}
	return n, true
}

// String formats the number the canonical way: "2.2.1".
func (n number) String() string {
	var b strings.Builder
	for i, v := range n {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// isAncestorOf reports whether n is a proper prefix of m (2.2 of 2.2.1).
func (n number) isAncestorOf(m number) bool {
	if len(n) >= len(m) {
		return false
	}
	for i, v := range n {
		if m[i] != v {
			return false
		}
	}
	return true
}

// successors lists the numbers allowed after prev, in the order they are
// suggested to the user: its first child, then the next sibling of prev and of
// each of its ancestors, innermost first. After nothing (start of a section)
// only 1 is allowed.
func successors(prev number) []number {
	if len(prev) == 0 {
		return []number{{1}}
	}
	out := make([]number, 0, len(prev)+1)
	out = append(out, append(prev[:len(prev):len(prev)], 1))
	for k := len(prev); k >= 1; k-- {
		next := append(number(nil), prev[:k]...)
		next[k-1]++
		out = append(out, next)
	}
	return out
}

// inSequence reports whether n may follow prev within a section.
func inSequence(prev, n number) bool {
	if len(prev) == 0 {
		return len(n) == 1 && n[0] == 1
	}
	// The first child of prev, or prev's prefix of some length k followed by
	// the next value at level k.
	if len(n) == len(prev)+1 && prev.isAncestorOf(n) && n[len(n)-1] == 1 {
		return true
	}
	k := len(n)
	if k > len(prev) {
		return false
	}
	for i := 0; i < k-1; i++ {
		if n[i] != prev[i] {
			return false
		}
	}
	return n[k-1] == prev[k-1]+1
}

// sequenceMsg explains why n may not follow prev in the section.
func sequenceMsg(section string, prev, n number) string {
	alts := successors(prev)
	names := make([]string, len(alts))
	for i, a := range alts {
		names[i] = a.String()
	}
	expected := names[0]
	if len(names) > 1 {
		expected = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	if len(prev) == 0 {
		return "number " + n.String() + " out of sequence at the start of section " + section +
			" (expected " + expected + ")"
	}
	return "number " + n.String() + " out of sequence after " + prev.String() +
		" (expected " + expected + ")"
}
