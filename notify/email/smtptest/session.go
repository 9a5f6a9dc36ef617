package smtptest

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"net/mail"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend opens one session per SMTP connection.
type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one client's SMTP transaction state.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
	hangUp bool // cut the connection once the DATA reply is written
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) authRequired() bool { return ss.s.opts.Username != "" }

// AuthMechanisms offers PLAIN when credentials are configured.
func (ss *session) AuthMechanisms() []string {
	if !ss.authRequired() {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks the PLAIN credentials; a mismatch answers 535 5.7.8.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || !ss.authRequired() {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		userOK := subtle.ConstantTimeCompare([]byte(username), []byte(ss.s.opts.Username)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(password), []byte(ss.s.opts.Password)) == 1
		if !userOK || !passOK {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authRequired() && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	f, rejected := ss.s.rejectRcpt[to]
	ss.s.mu.Unlock()
	if rejected {
		return f.err()
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("smtptest: read data: %w", err)
	}
	if m := ss.s.arrive(); m != nil {
		<-m.met
	}
	msg := Message{From: ss.from, To: append([]string(nil), ss.to...), Data: data}
	if parsed, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		msg.Header = parsed.Header
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if len(ss.s.failData) > 0 {
		f := ss.s.failData[0]
		ss.s.failData = ss.s.failData[1:]
		return f.err()
	}
	ss.s.messages = append(ss.s.messages, msg)
	if ss.s.hangUps > 0 {
		ss.s.hangUps--
		ss.hangUp = true
	}
	return nil
}

// Reset runs after the DATA reply has been written, and on RSET.
func (ss *session) Reset() {
	ss.from, ss.to = "", nil
	if ss.hangUp {
		ss.hangUp = false
		_ = ss.conn.Conn().Close()
	}
}

func (ss *session) Logout() error { return nil }
