//go:build !linux

package store

// ReleaseMapped does nothing outside Linux.
func (db *DB) ReleaseMapped() error { return nil }

type mapping struct{}

func (db *DB) releaseMapped(*mapping) error { return nil }
