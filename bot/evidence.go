package bot

import (
	"context"
	"path/filepath"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/store"
)

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
	path, err := action.SaveEvidence(filepath.Join(b.evidenceDir, store.ShortID(key)), name, data)
	if err != nil {
		b.log.Error("saving an evidence file failed", "file", name, "err", err)
		return ""
	}
	b.log.Info("evidence file saved", "assignment", key, "path", path, "size", len(data))
	return path
}
