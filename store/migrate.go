package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/scheduler"
)

// Schema history:
//
//	1  JSON records.
//	2  binary assignments, pending steps and step records (codec.go); the
//	   indices of open assignments by due day and done ones by done time;
//	   the counts by state; the sync marks; tasks binary too.
//	3  the dashboard's counts (dashcounts.go).
//	4  the time index of next steps and the open index grouped by task
//	   occurrence (group.go).
//
// Open migrates a database of an older schema in place, and refuses one of
// a newer schema.

// migrateChunk is the number of records converted in one transaction: a
// whole database in one transaction would hold every page in memory.
var migrateChunk = 20000

// migrate brings a database of schema from up to schemaVersion. Each step
// is idempotent and crash-safe: records are converted in chunks, a
// converted record is recognised by its first byte, and the schema number
// is written last, in the transaction that finishes; a crash in between
// migrates again from the start at the next Open, converting only what is
// left.
func (db *DB) migrate(from int, log *slog.Logger) error {
	if from < 2 {
		if err := db.migrate2(log); err != nil {
			return err
		}
	}
	if from < 3 {
		if err := db.migrateDash(log); err != nil {
			return err
		}
	}
	if from < 4 {
		return db.migrateGroups(log) // writes schemaVersion
	}
	if from < 5 {
		// Schema 5 stores large outbox records compressed (outboxcodec.go);
		// those stored before are read as they are. Only the number
		// changes, so that an older nhacviec refuses the file rather than
		// fail on a compressed record.
		return db.bolt.Update(func(tx *bolt.Tx) error {
			return putJSON(tx.Bucket(bucketMeta), keySchema, schemaVersion)
		})
	}
	return nil
}

// afterGroupChunk runs between two transactions of migrateGroups (a test
// stops the migration there, as a crash would).
var afterGroupChunk = func() error { return nil }

// migrateGroups brings a database of schema 3 to schema 4: the time index
// of next steps and the open index rebuilt from every assignment, grouped
// by occurrence, migrateChunk assignments a transaction, the file's pages
// given back after each (one transaction held 550 MB at 100,000 tasks ×
// 5 units). The first transaction empties the two indices; the schema
// number is written with the last: a crash in between rebuilds them again
// at the next Open. The old entries' pages are then given back by a
// compaction.
func (db *DB) migrateGroups(log *slog.Logger) error {
	t0 := time.Now()
	n := 0
	var after []byte // the last assignment key done
	for first := true; ; first = false {
		done := false
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if first {
				for _, name := range [][]byte{bucketPending, bucketOpen} {
					if err := tx.DeleteBucket(name); err != nil {
						return err
					}
					if _, err := tx.CreateBucket(name); err != nil {
						return err
					}
				}
			}
			t := newSchedTx(tx, true)
			c := tx.Bucket(bucketAssignments).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for i := 0; k != nil && i < migrateChunk; k, v = c.Next() {
				a, err := decodeAssignment(k, v)
				if err != nil {
					return err
				}
				if err := t.groupMove(a, scheduler.Assignment{}, false); err != nil {
					return err
				}
				after = append(after[:0], k...)
				i++
				n++
			}
			if err := t.flush(); err != nil {
				return err
			}
			if k == nil {
				done = true
				return putJSON(tx.Bucket(bucketMeta), keySchema, schemaVersion)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate %s to schema 4: %w", db.path, err)
		}
		_ = db.ReleaseMapped()
		if done {
			break
		}
		if err := afterGroupChunk(); err != nil {
			return fmt.Errorf("migrate %s to schema 4: %w", db.path, err)
		}
	}
	log.Info("database migrated", "path", db.path, "schema", 4, "what", "indices grouped by task occurrence",
		"assignments", n, "took", time.Since(t0).Round(time.Millisecond).String())
	return db.compact(log)
}

// migrate2 brings a database of schema 1 to schema 2.
func (db *DB) migrate2(log *slog.Logger) error {
	t0 := time.Now()
	log.Info("migrating the database", "path", db.path, "from_schema", 1, "to_schema", 2)
	var n int
	for _, b := range [][]byte{bucketTasks, bucketAssignments, bucketPending, bucketSteps} {
		c, err := db.convert(b)
		if err != nil {
			return fmt.Errorf("migrate %s to schema 2: %w", db.path, err)
		}
		n += c
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		counts := map[scheduler.State]uint64{}
		err := newSchedTx(tx, false).ForEachAssignment("", func(a scheduler.Assignment) error {
			counts[a.State]++
			return nil
		})
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketCounts)
		for _, st := range stateCodes {
			if err := b.Put([]byte(st), binary.BigEndian.AppendUint64(nil, counts[st])); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketMeta), keySchema, 2)
	})
	if err != nil {
		return fmt.Errorf("migrate %s to schema 2: %w", db.path, err)
	}
	log.Info("database migrated", "path", db.path, "schema", 2, "records", n, "took", time.Since(t0).Round(time.Millisecond).String())
	return db.compact(log)
}

// compact rewrites the database into a new file holding only what is in
// use, and puts it in the old one's place: the migration's rewrite leaves
// the old records' pages free inside the file, which bbolt never gives
// back (a schema 1 database of 100,000 tasks × 5 units was 707 MB, and
// 765 MB once migrated). A crash before the rename leaves the migrated
// file as it was and a temporary file that the next compaction replaces.
func (db *DB) compact(log *slog.Logger) error {
	t0 := time.Now()
	before := db.fileSize()
	tmp := db.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{NoSync: true, InitialMmapSize: initialMmap})
	if err != nil {
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	dst.AllocSize = allocSize
	if err := bolt.Compact(dst, db.bolt, 32<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("compact %s: %w", db.path, err)
	}
	renameErr := os.Rename(tmp, db.path)
	if renameErr == nil {
		syncDir(db.path)
	}
	b, err := bolt.Open(db.path, 0o600, boltOptions(db.opts))
	if err != nil {
		return fmt.Errorf("reopen %s after compacting it: %w", db.path, err)
	}
	b.AllocSize = allocSize
	db.bolt = b
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact %s: %w", db.path, renameErr)
	}
	log.Info("database compacted", "path", db.path, "bytes_before", before, "bytes_after", db.fileSize(),
		"took", time.Since(t0).Round(time.Millisecond).String())
	return nil
}

// fileSize is the database file's size, 0 when unknown.
func (db *DB) fileSize() int64 {
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// convert rewrites the JSON records of bucket name in the binary layout,
// chunk by chunk, and adds the index entries of each assignment.
func (db *DB) convert(name []byte) (int, error) {
	var after []byte
	total := 0
	for {
		var n int
		var last []byte
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(name)
			c := b.Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && string(k) == string(after) {
					k, v = c.Next()
				}
			}
			var ws []write
			for ; k != nil && n < migrateChunk; k, v = c.Next() {
				n++
				last = append(last[:0], k...)
				if len(v) == 0 || v[0] != '{' {
					continue // already converted
				}
				w, err := convertRecord(name, k, v)
				if err != nil {
					return err
				}
				ws = append(ws, w...)
			}
			// After the cursor (a put moves it), and in key order per
			// bucket: the index entries come in another order than the
			// records, and bbolt inserts in random order in quadratic time.
			t := newSchedTx(tx, true)
			for _, w := range ws {
				if err := t.setRaw(w.bucket, w.key, w.value); err != nil {
					return err
				}
			}
			return t.flush()
		})
		_ = db.ReleaseMapped() // the chunk's pages need not stay resident
		if err != nil {
			return total, err
		}
		total += n
		if n < migrateChunk {
			return total, nil
		}
		after = last
	}
}

// convertRecord returns the writes that turn one JSON record into schema 2.
func convertRecord(bucket, k, v []byte) ([]write, error) {
	key := append([]byte(nil), k...)
	switch string(bucket) {
	case string(bucketAssignments):
		var a scheduler.Assignment
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, fmt.Errorf("decode assignment %q: %w", k, err)
		}
		raw, err := encodeAssignment(a)
		if err != nil {
			return nil, err
		}
		ws := []write{{bucketAssignments, key, raw}}
		switch a.State {
		case scheduler.StateOpen:
			ws = append(ws, write{bucketOpen, dateKey(a.DueDay, a.Key), []byte{}})
		case scheduler.StateDone:
			ws = append(ws, write{bucketDone, timeKey(a.DoneAt, a.Key), []byte{}})
		}
		return ws, nil
	case string(bucketPending):
		var p scheduler.Pending
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, fmt.Errorf("decode pending %x: %w", k, err)
		}
		return []write{{bucketPending, key, encodePending(p)}}, nil
	case string(bucketTasks):
		var r TaskRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("decode task %q: %w", k, err)
		}
		return []write{{bucketTasks, key, encodeTask(r)}}, nil
	case string(bucketSteps):
		var r scheduler.StepRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("decode step %q: %w", k, err)
		}
		return []write{{bucketSteps, key, encodeStep(r)}}, nil
	}
	return nil, fmt.Errorf("no conversion for bucket %s", bucket)
}
