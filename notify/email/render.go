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
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sct-langson/nhacviec/notify"
)

// Signature closes every e-mail.
const Signature = "nhacviec — hệ thống nhắc việc CCHC"

// HeaderMessageID carries notify.Message.ID, the idempotency key, so that a
// copy found in a mailbox can be traced back to the outbox.
const HeaderMessageID = "X-Nhacviec-Message-ID"

//go:embed templates/*.tmpl
var templateFS embed.FS

// renderer turns a notify.Message into a go-mail message. It holds only
// parsed templates and sender settings and is safe for concurrent use.
type renderer struct {
	from, fromName, domain string
	text                   *texttemplate.Template
	html                   *htmltemplate.Template
	links                  LinkFunc // nil: no one-click links
}

func newRenderer(cfg Config) (*renderer, error) {
	text, err := texttemplate.New("body.txt.tmpl").
		Funcs(texttemplate.FuncMap{"indent": indent}).
		ParseFS(templateFS, "templates/body.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("email: parse text template: %w", err)
	}
	html, err := htmltemplate.ParseFS(templateFS, "templates/body.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("email: parse html template: %w", err)
	}
	return &renderer{
		from: cfg.From, fromName: cfg.FromName, domain: cfg.domain(),
		text: text, html: html,
	}, nil
}

// view is what both templates show.
type view struct {
	Title, Greeting, Intro, Footer, Signature string
	Groups                                    []group
}

type group struct {
	Label string
	Color htmltemplate.CSS
	Items []itemView
}

type itemView struct {
	notify.Item // Status and DueText come from notify, worded in one place
	N           int
	HasDue      bool
	Color       htmltemplate.CSS
	Links       *Links // one-click answers; nil when none
}

func (r *renderer) newView(m *notify.Message) view {
	v := view{
		Title:     m.Title,
		Greeting:  "Kính gửi anh/chị,",
		Intro:     m.Intro,
		Footer:    m.Footer,
		Signature: Signature,
	}
	if name := strings.TrimSpace(m.To.Name); name != "" {
		v.Greeting = "Kính gửi: " + name
	}
	// The most urgent kinds come first; other kinds follow in the order
	// they appear.
	index := make(map[notify.Kind]int)
	for _, k := range []notify.Kind{
		notify.KindEscalation, notify.KindOverdue, notify.KindDue, notify.KindReminder,
	} {
		index[k] = len(v.Groups)
		v.Groups = append(v.Groups, group{Label: notify.KindLabel(k), Color: kindColor(k)})
	}
	for _, it := range m.Items {
		i, ok := index[it.Kind]
		if !ok {
			i = len(v.Groups)
			index[it.Kind] = i
			v.Groups = append(v.Groups, group{Label: notify.KindLabel(it.Kind), Color: kindColor(it.Kind)})
		}
		g := &v.Groups[i]
		g.Items = append(g.Items, itemView{
			Item: it, N: len(g.Items) + 1, HasDue: !it.Due.IsZero(), Color: statusColor(it),
			Links: r.linksFor(m.To, it),
		})
	}
	kept := v.Groups[:0]
	for _, g := range v.Groups {
		if len(g.Items) > 0 {
			kept = append(kept, g)
		}
	}
	v.Groups = kept
	return v
}

func kindColor(k notify.Kind) htmltemplate.CSS {
	switch k {
	case notify.KindOverdue, notify.KindEscalation:
		return "#b00020"
	case notify.KindDue:
		return "#c45100"
	default:
		return "#1a4d8f"
	}
}

func statusColor(it notify.Item) htmltemplate.CSS {
	switch {
	case it.WorkingDays < 0 || it.Kind == notify.KindOverdue || it.Kind == notify.KindEscalation:
		return "#b00020"
	case it.WorkingDays == 0:
		return "#c45100"
	default:
		return "#222222"
	}
}

// indent keeps the continuation lines of a multi-line text under the item
// they belong to in the plain-text body.
func indent(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\n   ")
}

// bodies renders the plain-text body and its HTML alternative.
func (r *renderer) bodies(m *notify.Message) (text, html string, err error) {
	v := r.newView(m)
	var tb, hb bytes.Buffer
	if err := r.text.Execute(&tb, v); err != nil {
		return "", "", fmt.Errorf("email: render text body: %w", err)
	}
	if err := r.html.Execute(&hb, v); err != nil {
		return "", "", fmt.Errorf("email: render html body: %w", err)
	}
	return tb.String(), hb.String(), nil
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
	if ics, ok := calendar(m, r.domain); ok {
		if err := msg.AttachReader(calendarFile, strings.NewReader(ics),
			mail.WithFileContentType(mail.ContentType(calendarContentType))); err != nil {
			return nil, fmt.Errorf("email: attach calendar: %w", err)
		}
	}
	return msg, nil
}
