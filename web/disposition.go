package web

import (
	"mime"
	"strings"
)

// contentDisposition offers a download under the name a person gave it:
// RFC 6266 with the UTF-8 name (filename*), and a plain ASCII fallback.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	switch {
	case v == "": // not representable: the fallback alone
		return `attachment; filename="` + ascii + `"`
	case strings.Contains(v, "filename*="):
		return v + `; filename="` + ascii + `"`
	}
	return v
}
