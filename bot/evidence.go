package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sct-langson/nhacviec/store"
)

// maxNameBytes bounds a stored file name, well under file systems' 255.
const maxNameBytes = 150

// fetch copies a file into EvidenceDir/<short id of key>/<name> and
// returns its path. It returns "" — the Telegram file id alone is kept —
// when no EvidenceDir is set, the file is over MaxEvidence or the download
// fails (logged). A different file of the same name gets the start of its
// hash added to the name; the same file again is written again in place,
// so that an update handled twice leaves one copy.
func (b *Bot) fetch(ctx context.Context, f *file, key, name string) string {
	if b.evidenceDir == "" {
		return ""
	}
	if f.size > b.maxEvidence {
		b.log.Warn("evidence file over the size limit: not downloaded", "file", name, "size", f.size, "limit", b.maxEvidence)
		return ""
	}
	data, err := b.tg.DownloadFile(ctx, f.id, b.maxEvidence)
	if err != nil {
		b.log.Warn("downloading an evidence file failed", "file", name, "err", err)
		return ""
	}
	path, err := save(filepath.Join(b.evidenceDir, store.ShortID(key)), name, data)
	if err != nil {
		b.log.Error("saving an evidence file failed", "file", name, "err", err)
		return ""
	}
	b.log.Info("evidence file saved", "assignment", key, "path", path, "size", len(data))
	return path
}

// save writes data as dir/name (see fetch) through a temporary file.
func save(dir, name string, data []byte) (string, error) {
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

// safeName makes a file name sent by a user safe to store and show: no
// folders, no control or reserved characters, NFC, bounded length keeping
// the extension; "tai-lieu-<unique id>" when nothing is left.
func safeName(name, uniqueID string) string {
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
	if len(name) <= maxNameBytes {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:maxNameBytes-len(ext)]
	for !utf8.ValidString(stem) {
		stem = stem[:len(stem)-1]
	}
	return stem + ext
}
