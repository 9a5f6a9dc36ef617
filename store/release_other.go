//go:build !linux

package store

// ReleaseMapped does nothing outside Linux.
func (db *DB) ReleaseMapped() error { return nil }
