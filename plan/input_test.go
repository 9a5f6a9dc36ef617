package plan

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestCollapse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Văn phòng Sở", "Văn phòng Sở"},
		{"  Văn \u00a0 phòng\u2003Sở \r", "Văn phòng Sở"},
		{"Văn\u200b phòng\ufeff Sở", "Văn phòng Sở"},
		{"Sở\u3000Công\u1680Thương", "Sở Công Thương"},
		{"© Sở", "© Sở"},
		{" ", ""},
		{"a ", "a"},
	}
	for _, tt := range tests {
		if got := collapse(tt.in); got != tt.want {
			t.Errorf("collapse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The fast path agrees with the obvious definition on every white space
	// and zero-width character.
	for r := rune(0); r <= 0x3000; r++ {
		if !unicode.IsSpace(r) && r != '\u200b' {
			continue
		}
		in := "Lạng" + string(r) + "Sơn"
		want := "Lạng Sơn"
		if r == '\u200b' {
			want = "LạngSơn"
		}
		if got := collapse(in); got != want {
			t.Errorf("collapse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitLines(t *testing.T) {
	got := splitLines("a\r\n\r\nb\tc\t \t\rd\n\t\t\ne")
	want := []srcLine{{1, []string{"a"}}, {3, []string{"b", "c"}}, {4, []string{"d"}}, {6, []string{"e"}}}
	if len(got) != len(want) {
		t.Fatalf("splitLines = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].num != want[i].num || strings.Join(got[i].cells, "|") != strings.Join(want[i].cells, "|") {
			t.Errorf("line %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestNFCInPartsIsNFC: a document normalised in parts side by side, split
// at line ends, reads exactly as normalised whole, whatever its combining
// marks (decomposed Vietnamese, marks after a line end, long runs of
// marks) and wherever its lines end.
func TestNFCInPartsIsNFC(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"Nhiệm vụ", "Nhie\u0302\u0323m vu\u0323", "\n", "\r\n", "\u0301", "\u0323\u0302", "a\u0300", "\t", "Đơn vị 2", "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301", "\uFB01", "ℌ", "가\u11A8"}
	for i := range 6 {
		var b strings.Builder
		for b.Len() < 2*nfcPart+r.IntN(nfcPart) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		data := []byte(b.String())
		if i == 0 {
			data = bytes.ReplaceAll(data, []byte("\n"), nil) // one long line: a single part
		}
		if got, want := nfc(data), norm.NFC.String(string(data)); got != want {
			t.Fatalf("document %d (%d bytes): parts normalised apart differ from the whole's form", i, len(data))
		}
	}
}
