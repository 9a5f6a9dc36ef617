package email

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sct-langson/nhacviec/notify"
)

// HeaderMessageID carries notify.Message.ID, the idempotency key, so that a
// copy found in a mailbox can be traced back to the outbox.
const HeaderMessageID = "X-Nhacviec-Message-ID"

//go:embed templates/*.tmpl
var templateFS embed.FS

// renderer turns a notify.Message into a go-mail message. It holds only
// parsed templates and sender settings and is safe for concurrent use.
type renderer struct {
	from, fromName, domain string
	html                   *htmltemplate.Template
	links                  LinkFunc // nil: no one-click links
}

func newRenderer(cfg Config) (*renderer, error) {
	html, err := htmltemplate.ParseFS(templateFS, "templates/body.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("email: parse html template: %w", err)
	}
	return &renderer{from: cfg.From, fromName: cfg.FromName, domain: cfg.domain(), html: html}, nil
}

// view is what the HTML template shows: the letter, with colours.
type view struct {
	Title, Greeting, Summary, Intro, FullList string
	Main                                      []sectionView
	Overview                                  *notify.Overview
	Compact                                   []notify.Section
	Signature                                 []string
}

type sectionView struct {
	Title   string
	Note    string
	Color   htmltemplate.CSS
	Entries []entryView
}

type entryView struct {
	notify.Entry
	Color htmltemplate.CSS
}

func newView(m *notify.Message, l notify.Letter, fullList string) view {
	v := view{
		Title: m.Title, Greeting: l.Greeting, Summary: l.Summary, Intro: l.Intro,
		Overview: l.Overview, Signature: l.Signature, FullList: fullList,
	}
	for _, s := range l.Sections {
		if s.Compact() {
			v.Compact = append(v.Compact, s)
			continue
		}
		sv := sectionView{Title: s.Title, Note: s.Note, Color: sectionColor(s.Kind)}
		for _, e := range s.Entries {
			c := htmltemplate.CSS("#1a4d8f")
			if e.Urgent {
				c = "#b00020"
			}
			sv.Entries = append(sv.Entries, entryView{Entry: e, Color: c})
		}
		v.Main = append(v.Main, sv)
	}
	return v
}

func sectionColor(k notify.SectionKind) htmltemplate.CSS {
	if k == notify.SectionOverdue {
		return "#b00020"
	}
	return "#1a4d8f"
}

// bodies renders the plain-text body and its HTML alternative.
// Both write the same letter (notify.Compose).
func (r *renderer) bodies(m *notify.Message) (text, html string, err error) {
	l := notify.Compose(m)
	r.addLinks(m.To, &l)
	full := ""
	if l.Overview != nil {
		full = "Danh sách đầy đủ: tệp đính kèm " + fullListName(m) + "."
	}
	var hb bytes.Buffer
	if err := r.html.Execute(&hb, newView(m, l, full)); err != nil {
		return "", "", fmt.Errorf("email: render html body: %w", err)
	}
	return l.PlainText(full), hb.String(), nil
}

// messageID is stable for m.ID: a retried or re-rendered message keeps its
// Message-ID, so a receiving server or mail client can drop a duplicate.
func (r *renderer) messageID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16]) + "@" + r.domain
}

// errNoAddress is a permanent failure: the recipient has no e-mail address.
var errNoAddress = errors.New("recipient has no e-mail address")

// render builds the e-mail for m. Its errors are permanent: the same
// message would fail the same way again.
func (r *renderer) render(m *notify.Message, now time.Time) (*mail.Msg, error) {
	if m.To.Email == "" {
		return nil, errNoAddress
	}
	msg := mail.NewMsg()
	var err error
	if r.fromName != "" {
		err = msg.FromFormat(r.fromName, r.from)
	} else {
		err = msg.From(r.from)
	}
	if err != nil {
		return nil, fmt.Errorf("sender %q: %w", r.from, err)
	}
	if name := strings.TrimSpace(m.To.Name); name != "" {
		err = msg.AddToFormat(name, m.To.Email)
	} else {
		err = msg.To(m.To.Email)
	}
	if err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To.Email, err)
	}
	subject := m.Title
	if subject == "" {
		subject = notify.KindLabel(m.Kind)
	}
	msg.Subject(subject)
	msg.SetMessageIDWithValue(r.messageID(m.ID))
	msg.SetGenHeader(mail.Header(HeaderMessageID), m.ID)
	// RFC 3834: keeps out-of-office replies away from the sender's mailbox.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetUserAgent("nhacviec")
	at := m.At
	if at.IsZero() {
		at = now
	}
	msg.SetDateWithValue(at)

	text, html, err := r.bodies(m)
	if err != nil {
		return nil, err
	}
	msg.SetBodyString(mail.TypeTextPlain, text)
	msg.AddAlternativeString(mail.TypeTextHTML, html)
	if xlsx, ok, err := fullList(m); err != nil {
		return nil, err
	} else if ok {
		if err := msg.AttachReader(fullListName(m), bytes.NewReader(xlsx),
			mail.WithFileContentType(mail.ContentType(xlsxContentType))); err != nil {
			return nil, fmt.Errorf("email: attach full list: %w", err)
		}
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data),
			mail.WithFileContentType(mail.ContentType(a.Type))); err != nil {
			return nil, fmt.Errorf("email: attach %s: %w", a.Name, err)
		}
	}
	if ics, ok := calendar(m, r.domain); ok {
		if err := msg.AttachReader(calendarFile, strings.NewReader(ics),
			mail.WithFileContentType(mail.ContentType(calendarContentType))); err != nil {
			return nil, fmt.Errorf("email: attach calendar: %w", err)
		}
	}
	return msg, nil
}

// Bodies renders m's plain-text body and HTML alternative as a notifier
// sends them, without one-click links: for previews and golden files.
func Bodies(m *notify.Message) (text, html string, err error) {
	r, err := newRenderer(Config{})
	if err != nil {
		return "", "", err
	}
	return r.bodies(m)
}
