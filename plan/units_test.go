package plan

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Văn phòng Sở", []string{"Văn phòng Sở"}},
		{"Các phòng chuyên môn thuộc Sở, Công chức tại TTPVHCC", []string{"Các phòng chuyên môn thuộc Sở", "Công chức tại TTPVHCC"}},
		{"Trung tâm Phục vụ hành chính công tỉnh;", []string{"Trung tâm Phục vụ hành chính công tỉnh"}},
		{"Văn phòng Sở; Thanh tra Sở.", []string{"Văn phòng Sở", "Thanh tra Sở"}},
		{"  Các   phòng ,, ; ", []string{"Các phòng"}},
		{"Sở Nội vụ (Phòng A, Phòng B); Sở Tài chính", []string{"Sở Nội vụ (Phòng A, Phòng B)", "Sở Tài chính"}},
		{"Các phòng", []string{"Các phòng"}},
		{"", nil},
		{" ; , ", nil},
		{norm.NFD.String("Văn phòng Sở"), []string{"Văn phòng Sở"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := SplitUnits(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("SplitUnits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
