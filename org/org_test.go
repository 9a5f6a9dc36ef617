package org

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func testDirectory(t *testing.T) *Directory {
	t.Helper()
	d, err := New(
		[]Unit{
			{ID: "vp", Name: "Văn phòng Sở", Head: "an"},
			{ID: "qltm", Name: "Phòng Quản lý thương mại"},
			{ID: "ttpvhcc", Name: "Công chức tại TTPVHCC", Aliases: []string{"Công chức tại Trung tâm Phục vụ hành chính công"}},
		},
		[]Group{
			{ID: "cac-phong", Name: "Các phòng thuộc Sở", Aliases: []string{"Các phòng"}, Members: []string{"vp", "qltm"}},
			{ID: "phong-cm", Name: "Các phòng chuyên môn thuộc Sở", Members: []string{"qltm"}},
		},
		[]Person{{ID: "an", Name: "Nguyễn Văn An", Unit: "vp", Role: RoleHead}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestResolve(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		name string
		want Ref
	}{
		{"Văn phòng Sở", Ref{ID: "vp"}},
		{"  văn   PHÒNG sở ", Ref{ID: "vp"}},
		{norm.NFD.String("Văn phòng Sở"), Ref{ID: "vp"}},
		{"Văn phòng Sở;", Ref{ID: "vp"}},
		{"Văn phòng Sở.", Ref{ID: "vp"}},
		{"Các phòng", Ref{ID: "cac-phong", Group: true}},
		{"các phòng thuộc sở", Ref{ID: "cac-phong", Group: true}},
		{"Công chức tại TTPVHCC", Ref{ID: "ttpvhcc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Resolve(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Resolve(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestResolveUnknownSuggests(t *testing.T) {
	d := testDirectory(t)
	_, err := d.Resolve("Văn phong So")
	var ue *UnknownNameError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnknownNameError", err)
	}
	if ue.Suggestions[0] != "Văn phòng Sở" {
		t.Errorf("first suggestion = %q, want Văn phòng Sở", ue.Suggestions[0])
	}
	if !strings.Contains(err.Error(), `closest known: "Văn phòng Sở"`) {
		t.Errorf("message = %q", err)
	}
}

func TestExpand(t *testing.T) {
	d := testDirectory(t)
	got := d.ExpandAll([]Ref{{ID: "cac-phong", Group: true}, {ID: "qltm"}, {ID: "ttpvhcc"}})
	if want := []string{"vp", "qltm", "ttpvhcc"}; !slices.Equal(got, want) {
		t.Errorf("ExpandAll = %v, want %v", got, want)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name   string
		units  []Unit
		groups []Group
		people []Person
		want   string
	}{
		{"duplicate id", []Unit{{ID: "a", Name: "A"}, {ID: "a", Name: "B"}}, nil, nil, `unit "a": id already used by a unit`},
		{"duplicate name", []Unit{{ID: "a", Name: "Phòng A"}, {ID: "b", Name: "phòng  a"}}, nil, nil, `unit "b": name "phòng  a" already names a`},
		{"group member", []Unit{{ID: "a", Name: "A"}}, []Group{{ID: "g", Name: "G", Members: []string{"x"}}}, nil, `group "g": member "x" is not a unit`},
		{"head undefined", []Unit{{ID: "a", Name: "A", Head: "nobody"}}, nil, nil, `unit "a": head "nobody" is not a person`},
		{"bad role", []Unit{{ID: "a", Name: "A"}}, nil, []Person{{ID: "p", Unit: "a", Role: "boss"}}, `role "boss"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.units, tt.groups, tt.people)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
