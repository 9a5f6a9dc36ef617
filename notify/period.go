package notify

import (
	"strconv"
	"strings"
)

// MergePeriods names the periods of items of one task together, as people
// write them: months of one year as "tháng 6, 7, 8, 9, 10/2024", quarters
// as "quý I, II/2024", other periods by their names (Item.Period) joined
// with commas. A plan year's single occurrence has no period: "".
func MergePeriods(items []Item) string {
	type group struct {
		kind, year string
		values     []string
	}
	var groups []*group // in order of first appearance; a group of one kind "" is another period
	var seen = map[string]bool{}
	for _, it := range items {
		_, period, ok := strings.Cut(it.Occurrence, "@")
		if !ok || seen[period] || isYear(period) && it.Period == "" {
			continue
		}
		seen[period] = true
		year, rest, _ := strings.Cut(period, "-")
		kind, value := "", ""
		switch {
		case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
			kind, value = "quý", roman[rest[1]-'1']
		case len(rest) == 2 && isNumber(rest):
			if m, _ := strconv.Atoi(rest); m >= 1 && m <= 12 {
				kind, value = "tháng", strconv.Itoa(m)
			}
		}
		if kind == "" || !isYear(year) {
			name := it.Period
			if name == "" {
				name = period
			}
			groups = append(groups, &group{values: []string{name}})
			continue
		}
		var g *group
		for _, c := range groups {
			if c.kind == kind && c.year == year {
				g = c
			}
		}
		if g == nil {
			g = &group{kind: kind, year: year}
			groups = append(groups, g)
		}
		g.values = append(g.values, value)
	}
	var out []string
	for _, g := range groups {
		if g.kind == "" {
			out = append(out, g.values[0])
			continue
		}
		out = append(out, g.kind+" "+strings.Join(g.values, ", ")+"/"+g.year)
	}
	return strings.Join(out, "; ")
}

var roman = [...]string{"I", "II", "III", "IV"}

func isYear(s string) bool { return len(s) == 4 && isNumber(s) }

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && !strings.ContainsAny(s, "+-")
}
