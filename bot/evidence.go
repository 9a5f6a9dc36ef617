package bot

import (
	"context"

	"github.com/sct-langson/nhacviec/action"
)

// fetch copies a file into EvidenceDir/<short id of key>/ under a name
// generated from its content (action.KeepEvidence) and returns its path.
// It returns "" — the Telegram file id alone is kept — when no EvidenceDir
// is set, the file is over MaxEvidence or the download fails (logged). The
// same file again is written again in place, so that an update handled
// twice leaves one copy.
func (b *Bot) fetch(ctx context.Context, f *file, key, name string) string {
	if b.evidenceDir == "" {
		return ""
	}
	if f.size > b.maxEvidence {
		b.log.Warn("evidence file over the size limit: not downloaded", "file", name, "size", f.size, "limit", b.maxEvidence)
		return ""
	}
	data, err := b.download(ctx, f.id)
	if err != nil {
		b.log.Warn("downloading an evidence file failed", "file", name, "err", err)
		return ""
	}
	ev, err := action.KeepEvidence(b.evidenceDir, key, name, data)
	if err != nil {
		b.log.Error("saving an evidence file failed", "file", name, "err", err)
		return ""
	}
	b.log.Info("evidence file saved", "assignment", key, "path", ev.Path, "size", len(data))
	return ev.Path
}
