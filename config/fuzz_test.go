package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input makes Parse panic, and what it refuses it refuses
// with Errors naming the file, each problem with a message.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*.yaml")
	seeds = append(seeds, "../examples/nhacviec.yaml")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("database: x.db\nunits: &u [{id: a}]\ngroups: *u\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse(data, "f.yaml")
		if err == nil {
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("not Errors: %T %v", err, err)
		}
		for _, e := range errs {
			if e.File != "f.yaml" || e.Msg == "" {
				t.Fatalf("error without file or message: %#v", e)
			}
		}
	})
}
