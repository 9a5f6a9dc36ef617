package plan

import (
	"slices"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want number
		ok   bool
	}{
		{"1", number{1}, true},
		{"2.2.1", number{2, 2, 1}, true},
		{"2.2.", number{2, 2}, true},
		{"01", number{1}, true},
		{"", nil, false},
		{".", nil, false},
		{"1..2", nil, false},
		{"1.a", nil, false},
		{"-1", nil, false},
		{"+1", nil, false},
		{"1 .2", nil, false},
		{"12345678", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInSequence(t *testing.T) {
	tests := []struct {
		prev, n number
		want    bool
	}{
		{nil, number{1}, true},
		{nil, number{2}, false},
		{nil, number{1, 1}, false},
		{number{1}, number{2}, true},
		{number{1}, number{1, 1}, true},
		{number{1}, number{1, 2}, false},
		{number{1}, number{3}, false},
		{number{2, 2}, number{2, 2, 1}, true},
		{number{2, 2}, number{2, 3}, true},
		{number{2, 2}, number{3}, true},
		{number{2, 2}, number{2, 4}, false},
		{number{2, 2}, number{2, 2}, false},
		{number{2, 2, 3}, number{3}, true},
		{number{2, 2, 3}, number{2, 3}, true},
		{number{2, 2, 3}, number{3, 1}, false},
		{number{2, 2, 3}, number{2, 2, 3, 1}, true},
	}
	for _, tt := range tests {
		if got := inSequence(tt.prev, tt.n); got != tt.want {
			t.Errorf("inSequence(%v, %v) = %v, want %v", tt.prev, tt.n, got, tt.want)
		}
		// Every allowed number is one of the suggested successors.
		if got := slices.ContainsFunc(successors(tt.prev), func(m number) bool { return slices.Equal(m, tt.n) }); got != tt.want {
			t.Errorf("successors(%v) contains %v = %v, want %v", tt.prev, tt.n, got, tt.want)
		}
	}
}
