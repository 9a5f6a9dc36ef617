package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sct-langson/nhacviec/adminsock"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/store"
)

func (m *Main) cmdBackup(ctx context.Context, args []string) error {
	fs := m.flagSet("backup")
	out := fs.String("o", "", "write the copy to `FILE` (required)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("backup: -o FILE is required")
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	db, err := store.Open(cfg.DatabasePath(), store.Options{Now: m.now, LockTimeout: 500 * time.Millisecond})
	switch {
	case err == nil:
		err = db.Backup(*out)
		db.Close()
	case errors.Is(err, store.ErrLocked):
		err = m.fetchSnapshot(ctx, cfg, *out)
	}
	if err != nil {
		return err
	}
	if err := store.Verify(*out); err != nil {
		return err
	}
	info, _ := os.Stat(*out)
	fmt.Fprintf(m.stdout, "Backup written to %s (%d bytes), consistency check passed.\n", *out, info.Size())
	return nil
}

// fetchSnapshot asks the running daemon, through its admin socket, for a
// consistent copy of its database and writes it to path (synced, renamed
// into place).
func (m *Main) fetchSnapshot(ctx context.Context, cfg *config.Config, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, adminsock.BaseURL+"/backup", nil)
	if err != nil {
		return err
	}
	resp, err := adminsock.Do(adminsock.Path(cfg.DatabasePath()), req)
	if err != nil {
		return fmt.Errorf("database is in use by another nhacviec process, and %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("backup from the running daemon: %s: %s", resp.Status, msg)
	}
	return store.WriteFileAtomic(path, resp.Body)
}

// openForRead opens the database for a command that only reads. While the
// daemon holds it, the command reads a snapshot fetched from the daemon.
func (m *Main) openForRead(ctx context.Context, cfg *config.Config) (*store.DB, func(), error) {
	db, err := store.Open(cfg.DatabasePath(), store.Options{Now: m.now, LockTimeout: 500 * time.Millisecond})
	if err == nil {
		return db, func() { db.Close() }, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "nhacviec-snapshot-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, "snapshot.db")
	if err := m.fetchSnapshot(ctx, cfg, path); err != nil {
		cleanup()
		return nil, nil, err
	}
	db, err = store.Open(path, store.Options{Now: m.now, ReadOnly: true})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	fmt.Fprintln(m.stderr, "nhacviec: the daemon is running: reading a snapshot of its database")
	return db, func() { db.Close(); cleanup() }, nil
}
