package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// errNoPart is returned by Message.Part when no part has the media type.
var errNoPart = errors.New("smtptest: no such part")

// Message is one message the server accepted.
type Message struct {
	From   string      // envelope sender (MAIL FROM)
	To     []string    // envelope recipients (RCPT TO)
	Data   []byte      // raw content as received
	Header mail.Header // parsed header; nil if it could not be parsed
}

// Subject is the Subject header with its RFC 2047 encoded words decoded.
func (m Message) Subject() string {
	return decodeWords(m.Header.Get("Subject"))
}

// Part is one leaf MIME part with its transfer encoding undone.
type Part struct {
	ContentType string            // media type in lower case: "text/plain"
	Params      map[string]string // Content-Type parameters: charset, method
	Filename    string            // from Content-Disposition, decoded
	Header      textproto.MIMEHeader
	Body        []byte // decoded from quoted-printable or base64
}

// Parts walks the MIME tree of the message and returns its leaf parts in
// order: for multipart/mixed(alternative(text, html), attachment) that is
// text, html, attachment.
func (m Message) Parts() ([]Part, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, fmt.Errorf("smtptest: parse message: %w", err)
	}
	var parts []Part
	err = walk(textproto.MIMEHeader(msg.Header), msg.Body, &parts)
	return parts, err
}

// Part returns the first leaf part of the media type ("text/html").
func (m Message) Part(mediaType string) (Part, error) {
	parts, err := m.Parts()
	if err != nil {
		return Part{}, err
	}
	for _, p := range parts {
		if p.ContentType == strings.ToLower(mediaType) {
			return p, nil
		}
	}
	return Part{}, fmt.Errorf("%w: %s", errNoPart, mediaType)
}

func walk(h textproto.MIMEHeader, body io.Reader, parts *[]Part) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("smtptest: content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("smtptest: %s part: %w", mediaType, err)
			}
			if err := walk(p.Header, p, parts); err != nil {
				return err
			}
		}
	}
	var dec io.Reader = body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, body) // skips CR and LF
	}
	data, err := io.ReadAll(dec)
	if err != nil {
		return fmt.Errorf("smtptest: decode %s part: %w", mediaType, err)
	}
	p := Part{ContentType: mediaType, Params: params, Header: h, Body: data}
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
		p.Filename = decodeWords(dp["filename"])
	}
	*parts = append(*parts, p)
	return nil
}

func decodeWords(s string) string {
	d := mime.WordDecoder{}
	out, err := d.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}
