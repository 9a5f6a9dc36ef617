package config

import (
	"go/build"
	"slices"
	"testing"
)

// TestConfigKnowsNoEngine: the config builds the rules the scheduler plans
// with (package rules); it does not import the scheduler.
func TestConfigKnowsNoEngine(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "github.com/sct-langson/nhacviec/scheduler") {
		t.Error("config imports scheduler")
	}
}
