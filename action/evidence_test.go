package action

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/store"
)

func TestDisplayNameKeepsWhatWasGiven(t *testing.T) {
	long := strings.Repeat("Quyết định ", 30) + ".pdf"
	for in, want := range map[string]string{
		"Báo cáo <b>&amp;</b>.pdf":     "Báo cáo <b>&amp;</b>.pdf",
		"../../etc/passwd":             "../../etc/passwd",
		"a\x00b\u202e:c?.docx":         "ab:c?.docx",
		"  ..  ":                       "tai-lieu-U1",
		"":                             "tai-lieu-U1",
		"Quye\u0302\u0301t đi\u0323nh": "Quyết định",
	} {
		if got := DisplayName(in, "U1"); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DisplayName(long, "U1"); len(got) > MaxNameBytes || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "Quyết định") {
		t.Errorf("long name cut to %q", got)
	}
}

func TestKeepEvidenceUnderAGeneratedName(t *testing.T) {
	dir := t.TempDir()
	key := "60/KH-SCT|I.1@2024|vp"
	data := []byte("%PDF-1.4 báo cáo")
	ev, err := KeepEvidence(dir, key, " Báo cáo <b>&amp;</b>.PDF", data)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != "Báo cáo <b>&amp;</b>.PDF" {
		t.Errorf("name %q", ev.Name)
	}
	base := filepath.Base(ev.Path)
	if filepath.Dir(ev.Path) != filepath.Join(dir, store.ShortID(key)) || !regexp.MustCompile(`^[0-9a-f]{20}\.pdf$`).MatchString(base) {
		t.Errorf("path %q", ev.Path)
	}
	if got, err := os.ReadFile(ev.Path); err != nil || string(got) != string(data) {
		t.Errorf("content %q %v", got, err)
	}
	again, err := KeepEvidence(dir, key, "other name.pdf", data)
	if err != nil || again.Path != ev.Path {
		t.Errorf("same content kept twice: %q vs %q (%v)", again.Path, ev.Path, err)
	}
	for name, ext := range map[string]string{"x.tar.gz": ".gz", "x": ".bin", "x.<script>": ".bin"} {
		if got := StoredName(name, data); !strings.HasSuffix(got, ext) {
			t.Errorf("StoredName(%q) = %q, want the extension %q", name, got, ext)
		}
	}
}
