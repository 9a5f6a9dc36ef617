package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestReleaserFindsTheMappingOnce: a Releaser gives the pages back every
// so many reads but reads /proc/self/maps for the mapping's range once in
// its read transaction; ReleaseMapped alone looks it up each time.
func TestReleaserFindsTheMappingOnce(t *testing.T) {
	db := openTest(t)
	err := db.bolt.View(func(*bolt.Tx) error {
		rel := db.NewReleaser()
		before := mapsReads.Load()
		for range 5 * rel.every {
			rel.Read()
		}
		if n := mapsReads.Load() - before; n != 1 {
			t.Errorf("5 releases read /proc/self/maps %d times, want 1", n)
		}
		before = mapsReads.Load()
		for range 2 {
			if err := db.ReleaseMapped(); err != nil {
				t.Fatal(err)
			}
		}
		if n := mapsReads.Load() - before; n != 2 {
			t.Errorf("2 ReleaseMapped read /proc/self/maps %d times, want 2", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
