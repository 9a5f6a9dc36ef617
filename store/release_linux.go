package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	start := db.bolt.Info().Data
	end, err := mappingEnd(start)
	if err != nil {
		return err
	}
	return release(start, end)
}

func release(start, end uintptr) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("release mapped database: %w", errno)
	}
	return nil
}

// mappingEnd finds the end of the mapping that starts at start in
// /proc/self/maps.
func mappingEnd(start uintptr) (uintptr, error) {
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
