// Package config reads nhacviec's YAML config file strictly: an unknown key,
// a wrong type or an inconsistent value is an error naming the file and line,
// and every problem is reported at once.
//
// A config passes through three forms. Decode reads the file into a Raw: its
// File exactly as written (defaults not filled) and the YAML nodes it came
// from. Validate checks it, every problem an Error whose line comes from
// those nodes or from the YAML library's typed errors, and resolves it into
// a Config: the Settings with their defaults filled in and what is built
// from them (time zone, directory, scheduling). The Raw is never changed.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/sct-langson/nhacviec/org"
)

// The defaults of the settings that the config resolves itself; those of a
// channel (timeouts, connections, TLS) are its adapter's.
const (
	// DefaultTimezone is the zone of every date and time in the config.
	DefaultTimezone = "Asia/Ho_Chi_Minh"
	// DefaultDepartmentDay is reports.department_day: the province's usual
	// deadline for its departments, two days after the data cut-off.
	DefaultDepartmentDay = 16
	// DefaultWeekly is reports.weekly: Monday 08:00.
	DefaultWeekly = "0 8 * * 1"
	// DefaultHorizonDays is horizon_days.
	DefaultHorizonDays = 120
)

// File is the config file's settings as written: its YAML, read strictly
// (every key a field, every value of its field's type), defaults not
// filled. It is the raw form: Decode makes it, Validate reads it and never
// writes it, and the JSON Schema is derived from it.
type File struct {
	// Timezone of every date and time; Asia/Ho_Chi_Minh when empty.
	Timezone string `yaml:"timezone"`
	// Database is the bbolt file, relative to the config file's folder.
	Database string `yaml:"database"`
	// Plans are the plan appendices to import, relative to the config file.
	Plans []string `yaml:"plans"`
	// Log sets the format and level of the daemon's logs.
	Log Log `yaml:"log"`

	Units  []Unit   `yaml:"units"`
	Groups []Group  `yaml:"groups"`
	People []Person `yaml:"people"`
	// Office is the unit id of Văn phòng Sở, the CCHC focal point: it
	// receives escalations ("office") and follows everyone's progress.
	Office string `yaml:"office"`

	Calendar  Calendar  `yaml:"calendar"`
	Reminders Reminders `yaml:"reminders"`
	Schedules Schedules `yaml:"schedules"`
	Reports   Reports   `yaml:"reports"`
	Checkins  Checkins  `yaml:"checkins"`
	// HorizonDays is how far ahead occurrences are planned. Default 120.
	HorizonDays int `yaml:"horizon_days"`

	Email    Email    `yaml:"email"`
	Telegram Telegram `yaml:"telegram"`
	Delivery Delivery `yaml:"delivery"`
	// Signature closes every message people get.
	Signature Signature `yaml:"signature"`
	HTTP      HTTP      `yaml:"http"`
	Web       Web       `yaml:"web"`
}

// Settings are a config file's settings as the daemon runs them: a copy
// of its File with the defaults filled in (timezone, reports.department_day,
// reports.weekly, horizon_days). A type of its own, so that a File as
// written cannot be taken for one.
type Settings File

// fillDefaults writes the default of every setting the file leaves unset
// and the config resolves itself. It runs on the Config's copy, never on a
// Raw's File.
func (s *Settings) fillDefaults() {
	if s.Timezone == "" {
		s.Timezone = DefaultTimezone
	}
	if s.Reports.DepartmentDay == 0 {
		s.Reports.DepartmentDay = DefaultDepartmentDay
	}
	if s.Reports.Weekly == "" {
		s.Reports.Weekly = DefaultWeekly
	}
	if s.HorizonDays == 0 {
		s.HorizonDays = DefaultHorizonDays
	}
}

// Config is a config file checked and resolved into what the daemon runs
// on: its settings with their defaults filled in, and what is built from
// them (time zone, directory, scheduling). Only Validate makes one.
type Config struct {
	Settings
	// Path is the file the config was read from.
	Path string
	// Location is Timezone loaded.
	Location *time.Location
	// Directory is the resolved units, groups and people.
	Directory *org.Directory
	// Scheduling is the calendar, schedules and policy, checked.
	Scheduling Scheduling
}

// Reports is the periodic reporting section.
type Reports struct {
	// DepartmentDay is the day of the period's last month by which the
	// department sends its CCHC report (the province sets it). Default 16.
	DepartmentDay int `yaml:"department_day"`
	// Weekly is when the office's head gets the weekly progress summary: a
	// cron spec, default "0 8 * * 1" (Monday 08:00); "off" for none.
	Weekly string `yaml:"weekly"`
	// DraftTo are person ids who get the office's draft of each periodic
	// report at its data cut-off, besides the office's head.
	DraftTo []string `yaml:"draft_to"`
}

// Log is the logging section.
type Log struct {
	Format string `yaml:"format"` // "text" (default) or "json"
	Level  string `yaml:"level"`  // "debug", "info" (default), "warn", "error"
}

// Unit is a unit as written in the config.
type Unit struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Aliases  []string `yaml:"aliases"`
	Head     string   `yaml:"head"`
	Superior string   `yaml:"superior"`
	Email    string   `yaml:"email"`
	Telegram int64    `yaml:"telegram"`
	External bool     `yaml:"external"`
	// ShortName names the unit in subjects ("Phòng KH-TC"); default: a
	// division's initials.
	ShortName string `yaml:"short_name"`
}

// Group is a group of units as written in the config.
type Group struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
	Members []string `yaml:"members"`
}

// Person is a person as written in the config.
type Person struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Unit     string   `yaml:"unit"`
	Role     string   `yaml:"role"`
	Email    string   `yaml:"email"`
	Telegram int64    `yaml:"telegram"`
	Channels []string `yaml:"channels"`
	// AllChannels sends this person a copy on every channel; default
	// delivery.all_channels.
	AllChannels *bool `yaml:"all_channels"`
}

// Load reads and checks the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a config held in memory: Decode, then Validate. path names
// it in errors and anchors relative paths.
func Parse(data []byte, path string) (*Config, error) {
	raw, err := Decode(data, path)
	if err != nil {
		return nil, err
	}
	return Validate(raw)
}

// Validate checks a raw config and resolves it into the Config the daemon
// runs on, or returns every problem, each at the line of its field in the
// raw's YAML nodes. raw is not changed: the defaults go into the Config's
// settings, a deep copy of its File that shares no slice, map or pointer
// with it.
func Validate(raw *Raw) (*Config, error) {
	c := &Config{Settings: Settings(clone(raw.File)), Path: raw.Path}
	v := &validator{file: raw.Path, loc: locator{raw.root}}
	c.check(v)
	if len(v.errs) > 0 {
		slices.SortStableFunc(v.errs, func(a, b *Error) int { return a.Line - b.Line })
		return nil, v.errs
	}
	return c, nil
}

// validator collects errors with the line of the field they are about.
type validator struct {
	file string
	loc  locator
	errs Errors
}

func (v *validator) fail(path []any, format string, a ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.loc.line(path...), Field: fieldPath(path...), Msg: fmt.Sprintf(format, a...)})
}

func (c *Config) check(v *validator) {
	c.Settings.fillDefaults()
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.fail([]any{"timezone"}, "unknown time zone %q", c.Timezone)
	}
	c.Location = loc
	if c.Database == "" {
		v.fail([]any{"database"}, "missing: the bbolt file that keeps tasks and their state")
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		v.fail([]any{"log", "format"}, "%q is not text or json", c.Log.Format)
	}
	switch c.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		v.fail([]any{"log", "level"}, "%q is not debug, info, warn or error", c.Log.Level)
	}
	for i, p := range c.Plans {
		if p == "" {
			v.fail([]any{"plans", i}, "empty path")
		}
	}
	c.checkContacts(v)
	c.buildDirectory(v)
	c.checkScheduling(v)
	c.Scheduling.Checkins = c.checkCheckins(v)
	c.checkChannels(v)
	c.checkDraftTo(v)
	c.checkWeb(v)
	c.checkSignature(v)
}

func (c *Config) checkContacts(v *validator) {
	for i, u := range c.Units {
		if u.Email != "" {
			if _, err := mail.ParseAddress(u.Email); err != nil {
				v.fail([]any{"units", i, "email"}, "%q is not an e-mail address", u.Email)
			}
		}
	}
	for i, p := range c.People {
		if p.Email != "" {
			if _, err := mail.ParseAddress(p.Email); err != nil {
				v.fail([]any{"people", i, "email"}, "%q is not an e-mail address", p.Email)
			}
		}
		for j, ch := range p.Channels {
			if ch != "email" && ch != "telegram" {
				v.fail([]any{"people", i, "channels", j}, "%q is not email or telegram", ch)
			}
		}
	}
}

func (c *Config) buildDirectory(v *validator) {
	units := make([]org.Unit, len(c.Units))
	for i, u := range c.Units {
		units[i] = org.Unit{ID: u.ID, Name: u.Name, Aliases: u.Aliases, Head: u.Head, Superior: u.Superior,
			Email: u.Email, Telegram: u.Telegram, External: u.External, ShortName: u.ShortName}
	}
	groups := make([]org.Group, len(c.Groups))
	for i, g := range c.Groups {
		groups[i] = org.Group{ID: g.ID, Name: g.Name, Aliases: g.Aliases, Members: g.Members}
	}
	people := make([]org.Person, len(c.People))
	for i, p := range c.People {
		people[i] = org.Person{ID: p.ID, Name: p.Name, Unit: p.Unit, Role: org.Role(p.Role),
			Email: p.Email, Telegram: p.Telegram, Channels: p.Channels, AllChannels: c.Delivery.AllChannels}
		if p.AllChannels != nil {
			people[i].AllChannels = *p.AllChannels
		}
	}
	d, err := org.New(units, groups, people)
	var oe org.Errors
	switch {
	case errors.As(err, &oe):
		section := map[string]string{"unit": "units", "group": "groups", "person": "people"}
		for _, e := range oe {
			v.fail([]any{section[e.Kind], e.Index, e.Field}, "%s", e.Msg)
		}
	case err != nil:
		v.fail(nil, "%v", err)
	}
	c.Directory = d
}

// Resolve makes path absolute relative to the config file's folder.
func (c *Config) Resolve(path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(c.Path), path)
}

// DatabasePath is the bbolt file's path.
func (c *Config) DatabasePath() string { return c.Resolve(c.Database) }

// PlanPaths are the plan files' paths.
func (c *Config) PlanPaths() []string {
	out := make([]string, len(c.Plans))
	for i, p := range c.Plans {
		out[i] = c.Resolve(p)
	}
	return out
}
