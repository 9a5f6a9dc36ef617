package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// roman returns the value of a Roman numeral (I–MMM…), or 0 when s is not
// one. Only the forms a plan uses need to parse; it does not reject
// non-canonical spellings such as "IIII".
func roman(s string) int {
	total := 0
	for i := 0; i < len(s); i++ {
		v := romanDigit(s[i])
		if v == 0 {
			return 0
		}
		if i+1 < len(s) && romanDigit(s[i+1]) > v {
			total -= v
		} else {
			total += v
		}
	}
	return total
}

func romanDigit(c byte) int {
	switch c {
	case 'I':
		return 1
	case 'V':
		return 5
	case 'X':
		return 10
	case 'L':
		return 50
	case 'C':
		return 100
	case 'D':
		return 500
	case 'M':
		return 1000
	}
	return 0
}

// compareSection orders sections as Roman numerals (I, II, …, X), with
// anything that is not a numeral after them in string order.
func compareSection(a, b string) int {
	ra, rb := roman(a), roman(b)
	switch {
	case ra > 0 && rb > 0:
		return cmp.Compare(ra, rb)
	case ra > 0:
		return -1
	case rb > 0:
		return 1
	}
	return strings.Compare(a, b)
}

// compareTaskID orders task ids part by part: the section as a Roman
// numeral, then each number numerically, so III.2.10 comes after III.2.9
// and III.2 before III.2.1.
func compareTaskID(a, b string) int {
	return compareTaskParts(strings.Split(a, "."), strings.Split(b, "."))
}

// compareTaskParts is compareTaskID on ids already split at the dots.
func compareTaskParts(pa, pb []string) int {
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var c int
		if i == 0 {
			c = compareSection(pa[0], pb[0])
		} else {
			c = comparePart(pa[i], pb[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// comparePart compares two parts of a task id: numbers numerically and
// before anything else, the rest in string order.
func comparePart(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// sectionOf returns the section part of a task id: "III" of "III.2.1".
func sectionOf(id string) string {
	s, _, _ := strings.Cut(id, ".")
	return s
}

// taskPlace is where a task's rows go among other tasks': by plan, section
// and the numbered parts of its id; seq is the order in which a first pass
// met it.
type taskPlace struct {
	plan, section string
	parts         []string
	seq           int32
}

func compareTaskPlaces(a, b taskPlace) int {
	return cmp.Or(cmp.Compare(a.plan, b.plan), compareSection(a.section, b.section), compareTaskParts(a.parts, b.parts))
}

// batchByTask sorts the tasks met by a first pass into the order of the
// rows between tasks and groups those that compare equal (I.01 and I.1):
// their rows are sorted together, as the in-memory builds sort them. The
// first pass's order stays among equals. (Not a stable sort: its
// O(n log² n) comparisons cost seconds at 100,000 tasks.)
func batchByTask[T any](order []T, place func(T) taskPlace) [][]T {
	slices.SortFunc(order, func(a, b T) int {
		pa, pb := place(a), place(b)
		return cmp.Or(compareTaskPlaces(pa, pb), cmp.Compare(pa.seq, pb.seq))
	})
	var batches [][]T
	for i, t := range order {
		if i > 0 && compareTaskPlaces(place(order[i-1]), place(t)) == 0 {
			batches[len(batches)-1] = append(batches[len(batches)-1], t)
			continue
		}
		batches = append(batches, []T{t})
	}
	return batches
}
