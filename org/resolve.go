package org

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize turns a unit name into its lookup key: Unicode NFC, lower case,
// spaces collapsed, surrounding spaces and trailing punctuation removed. Two
// names that differ only in those respects name the same unit.
func Normalize(name string) string {
	s := strings.ToLower(norm.NFC.String(name))
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r)
	})
	return s
}

// UnknownNameError is returned by Resolve for a name that matches no unit or
// group. Suggestions holds the closest known names.
type UnknownNameError struct {
	Name        string
	Suggestions []string
}

func (e *UnknownNameError) Error() string {
	if len(e.Suggestions) == 0 {
		return fmt.Sprintf("unknown unit %q", e.Name)
	}
	return fmt.Sprintf("unknown unit %q (closest known: %s)", e.Name, quoteAll(e.Suggestions))
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// Resolve finds the unit or group a name stands for.
func (d *Directory) Resolve(name string) (Ref, error) {
	if r, ok := d.names[Normalize(name)]; ok {
		return r, nil
	}
	return Ref{}, &UnknownNameError{Name: name, Suggestions: d.Suggest(name, 3)}
}

// Suggest returns up to n configured names closest to name by edit distance
// on their normalised forms.
func (d *Directory) Suggest(name string, n int) []string {
	key := []rune(Normalize(name))
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	seen := map[string]bool{}
	add := func(names ...string) {
		for _, v := range names {
			if seen[v] || v == "" {
				continue
			}
			seen[v] = true
			cands = append(cands, cand{v, distance(key, []rune(Normalize(v)))})
		}
	}
	for _, id := range d.order {
		u := d.units[id]
		add(append([]string{u.Name}, u.Aliases...)...)
	}
	gids := make([]string, 0, len(d.groups))
	for id := range d.groups {
		gids = append(gids, id)
	}
	slices.Sort(gids)
	for _, id := range gids {
		g := d.groups[id]
		add(append([]string{g.Name}, g.Aliases...)...)
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.dist - b.dist })
	out := make([]string, 0, n)
	for i := 0; i < len(cands) && i < n; i++ {
		out = append(out, cands[i].name)
	}
	return out
}

// distance is the Levenshtein distance between two rune slices.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
