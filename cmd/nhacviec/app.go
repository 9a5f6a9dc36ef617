package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/store"
)

// Main is the whole program, with its outside world injected.
type Main struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// now is the wall clock; tests and --now replace it.
	now func() time.Time
	// after, when set (tests), is the daemon's wait until its next wake-up
	// (time.After otherwise): a test's clock that moves only when told.
	after func(time.Duration) <-chan time.Time

	configPath string
	// rootCAs, when set, are trusted for the SMTP server (tests).
	rootCAs *x509.CertPool
	// opsAddr is where the HTTP listener listens, once it does.
	opsAddr string
	// hup receives on SIGHUP: reload the config.
	hup chan struct{}
	// onPhase, when set (tests), is called as the daemon enters each start
	// phase and "" when it is ready (readiness.hook).
	onPhase func(phase string)
}

// NewMain returns a Main writing to stdout and stderr, reading the
// environment through getenv.
func NewMain(stdout, stderr io.Writer, getenv func(string) string) *Main {
	return &Main{stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now, hup: make(chan struct{}, 1)}
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"run", "[--now TIME]", "run the daemon: import the plans, remind, nag, escalate, answer the bot", (*Main).cmdRun},
		{"import", "[PLAN...]", "read plan appendices into the database (default: the config's plans)", (*Main).cmdImport},
		{"tasks", "[--json] [--plan CODE] [--all]", "list the tasks, their assignments and who did them", (*Main).cmdTasks},
		{"preview", "--from DATE --to DATE [--json|--stats] [--fresh] [--now TIME]", "list every message that would go out in the window", (*Main).cmdPreview},
		{"done", "TASK [--unit ID] [--note TEXT] [--undo]", "mark a task done (or undo), as staff do in Telegram", (*Main).cmdDone},
		{"invite", "--unit ID --name NAME [--role head|staff|admin]", "print a one-time code binding a Telegram account to a unit", (*Main).cmdInvite},
		{"report", "[--format text|csv|html|xlsx] [--at DATE | --period 2024-Q3] [-o FILE]", "progress by section and unit in the four buckets of provincial tracking", (*Main).cmdReport},
		{"evidence", "--year YEAR [--plan CODE] -o FILE", "write every evidence document of the plans, by section and task, with an index, as a zip", (*Main).cmdEvidence},
		{"link-keys", "rotate [--drop-old]", "add a new key for the e-mails' signed links (also while the daemon runs); --drop-old ends every link sent", (*Main).cmdLinkKeys},
		{"backup", "-o FILE", "write a consistent copy of the database, also while the daemon runs", (*Main).cmdBackup},
		{"validate", "", "check the config and the plans together; exit 1 on any problem", (*Main).cmdValidate},
		{"help", "", "show this help", (*Main).cmdHelp},
	}
}

// Run runs the command line args (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	fs := m.flagSet("nhacviec")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			m.usage(m.stdout)
			return nil
		}
		return usagef("%v", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		m.usage(m.stderr)
		return usagef("no command given")
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	return usagef("unknown command %q", args[0])
}

// flagSet returns a flag set that knows the global flags, so that they may
// come before or after the command name.
func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	def := m.getenv("NHACVIEC_CONFIG")
	if m.configPath != "" {
		def = m.configPath
	}
	if def == "" {
		def = "nhacviec.yaml"
	}
	fs.StringVar(&m.configPath, "config", def, "config `FILE` (env NHACVIEC_CONFIG)")
	return fs
}

// parse parses flags placed anywhere among the arguments
// ("done III.2.1 --note x" as well as "done --note x III.2.1"); "--" ends
// the flags.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				m.commandUsage(fs)
				return errHelpShown
			}
			return usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

// errHelpShown ends a command whose --help was asked: its usage is printed,
// and the process exits 0 without running it.
var errHelpShown = errors.New("help shown")

// commandUsage prints a command's synopsis, summary and flags to stdout.
func (m *Main) commandUsage(fs *flag.FlagSet) {
	for _, c := range commands() {
		if c.name == fs.Name() {
			fmt.Fprintf(m.stdout, "Usage: nhacviec [--config FILE] %s %s\n\n%s.\n\nFlags:\n", c.name, c.args, c.summary)
		}
	}
	fs.SetOutput(m.stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// cmdHelp prints the usage of every command, or of the one named.
func (m *Main) cmdHelp(_ context.Context, args []string) error {
	if len(args) == 1 {
		for _, c := range commands() {
			if c.name == args[0] && c.name != "help" {
				// Run the command with --help: its own flag set prints itself.
				err := c.run(m, context.Background(), []string{"--help"})
				if errors.Is(err, errHelpShown) {
					return nil
				}
				return err
			}
		}
		return usagef("help: unknown command %q", args[0])
	}
	m.usage(m.stdout)
	return nil
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: nhacviec [--config FILE] COMMAND [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n  %-9s   %s\n", c.name, c.args, "", c.summary)
	}
	fmt.Fprintln(w, "\nThe config file defaults to $NHACVIEC_CONFIG, else nhacviec.yaml.")
	fmt.Fprintln(w, "'nhacviec COMMAND --help' or 'nhacviec help COMMAND' shows a command's flags.")
}

// loadConfig reads the config named by --config. NHACVIEC_DATABASE, when
// set, replaces the config's database path (containers keep the database on
// a volume of their own).
func (m *Main) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(m.configPath)
	if err != nil {
		return nil, err
	}
	if db := m.getenv("NHACVIEC_DATABASE"); db != "" {
		cfg.Database = db
	}
	return cfg, nil
}

// openStore opens the config's database (migrating an older one, logged).
func (m *Main) openStore(cfg *config.Config) (*store.DB, error) {
	return store.Open(cfg.DatabasePath(), store.Options{Now: m.now, Log: m.logger(cfg)})
}

// logger builds the daemon's logger from the config.
func (m *Main) logger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Log.Level)))
	if cfg.Log.Level == "" {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(m.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.stderr, opts))
}
