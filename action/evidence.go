package action

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameBytes bounds a stored file name, well under file systems' 255.
const MaxNameBytes = 150

// SaveEvidence writes data as dir/name through a temporary file, fsynced,
// and returns its path. A different file of the same name gets the start
// of its hash added to the name; the same file again is written again in
// place, so that a request handled twice leaves one copy.
func SaveEvidence(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("create evidence folder: %w", err)
	}
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil && !bytes.Equal(old, data) {
		sum := sha256.Sum256(data)
		ext := filepath.Ext(name)
		path = filepath.Join(dir, strings.TrimSuffix(name, ext)+"-"+hex.EncodeToString(sum[:4])+ext)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", fmt.Errorf("create evidence file: %w", err)
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
		return "", fmt.Errorf("write evidence file %s: %w", path, werr)
	}
	return path, nil
}

// SafeName makes a file name sent by a user safe to store and show: no
// folders, no control or reserved characters, NFC, bounded length keeping
// the extension; "tai-lieu-<unique id>" when nothing is left.
func SafeName(name, uniqueID string) string {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
				return '_'
			}
			return r
		}, norm.NFC.String(strings.ToValidUTF8(s, "")))
		return strings.Trim(s, " .")
	}
	name = clean(name)
	if name == "" {
		name = "tai-lieu-" + clean(uniqueID)
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
