package web

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/action"
)

// Kinds of one-click links.
const (
	linkDone   = "done"
	linkSnooze = "snooze"
	linkNote   = "note"
)

// link is what a signed link carries: for whom, which assignment, which
// answer, until when, and the key that signed it.
type link struct {
	key, who, assignment, kind string
	expires                    time.Time
}

const linkSep = "\x1f"

var errBadLink = errors.New("bad link")

// sign encodes l and appends 16 bytes of HMAC-SHA256 by the newest key.
func (s *Server) sign(l link) string {
	k := s.linkKeys()[0]
	payload := strings.Join([]string{"1", k.ID, l.who, l.assignment, l.kind, strconv.FormatInt(l.expires.Unix(), 10)}, linkSep)
	sum := mac(k.Secret, "link", payload)[:16]
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(sum)
}

// verify decodes a token signed by a key still kept; it does not check
// the expiry.
func (s *Server) verify(token string) (link, error) {
	p64, s64, ok := strings.Cut(token, ".")
	if !ok {
		return link{}, errBadLink
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	sum, err2 := base64.RawURLEncoding.DecodeString(s64)
	if err1 != nil || err2 != nil {
		return link{}, errBadLink
	}
	f := strings.Split(string(payload), linkSep)
	if len(f) != 6 || f[0] != "1" {
		return link{}, errBadLink
	}
	for _, k := range s.linkKeys() {
		if k.ID != f[1] {
			continue
		}
		if !hmac.Equal(sum, mac(k.Secret, "link", string(payload))[:16]) {
			return link{}, errBadLink
		}
		exp, err := strconv.ParseInt(f[5], 10, 64)
		if err != nil {
			return link{}, errBadLink
		}
		switch f[4] {
		case linkDone, linkSnooze, linkNote:
		default:
			return link{}, errBadLink
		}
		return link{key: f[1], who: f[2], assignment: f[3], kind: f[4], expires: time.Unix(exp, 0)}, nil
	}
	return link{}, errBadLink
}

// Links returns the one-click links of an assignment for a recipient of
// a reminder (a person id, or a unit id for the unit's shared mailbox),
// and false when that recipient may not act on it.
func (s *Server) Links(recipientID, assignmentKey string) (done, snooze, note string, ok bool) {
	env := s.cfg.Env()
	who := recipientID
	if _, isPerson := env.Directory.Person(who); !isPerson {
		who = "unit:" + recipientID
	}
	a, known := s.resolve(who, env)
	if !known || !a.MayUnit(action.UnitOfKey(assignmentKey)) {
		return "", "", "", false
	}
	l := link{who: who, assignment: assignmentKey, expires: s.now().Add(LinkTTL)}
	url := func(kind string) string {
		l.kind = kind
		return s.URL("/l/" + s.sign(l))
	}
	return url(linkDone), url(linkSnooze), url(linkNote), true
}
