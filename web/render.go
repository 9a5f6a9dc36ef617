package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// page is what the layout shows around every page's own data.
type page struct {
	Title  string
	Viewer *viewer
	CSRF   string
	Nav    string
	Admin  bool
	Data   any
}

// funcs are the templates' functions; times are shown in loc.
func funcs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("02/01/2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("15:04 02/01/2006")
		},
		"bar":     bar,
		"buckets": report.Buckets,
		"count":   func(s report.Summary, b report.Bucket) int { return s.Counts[b] },
		"pct": func(s report.Summary, b report.Bucket) string {
			if s.Total == 0 {
				return "0%"
			}
			return fmt.Sprintf("%.0f%%", 100*float64(s.Counts[b])/float64(s.Total))
		},
		"bucketClass": bucketClass,
		"q":           url.QueryEscape,
		"join":        strings.Join,
		"occ":         scheduler.OccurrenceName,
		"actionLabel": actionLabel,
		"viaLabel":    viaLabel,
		"auditNote": func(action, note string) string {
			if t, err := time.Parse(time.RFC3339, note); err == nil && action == "snooze" {
				return "đến " + t.In(loc).Format("15:04 02/01/2006")
			}
			return note
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
}

func bucketClass(b report.Bucket) string {
	switch b {
	case report.DoneOnTime:
		return "b-ontime"
	case report.DoneLate:
		return "b-late"
	case report.OpenInTime:
		return "b-open"
	}
	return "b-overdue"
}

// segment is one bucket's part of a bar, in a 0–100 wide SVG: SVG
// attributes, not inline styles, which the CSP forbids.
type segment struct {
	X, W  string
	Class string
	Title string
}

func bar(s report.Summary) []segment {
	var out []segment
	if s.Total == 0 {
		return out
	}
	x := 0.0
	for _, b := range report.Buckets() {
		n := s.Counts[b]
		if n == 0 {
			continue
		}
		w := 100 * float64(n) / float64(s.Total)
		out = append(out, segment{X: fmt.Sprintf("%.2f", x), W: fmt.Sprintf("%.2f", w), Class: bucketClass(b),
			Title: fmt.Sprintf("%s: %d", b.Label(), n)})
		x += w
	}
	return out
}

func parsePages(loc *time.Location) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New("layout.html").Funcs(funcs(loc)).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes a page; the layout calls the page's "content" template.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Viewer: viewerOf(r), Data: data, Nav: name}
	p.CSRF = s.csrfToken(w, r)
	if p.Viewer != nil {
		p.Admin = p.Viewer.Admin()
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, p); err != nil {
		s.log.Error("render a web page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type message struct {
	Text string
	Back string
}

// fail shows a message page with a status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "message", "Thông báo", message{Text: msg})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// actionLabel names an audited action for people.
func actionLabel(a string) string {
	switch a {
	case "done":
		return "đánh dấu hoàn thành"
	case "undo":
		return "hoàn tác"
	case "snooze":
		return "hoãn nhắc"
	case "note":
		return "ghi chú"
	case "evidence":
		return "nộp tài liệu"
	}
	return a
}

// viaLabel names the way a change came in (audit Via, or DoneVia).
func viaLabel(v string) string {
	switch v {
	case "command", "reply", "button", "telegram":
		return "Telegram"
	case "cli":
		return "dòng lệnh"
	case "web":
		return "trang web"
	}
	return v
}
