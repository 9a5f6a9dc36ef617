package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/internal/genplan"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/letters")

// letterReaders are the readers of the golden letters: a division head, a
// unit that mostly coordinates, the director.
var letterReaders = map[string]string{"head": "tp-khtc", "coordinating": "cc-ttpvhcc", "director": "gd"}

// seedMessages returns the e-mail messages of the shipped example on
// 19/11/2024 by moment and recipient id: "0755", a first start at 07:55
// (the catch-up since the plan was issued, which counts as the day's
// round); "0800", the 08:00 round of a daemon running since the plan was
// issued; "0906", that daemon's round of 06/09/2024, with the progress
// check-ins before the Q3 cut-off.
func seedMessages(t testing.TB) map[string]map[string]*notify.Message {
	t.Helper()
	cfg, err := config.Load("../../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plans, problems := readPlans(cfg, cfg.PlanPaths())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	tasks := tasksFromPlans(cfg.Scheduling.Calendar, plans)
	byTo := func(msgs []*notify.Message, at time.Time) map[string]*notify.Message {
		out := map[string]*notify.Message{}
		for _, m := range msgs {
			if m.Channel == notify.ChannelEmail && m.At.Equal(at) {
				out[m.To.ID] = m
			}
		}
		return out
	}
	out := map[string]map[string]*notify.Message{}
	start := time.Date(2024, 11, 19, 7, 55, 0, 0, cfg.Location)
	e := scheduler.New(schedulerConfig(cfg), scheduler.NewMemStore(), nil)
	if _, err := e.Sync(tasks, start); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.Fire(start)
	if err != nil {
		t.Fatal(err)
	}
	out["0755"] = byTo(msgs, start)

	round := start.Add(5 * time.Minute)
	sc := schedulerConfig(cfg)
	sc.Horizon = 400 * 24 * time.Hour // the year's occurrences from the start, as a daemon re-planning daily has them
	e = scheduler.New(sc, scheduler.NewMemStore(), nil)
	issued := time.Date(2024, 6, 13, 9, 0, 0, 0, cfg.Location)
	if _, err := e.Sync(tasks, issued); err != nil {
		t.Fatal(err)
	}
	var all []*notify.Message
	for now := issued; !now.After(round); {
		msgs, err := e.Fire(now)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, msgs...)
		next, ok, err := e.NextWake(now)
		if err != nil || !ok {
			t.Fatalf("next wake: %v %v", ok, err)
		}
		now = next
	}
	out["0800"] = byTo(all, round)
	out["0906"] = byTo(all, time.Date(2024, 9, 6, 8, 0, 0, 0, cfg.Location)) // progress check-ins before the Q3 cut-off
	return out
}

// TestLetterGoldens: the seed plan's letters at 07:55 and 08:00 on
// 19/11/2024 for a head, a coordinating unit and the director, as e-mail
// HTML, e-mail plain text and Telegram text, equal the files in
// testdata/letters (go test ./cmd/nhacviec -run Golden -update rewrites
// them); and every subject counts what its letter's summary counts.
func TestLetterGoldens(t *testing.T) {
	msgs := seedMessages(t)
	for _, moment := range []string{"0755", "0800", "0906"} {
		for reader, id := range letterReaders {
			if moment == "0906" && reader != "head" {
				continue
			}
			base := filepath.Join("testdata", "letters", moment+"-"+reader)
			m := msgs[moment][id]
			files := map[string]string{".html": "", ".telegram.txt": ""} // "": no such file
			if m == nil {
				files[".txt"] = "(no message to " + id + ")\n"
			} else {
				text, html, err := email.Bodies(m)
				if err != nil {
					t.Fatal(err)
				}
				files[".txt"] = "Subject: " + m.Title + "\n\n" + text
				files[".html"] = html
				var parts []string
				for _, p := range telegram.Render(m) {
					parts = append(parts, p.Text)
				}
				files[".telegram.txt"] = strings.Join(parts, "\n\n═════ tin nhắn tiếp theo ═════\n\n") + "\n"
				checkSubjectCounts(t, m.Title, text)
			}
			for ext, got := range files {
				path := base + ext
				if *update {
					var err error
					if got == "" {
						err = os.Remove(path)
						if errors.Is(err, fs.ErrNotExist) {
							err = nil
						}
					} else {
						err = os.WriteFile(path, []byte(got), 0o644)
					}
					if err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if got == "" {
					if err == nil {
						t.Errorf("%s exists, but no message is rendered for it now (-update removes it)", path)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%v (go test ./cmd/nhacviec -run Golden -update writes it)", err)
				}
				if string(want) != got {
					t.Errorf("%s differs from what is rendered now (-update rewrites it):\n%s", path, firstDiff(string(want), got))
				}
			}
		}
	}
}

var numberRE = regexp.MustCompile(`\d+`)

// checkSubjectCounts: the numbers of the subject (without its date) are
// those of the letter's summary line, in the same order.
func checkSubjectCounts(t *testing.T, subject, text string) {
	t.Helper()
	counts := subject[strings.Index(subject, ": ")+2 : strings.LastIndex(subject, " — ")]
	var summary string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "Tin này gồm: ") {
			summary = l
		}
	}
	if got, want := numberRE.FindAllString(summary, -1), numberRE.FindAllString(counts, -1); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("subject %q counts %v, the letter's summary %q counts %v", subject, want, summary, got)
	}
}

// firstDiff shows the first line that differs.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  file: " + x + "\n  now:  " + y
		}
	}
	return ""
}

// TestDirectorDigestFitsTwoTelegramMessages: on a generated plan of 300
// tasks led by 100 units, the director's catch-up in November carries
// hundreds of overdue assignments; its Telegram letter still fits in two
// messages.
func TestDirectorDigestFitsTwoTelegramMessages(t *testing.T) {
	dir := t.TempDir()
	if err := genplan.Write(dir, genplan.Options{Tasks: 300, Group: 5, Groups: 20, Year: 2025}, "off"); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "nhacviec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plans, problems := readPlans(cfg, cfg.PlanPaths())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	e := scheduler.New(schedulerConfig(cfg), scheduler.NewMemStore(), nil)
	now := time.Date(2025, 11, 19, 7, 55, 0, 0, cfg.Location)
	if _, err := e.Sync(tasksFromPlans(cfg.Scheduling.Calendar, plans), now); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.Fire(now)
	if err != nil {
		t.Fatal(err)
	}
	var director *notify.Message
	for _, m := range msgs {
		if m.To.ID == "gd" {
			director = m
		}
	}
	if director == nil || len(director.Items) < 500 {
		t.Fatalf("the director's digest is missing or small: %v", director)
	}
	parts := telegram.Render(director)
	if len(parts) > 2 {
		t.Errorf("the director's digest of %d items takes %d Telegram messages, want at most 2", len(director.Items), len(parts))
	}
	units := map[string]bool{}
	for _, it := range director.Items {
		units[it.Unit] = true
	}
	t.Logf("%d items of %d units in %d Telegram messages (%d characters)", len(director.Items), len(units), len(parts), len(parts[0].Text))
}
