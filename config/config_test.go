package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadExample(t *testing.T) {
	c, err := Load("../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("location = %v", c.Location)
	}
	if got, want := c.DatabasePath(), filepath.Join("..", "examples", "nhacviec.db"); got != want {
		t.Errorf("DatabasePath = %q, want %q", got, want)
	}
	r, err := c.Directory.Resolve("Các phòng")
	if err != nil || r.ID != "cac-phong" || !r.Group {
		t.Errorf("Resolve(Các phòng) = %v, %v", r, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key", "database: x.db\nunits:\n  - id: a\n    name: A\n    emial: a@b.c\n",
			[]string{`c.yaml:5: units[0]: unknown key "emial"`}},
		{"wrong type", "database: x.db\nunits:\n  - id: a\n    name: A\n    telegram: abc\n",
			[]string{`c.yaml:5: units[0].telegram: wrong type: text "abc" where a whole number is expected`}},
		{"key twice", "database: x.db\nunits:\n  - id: a\n    name: A\n    id: b\n", []string{`c.yaml:5: units[0].id: written twice (first on line 3)`}},
		{"list for a mapping", "database: x.db\ncalendar: [a, b]\n", []string{`c.yaml:2: calendar: wrong type: a list where a mapping is expected`}},
		{"mapping for text", "database:\n  path: x.db\n", []string{`c.yaml:2: database: wrong type: a mapping where text is expected`}},
		{"year not a number", "database: x.db\ncalendar:\n  years:\n    two-thousand: {}\n", []string{`c.yaml:4: calendar.years: wrong type: text "two-thousand" where a whole number is expected`}},
		{"nested unknown key and wrong type at once", "database: x.db\ncalendar:\n  years:\n    2024:\n      day_off: \"2024-01-01\"\nreminders:\n  on_due_day: maybe\n",
			[]string{`c.yaml:5: calendar.years.2024: unknown key "day_off"`, `c.yaml:7: reminders.on_due_day: wrong type: text "maybe" where true/false is expected`}},
		{"missing database", "plans: [a.txt]\n", []string{`c.yaml:1: database: missing`}},
		{"bad timezone", "database: x.db\ntimezone: Asia/Hanoi\n", []string{`c.yaml:2: timezone: unknown time zone "Asia/Hanoi"`}},
		{"several at once", "database: x.db\nunits:\n  - id: a\n    name: A\n    email: not-an-address\n  - id: a\n    name: B\ngroups:\n  - id: g\n    name: G\n    members: [a, zz]\n",
			[]string{
				`c.yaml:5: units[0].email: "not-an-address" is not an e-mail address`,
				`c.yaml:6: units[1].id: unit "a": id already used by a unit`,
				`c.yaml:11: groups[0].members: group "g": member "zz" is not a unit`,
			}},
		{"person's unit", "database: x.db\npeople:\n  - id: p\n    unit: nowhere\n", []string{`c.yaml:4: people[0].unit: person "p": unit "nowhere" is not a unit`}},
		{"channel", "database: x.db\npeople:\n  - id: p\n    channels: [email, zalo]\n", []string{`c.yaml:4: people[0].channels[1]: "zalo" is not email or telegram`}},
		{"syntax", "database: [x\n", []string{`c.yaml:2: did not find expected ',' or ']' (while parsing a flow sequence from line 1)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "c.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("errors:\n%s\nwant %d of them", err, len(tt.want))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("err = %v, want one that wraps fs.ErrNotExist and names none.yaml", err)
	}
}

// TestSignatureLines: the example's signature section becomes the closing
// lines of every message; without one, the default closing applies.
func TestSignatureLines(t *testing.T) {
	c, err := Parse([]byte("database: x.db\nsignature:\n  office: Văn phòng Sở\n  contact: Nguyễn Thị Lan\n  phone: 0205 3812 345\n  email: vp@example.vn\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.SignatureLines("Trả lời bằng bot."), "\n")
	if want := "Văn phòng Sở\nLiên hệ: Nguyễn Thị Lan, 0205 3812 345, vp@example.vn\nTrả lời bằng bot."; got != want {
		t.Errorf("SignatureLines =\n%s\nwant\n%s", got, want)
	}
	c, err = Parse([]byte("database: x.db\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if l := c.SignatureLines("x"); l != nil {
		t.Errorf("no section: %q, want nil", l)
	}
}

// TestAllChannels: delivery.all_channels is every person's default, and a
// person's own all_channels wins.
func TestAllChannels(t *testing.T) {
	data, err := os.ReadFile("../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "  all_channels: false", "  all_channels: true", 1)
	src = strings.Replace(src, "    email: giamdoc@sct-langson.example\n", "    email: giamdoc@sct-langson.example\n    all_channels: false\n", 1)
	c, err := Parse([]byte(src), "../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gd, _ := c.Directory.Person("gd")
	pgd, _ := c.Directory.Person("pgd-1")
	if gd.AllChannels || !pgd.AllChannels {
		t.Errorf("all_channels: gd %t (own false), pgd-1 %t (global true)", gd.AllChannels, pgd.AllChannels)
	}
}
