package action

import (
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	long := strings.Repeat("Quyết định ", 30) + ".pdf"
	for in, want := range map[string]string{
		"Báo cáo.pdf":                  "Báo cáo.pdf",
		"../../etc/passwd":             "_.._etc_passwd",
		"a\x00b:c?.docx":               "a_b_c_.docx",
		"  ..  ":                       "tai-lieu-U1",
		"":                             "tai-lieu-U1",
		"Quye\u0302\u0301t đi\u0323nh": "Quyết định",
	} {
		if got := SafeName(in, "U1"); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SafeName(long, "U1"); len(got) > MaxNameBytes || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "Quyết định") {
		t.Errorf("long name cut to %q", got)
	}
}
