// Package store keeps plans, tasks and all their state in one bbolt file.
// It is the only package that knows bbolt.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// schemaVersion is written in the meta bucket; a file from a newer nhacviec
// is refused rather than misread, one from an older one is migrated
// (migrate.go).
const schemaVersion = 5

var (
	bucketMeta  = []byte("meta")
	bucketPlans = []byte("plans")
	bucketTasks = []byte("tasks")
	keySchema   = []byte("schema")
)

// initialMmap is the size of bbolt's first map of the file.
const initialMmap = 1 << 30

// allocSize is the step by which the file grows. With a map larger than
// bbolt's default step (16 MiB) the file grows by the step from the first
// write, so a department's small database would take 16 MiB on disk; each
// step costs an fdatasync, so not too small either.
const allocSize = 4 << 20

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("database is in use by another nhacviec process")

// Options tune Open.
type Options struct {
	// LockTimeout is how long Open waits for the file lock held by another
	// process before failing with ErrLocked. Default 2s.
	LockTimeout time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ReadOnly opens the file with a shared lock, for commands that only read
	// while no daemon runs. A database of an older schema is read as it
	// is, not migrated.
	ReadOnly bool
	// Log receives the migration's progress; nothing when nil.
	Log *slog.Logger
}

// DB is an open nhacviec database.
type DB struct {
	bolt *bolt.DB
	path string
	now  func() time.Time
	opts Options
}

// Open opens or creates the database at path.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if !opts.ReadOnly {
		// A new install names a folder that does not exist yet: make it,
		// private, as the file is.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create the database folder: %w", err)
		}
	}
	b, err := bolt.Open(path, 0o600, boltOptions(opts))
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (waited %s for its lock; stop the other process or use another database)",
			path, ErrLocked, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	b.AllocSize = allocSize
	db := &DB{bolt: b, path: path, now: opts.Now, opts: opts}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	init := db.init
	if opts.ReadOnly {
		init = db.checkSchema
	}
	if err := init(opts.Log); err != nil {
		db.bolt.Close()
		return nil, err
	}
	return db, nil
}

// boltOptions are the options every open of the database uses.
func boltOptions(opts Options) *bolt.Options {
	// A large first map: bbolt maps the file anew each time it outgrows
	// the map, and every remap copies each open node out of it (0.7 s of a
	// first start at 100,000 tasks). Address space only: pages count in
	// memory when read.
	return &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly, InitialMmapSize: initialMmap}
}

// schema reads the schema number of the database: 0 for a new file.
func schema(tx *bolt.Tx, path string) (int, error) {
	var v int
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	if raw := meta.Get(keySchema); raw != nil {
		if err := json.Unmarshal(raw, &v); err != nil {
			return 0, fmt.Errorf("%s: read schema version: %w", path, err)
		}
	}
	if v > schemaVersion {
		return v, fmt.Errorf("%s was written by a newer nhacviec (database schema %d; this nhacviec reads schema %d at most): run the newer nhacviec, or restore a backup made before the upgrade",
			path, v, schemaVersion)
	}
	return v, nil
}

// checkSchema refuses, read-only, a database of a newer schema.
func (db *DB) checkSchema(*slog.Logger) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		_, err := schema(tx, db.path)
		return err
	})
}

// init creates the buckets of a new database, or migrates an older one.
func (db *DB) init(log *slog.Logger) error {
	var from int
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		v, err := schema(tx, db.path)
		if err != nil {
			return err
		}
		hasData := tx.Bucket(bucketAssignments) != nil
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		from = v
		if v == 0 && !hasData {
			from = schemaVersion // a new file
			return putJSON(tx.Bucket(bucketMeta), keySchema, schemaVersion)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return db.migrate(max(from, 1), log)
}

// allBuckets are created when the database is opened for writing.
var allBuckets = [][]byte{bucketMeta, bucketPlans, bucketTasks, bucketAssignments, bucketPending, bucketSteps, bucketOutbox, bucketOutboxDue, bucketOutboxContent, bucketCompletions, bucketRhythm, bucketOpen, bucketDone, bucketCounts, bucketDash, bucketSynced,
	bucketBindings, bucketInvites, bucketAudit, bucketSent, bucketShortIDs, bucketBot, bucketInbox,
	bucketWebTokens, bucketWebSessions, bucketWebKeys, bucketHeld}

// Close closes the database file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, raw)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

// WriteTo writes a consistent copy of the whole database to w, from one
// read transaction: writers go on meanwhile.
func (db *DB) WriteTo(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Backup writes a consistent copy of the database to path: into a
// temporary file beside it, synced, then renamed, so path is either the old
// file or a complete new copy.
func (db *DB) Backup(path string) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := db.WriteTo(w)
		return err
	})
}

// writeFileAtomic writes path through a synced temporary file and a rename.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	syncDir(path)
	return nil
}

// WriteFileAtomic writes the bytes read from r to path like Backup does.
func WriteFileAtomic(path string, r io.Reader) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
}

// Verify opens the database file at path read-only and runs bbolt's
// consistency check on it.
func Verify(path string) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("verify %s: %w", path, errors.Join(errs...))
		}
		return nil
	})
}

// syncDir makes a rename in path's folder durable (best effort: a folder
// that cannot be opened or synced leaves the rename to the file system).
func syncDir(path string) {
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync()
		dir.Close()
	}
}
