package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// ReleaseMapped drops the database file's pages from the process's
// resident set (madvise MADV_DONTNEED on bbolt's read-only shared
// mapping). They stay in the page cache, unchanged, and a later read maps
// them again with a minor fault: a long read that touches the whole file
// (tasks, report) calls it now and then, so that its RSS does not grow
// with the file. Open read transactions stay valid: bbolt never rewrites a
// page a reader may see, so every page faults back with the same bytes.
func (db *DB) ReleaseMapped() error {
	return db.releaseMapped(&mapping{})
}

// mapping is the range of bbolt's mapping, found in /proc/self/maps once
// for a Releaser (reading the file was a twentieth of reading 100,000
// tasks back). bbolt maps the file anew only in a write transaction that
// outgrows the mapping, and that waits for every read transaction to end:
// the range holds while the read that uses the Releaser runs. A mapping
// at another address is looked up again.
type mapping struct{ start, end uintptr }

func (db *DB) releaseMapped(m *mapping) error {
	start := db.bolt.Info().Data
	if m.start != start || m.end == 0 {
		end, err := mappingEnd(start)
		if err != nil {
			return err
		}
		m.start, m.end = start, end
	}
	return release(m.start, m.end)
}

func release(start, end uintptr) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("release mapped database: %w", errno)
	}
	return nil
}

// mapsReads counts the reads of /proc/self/maps (for the tests).
var mapsReads atomic.Int64

// mappingEnd finds the end of the mapping that starts at start in
// /proc/self/maps.
func mappingEnd(start uintptr) (uintptr, error) {
	mapsReads.Add(1)
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	prefix := strconv.FormatUint(uint64(start), 16) + "-"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		hex, _, _ := strings.Cut(rest, " ")
		end, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return 0, fmt.Errorf("release mapped database: /proc/self/maps: %w", err)
		}
		return uintptr(end), nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("release mapped database: no mapping at %#x", start)
}
