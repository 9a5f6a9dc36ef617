package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite examples/nhacviec.schema.json")

// TestSchemaFile: the shipped schema is the one the File type gives (run
// `go test ./config -run Schema -update` after changing the config).
func TestSchemaFile(t *testing.T) {
	const path = "../examples/nhacviec.schema.json"
	want := Schema()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("examples/nhacviec.schema.json is stale: run go test ./config -run Schema -update")
	}
	var s struct {
		Properties map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(got, &s); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"database", "units", "schedules", "reminders", "email", "telegram", "http"} {
		if _, ok := s.Properties[key]; !ok {
			t.Errorf("schema lacks %q", key)
		}
	}
	if _, ok := s.Properties["email"].Properties["password_env"]; !ok {
		t.Error("schema lacks email.password_env")
	}
	if _, ok := s.Properties["email"].Properties["password"]; ok {
		t.Error("schema allows email.password")
	}
}

// TestSchemaDefaults: the defaults the shipped schema shows editors are
// those a config that leaves the settings unset resolves to.
func TestSchemaDefaults(t *testing.T) {
	data, err := os.ReadFile("../examples/nhacviec.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type prop struct {
		Default    any             `json:"default"`
		Properties map[string]prop `json:"properties"`
	}
	var s prop
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	c, err := Parse([]byte("database: x.db\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		got  any
		want any
	}{
		{s.Properties["timezone"].Default, c.Timezone},
		{s.Properties["horizon_days"].Default, float64(c.HorizonDays)},
		{s.Properties["reports"].Properties["department_day"].Default, float64(c.Reports.DepartmentDay)},
		{s.Properties["reports"].Properties["weekly"].Default, c.Reports.Weekly},
	} {
		if tt.got != tt.want {
			t.Errorf("schema default %v, resolved %v", tt.got, tt.want)
		}
	}
}
