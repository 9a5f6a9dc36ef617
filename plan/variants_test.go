package plan

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// variantFile is the fixture as another export could write it: BOM, CRLF,
// decomposed diacritics and stray spacing. Regenerate with -update.
const variantFile = "testdata/ke-hoach-60-KH-SCT-2024-phu-luc-I.bom-crlf-nfd.txt"

var update = flag.Bool("update", false, "rewrite generated files in testdata")

// respace doubles every space inside cells, pads cells with spaces and
// no-break spaces, and adds trailing tabs to table rows.
func respace(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if line == "" {
			continue
		}
		cells := strings.Split(line, "\t")
		for j, c := range cells {
			cells[j] = " " + strings.ReplaceAll(c, " ", "  \u00a0") + "  "
		}
		lines[i] = strings.Join(cells, "\t")
		if len(cells) > 1 {
			lines[i] += "\t\t"
		}
	}
	return strings.Join(lines, "\n")
}

func utf16LE(t testing.TB, s string) string {
	enc := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder()
	out, err := enc.String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// allVariants applies every transformation the importer must undo.
func allVariants(s string) string {
	return "\uFEFF" + strings.ReplaceAll(norm.NFD.String(respace(s)), "\n", "\r\n")
}

func TestParseVariantsGiveIdenticalPlans(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	base := parseFile(t, fixture)
	tests := []struct {
		name string
		text string
	}{
		{"bom", "\uFEFF" + src},
		{"crlf", strings.ReplaceAll(src, "\n", "\r\n")},
		{"cr", strings.ReplaceAll(src, "\n", "\r")},
		{"nfd", norm.NFD.String(src)},
		{"spacing", respace(src)},
		{"all", allVariants(src)},
		{"utf16", utf16LE(t, strings.ReplaceAll(src, "\n", "\r\n"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.text == src {
				t.Fatal("variant equals the fixture")
			}
			p, err := Parse(strings.NewReader(tt.text), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			samePlan(t, p, base)
		})
	}
}

// TestParseShippedVariant keeps the variant in testdata what it claims to be,
// and checks it reads as the fixture.
func TestParseShippedVariant(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(variantFile, []byte(allVariants(string(raw))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(variantFile)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !bytes.HasPrefix(data, []byte("\uFEFF")):
		t.Error("variant has no BOM")
	case bytes.Count(data, []byte("\r\n")) != bytes.Count(raw, []byte("\n")):
		t.Error("variant does not end every line with CRLF")
	case norm.NFC.IsNormal(data):
		t.Error("variant is NFC: diacritics should be decomposed")
	case !bytes.Contains(data, []byte("  ")):
		t.Error("variant has no double spaces")
	}
	samePlan(t, parseFile(t, variantFile), parseFile(t, fixture))
}

// samePlan compares everything but Source.
func samePlan(t *testing.T, got, want *Plan) {
	t.Helper()
	if got.Code != want.Code || got.Year != want.Year || got.Issuer != want.Issuer || got.Title != want.Title {
		t.Errorf("metadata = %q %d %q %q, want %q %d %q %q",
			got.Code, got.Year, got.Issuer, got.Title, want.Code, want.Year, want.Issuer, want.Title)
	}
	if !got.Date.Equal(want.Date) || got.Date.Location().String() != want.Date.Location().String() {
		t.Errorf("Date = %v, want %v", got.Date, want.Date)
	}
	if !reflect.DeepEqual(got.Tasks, want.Tasks) {
		for i := range min(len(got.Tasks), len(want.Tasks)) {
			if !reflect.DeepEqual(got.Tasks[i], want.Tasks[i]) {
				t.Errorf("task %d:\n got %#v\nwant %#v", i, got.Tasks[i], want.Tasks[i])
				break
			}
		}
		t.Errorf("tasks differ (%d vs %d)", len(got.Tasks), len(want.Tasks))
	}
}
