package plan

import "strings"

// SplitUnits splits a unit cell (Cơ quan chủ trì, Cơ quan phối hợp) into unit
// names: commas and semicolons separate them, except inside parentheses
// ("Sở Nội vụ (Phòng A, Phòng B)" is one name). Each name is cleaned (NFC,
// single spaces) and loses stray punctuation at its ends; empty names are
// dropped. Names are otherwise kept as written.
func SplitUnits(cell string) []string {
	return splitUnits(clean(cell))
}

// splitUnits is SplitUnits for a cell that is already clean.
func splitUnits(cell string) []string {
	var out []string
	add := func(name string) {
		if name = strings.Trim(name, " .,;:-–"); name != "" {
			out = append(out, name)
		}
	}
	depth, start := 0, 0
	for i := 0; i < len(cell); i++ {
		switch c := cell[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case (c == ',' || c == ';') && depth == 0:
			add(cell[start:i])
			start = i + 1
		}
	}
	add(cell[start:])
	return out
}
