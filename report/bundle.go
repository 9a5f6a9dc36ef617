package report

import (
	"archive/zip"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// BundleIndex is the name of the index inside an evidence bundle.
const BundleIndex = "muc-luc-minh-chung.csv"

// BundleSummary says what an evidence bundle holds.
type BundleSummary struct {
	Files   int // documents written into the bundle
	Missing int // documents listed in the index but not in the bundle
	Tasks   int // tasks with at least one document
}

// Opener opens a stored evidence document by its path on disk.
type Opener func(path string) (io.ReadCloser, error)

// bundleEntry is one evidence document of one assignment.
type bundleEntry struct {
	task scheduler.Task
	a    *scheduler.Assignment
	ev   scheduler.Evidence
	name string // path inside the zip, "" when not in it
	why  string // why it is not in the bundle
}

// WriteEvidenceBundle writes every evidence document of the assignments
// of tasks as a zip, what the yearly PAR self-assessment asks for: one
// folder per section and task ("III/III.2.2.1/…"), each file under the
// name the person gave it (made safe for every file system; duplicates
// numbered "(2)", "(3)"), and an index (CSV, UTF-8 with a byte-order mark
// for Excel) listing every document: task, period, unit, file, who, when,
// note. A document that was never downloaded to the server or cannot be
// read is listed with the reason instead of failing the bundle.
func WriteEvidenceBundle(w io.Writer, tasks []scheduler.Task, assignments []scheduler.Assignment, dir *org.Directory, loc *time.Location, open Opener) (BundleSummary, error) {
	byID := make(map[string]scheduler.Task, len(tasks))
	for _, t := range tasks {
		byID[t.Plan.Code+"|"+t.ID] = t
	}
	var entries []bundleEntry
	for i := range assignments {
		a := &assignments[i]
		t, ok := byID[a.Plan+"|"+a.TaskID]
		if !ok {
			continue
		}
		for _, ev := range a.Evidence {
			entries = append(entries, bundleEntry{task: t, a: a, ev: ev})
		}
	}
	n := newNamer(dir)
	slices.SortStableFunc(entries, func(x, y bundleEntry) int {
		return cmp.Or(
			cmp.Compare(x.task.Plan.Code, y.task.Plan.Code),
			compareTaskID(x.task.ID, y.task.ID),
			cmp.Compare(x.a.Occurrence, y.a.Occurrence),
			n.compareUnits(x.a.Unit, y.a.Unit),
			x.ev.At.Compare(y.ev.At))
	})

	zw := zip.NewWriter(w)
	var sum BundleSummary
	used := map[string]bool{BundleIndex: true}
	tasksWith := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		tasksWith[e.task.Plan.Code+"|"+e.task.ID] = true
		if e.ev.Path == "" {
			e.why = "chưa tải về máy chủ (chỉ có trên Telegram)"
			sum.Missing++
			continue
		}
		f, err := open(e.ev.Path)
		if err != nil {
			e.why = "không đọc được tệp trên máy chủ"
			sum.Missing++
			continue
		}
		folder := path.Join(safeSegment(e.task.Section, "khac"), safeSegment(e.task.ID, "nhiem-vu"))
		e.name = uniqueName(used, folder, safeSegment(e.ev.Name, "tai-lieu"))
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: e.ev.At.In(loc)}
		zf, err := zw.CreateHeader(hdr)
		if err == nil {
			_, err = io.Copy(zf, f)
		}
		f.Close()
		if err != nil {
			return sum, fmt.Errorf("evidence bundle: %s: %w", e.ev.Path, err)
		}
		sum.Files++
	}
	sum.Tasks = len(tasksWith)

	iw, err := zw.CreateHeader(&zip.FileHeader{Name: BundleIndex, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return sum, fmt.Errorf("evidence bundle: %w", err)
	}
	if err := writeBundleIndex(iw, entries, n, loc); err != nil {
		return sum, err
	}
	if err := zw.Close(); err != nil {
		return sum, fmt.Errorf("evidence bundle: %w", err)
	}
	return sum, nil
}

func writeBundleIndex(w io.Writer, entries []bundleEntry, n *namer, loc *time.Location) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("evidence index: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"STT", "Kế hoạch", "Nhiệm vụ", "Nội dung nhiệm vụ", "Kỳ", "Đơn vị", "Tệp trong gói", "Tên tệp gốc", "Người nộp", "Thời gian nộp", "Ghi chú"}}
	for i, e := range entries {
		file := e.name
		if file == "" {
			file = "(không có trong gói: " + e.why + ")"
		}
		rows = append(rows, []string{
			strconv.Itoa(i + 1), e.task.Plan.Code, e.task.ID, e.task.Text, e.a.Occurrence, n.unit(e.a.Unit),
			file, e.ev.Name, n.person(e.ev.By), e.ev.At.In(loc).Format("02/01/2006 15:04"), assignmentNote(e.a),
		})
	}
	for _, r := range rows {
		for i := range r {
			r[i] = defuse(r[i])
		}
		if err := cw.Write(r); err != nil {
			return fmt.Errorf("evidence index: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("evidence index: %w", err)
	}
	return nil
}

// assignmentNote is the done note and the progress notes, newest last.
func assignmentNote(a *scheduler.Assignment) string {
	var parts []string
	for _, nt := range a.Notes {
		parts = append(parts, nt.Text)
	}
	if a.Note != "" && !slices.Contains(parts, a.Note) {
		parts = append(parts, a.Note)
	}
	return strings.Join(parts, "; ")
}

// safeSegment makes a name one safe path segment inside a zip on Windows,
// macOS and Linux: NFC, no control characters, no separators, none of
// Windows's reserved characters, no leading dots (no "..", no hidden
// file), no trailing dots or spaces, at most 120 bytes keeping the
// extension; fallback when nothing is left.
func safeSegment(name, fallback string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		case strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return fallback
	}
	if len(name) > 120 {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:120-len(ext)]
		for !utf8.ValidString(stem) {
			stem = stem[:len(stem)-1]
		}
		name = stem + ext
	}
	if base := strings.ToUpper(strings.TrimSuffix(name, path.Ext(name))); slices.Contains(reservedWindows, base) {
		name = "_" + name
	}
	return name
}

var reservedWindows = []string{"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"}

// uniqueName is folder/name, numbered "name (2).ext" when taken (compared
// case-insensitively, as Windows and macOS do).
func uniqueName(used map[string]bool, folder, name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		candidate := name
		if i > 1 {
			candidate = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		full := path.Join(folder, candidate)
		if !used[strings.ToLower(full)] {
			used[strings.ToLower(full)] = true
			return full
		}
	}
}
