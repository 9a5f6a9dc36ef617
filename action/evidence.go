package action

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// MaxNameBytes bounds a kept file name.
const MaxNameBytes = 150

// DisplayName is the name a person gave a file, as it is shown and
// offered on download: NFC, without control or bidirectional-override
// characters, trimmed, bounded keeping the extension; "tai-lieu-<unique
// id>" when nothing but dots is left. Characters such as < > & / stay:
// every door escapes on output, and the file on disk never uses this name.
func DisplayName(name, uniqueID string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if strings.Trim(name, ".") == "" {
		name = "tai-lieu-" + strings.Trim(uniqueID, " ./\\")
	}
	if len(name) <= MaxNameBytes {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:MaxNameBytes-len(ext)]
	for !utf8.ValidString(stem) {
		stem = stem[:len(stem)-1]
	}
	return stem + ext
}

var safeExt = regexp.MustCompile(`^\.[a-z0-9]{1,8}$`)

// StoredName is the name a file is kept under: the start of the SHA-256
// of its content and the lower-cased extension of its name when that is
// plain letters and digits. Nothing a person typed reaches the file system.
func StoredName(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := strings.ToLower(filepath.Ext(name))
	if !safeExt.MatchString(ext) {
		ext = ".bin"
	}
	return hex.EncodeToString(sum[:10]) + ext
}

// KeepEvidence writes data as dir/<short id of key>/<StoredName>, through
// a temporary file, fsynced, and returns the evidence record with the
// name as given (DisplayName) and its path. The same file again lands on
// the same path, so a request handled twice leaves one copy.
func KeepEvidence(dir, key, name string, data []byte) (scheduler.Evidence, error) {
	ev := scheduler.Evidence{Name: DisplayName(name, ""), Path: ""}
	folder := filepath.Join(dir, store.ShortID(key))
	if err := os.MkdirAll(folder, 0o750); err != nil {
		return ev, fmt.Errorf("create evidence folder: %w", err)
	}
	path := filepath.Join(folder, StoredName(ev.Name, data))
	tmp, err := os.CreateTemp(folder, ".upload-*")
	if err != nil {
		return ev, fmt.Errorf("create evidence file: %w", err)
	}
	_, werr := tmp.Write(data)
	if serr := tmp.Sync(); werr == nil {
		werr = serr
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return ev, fmt.Errorf("write evidence file %s: %w", path, werr)
	}
	if d, err := os.Open(folder); err == nil {
		_ = d.Sync() // the rename itself
		d.Close()
	}
	ev.Path = path
	return ev, nil
}
