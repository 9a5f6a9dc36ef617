package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/store"
)

func (m *Main) cmdReport(ctx context.Context, args []string) error {
	fs := m.flagSet("report")
	format := fs.String("format", "text", "`FORMAT`: text, csv or xlsx")
	atS := fs.String("at", "", "progress as of `DATE` (YYYY-MM-DD[THH:MM]); default now")
	out := fs.String("o", "", "write to `FILE` instead of stdout (required for xlsx)")
	nowS := fs.String("now", "", "set the clock to `TIME`")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "text", "csv":
	case "xlsx":
		if *out == "" {
			return usagef("report: --format xlsx needs -o FILE")
		}
	default:
		return usagef("report: --format %q is not text, csv or xlsx", *format)
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	if err := m.clockFlag(*nowS, cfg, nil); err != nil {
		return err
	}
	at := m.now()
	if *atS != "" {
		if at, err = parseNow(*atS, cfg.Location); err != nil {
			return err
		}
		if len(*atS) == len("2006-01-02") {
			at = at.AddDate(0, 0, 1).Add(-1) // the end of that day
		}
	}
	db, closeDB, err := m.openForRead(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	tasks, err := storedTasks(cfg.Scheduling.Calendar, db)
	if err != nil {
		return err
	}
	assignments, err := db.Assignments("")
	if err != nil {
		return err
	}
	r := report.Build(at, cfg.Location, tasks, assignments, cfg.Directory)
	var buf bytes.Buffer
	switch *format {
	case "text":
		err = r.WriteText(&buf)
	case "csv":
		err = r.WriteCSV(&buf)
	case "xlsx":
		err = r.WriteXLSX(&buf)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = io.Copy(m.stdout, &buf)
		return err
	}
	if err := store.WriteFileAtomic(*out, &buf); err != nil {
		return err
	}
	fmt.Fprintf(m.stderr, "Report written to %s.\n", *out)
	return nil
}
