package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	netsmtp "net/smtp"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const rawMessage = "From: a@x.vn\r\n" +
	"To: b@x.vn\r\n" +
	"Subject: =?UTF-8?q?Nh=E1=BA=AFc_vi=E1=BB=87c?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=OUT\r\n" +
	"\r\n" +
	"--OUT\r\n" +
	"Content-Type: multipart/alternative; boundary=IN\r\n" +
	"\r\n" +
	"--IN\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"H=E1=BA=A1n <31/12> & =\r\nxong\r\n" +
	"--IN\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"\r\n" +
	"<p>H&#7841;n</p>\r\n" +
	"--IN--\r\n" +
	"--OUT\r\n" +
	"Content-Type: text/calendar; charset=utf-8; method=PUBLISH\r\n" +
	"Content-Disposition: attachment; filename=\"han.ics\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"QkVHSU46VkNB\r\nTEVOREFSDQo=\r\n" +
	"--OUT--\r\n"

// send delivers rawMessage with STARTTLS and, when user is set, AUTH PLAIN.
func send(t *testing.T, s *Server, user, pass, to string) error {
	t.Helper()
	c, err := smtp.DialStartTLS(s.Addr(), &tls.Config{RootCAs: s.CertPool(), ServerName: s.Host()})
	if err != nil {
		return err
	}
	defer c.Close()
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			return err
		}
	}
	return c.SendMail("a@x.vn", []string{to}, strings.NewReader(rawMessage))
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestServerRecordsAndDecodes(t *testing.T) {
	s := New(t, Options{Username: "u", Password: "p"})
	if err := send(t, s, "u", "p", "b@x.vn"); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("recorded %d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@x.vn" || strings.Join(m.To, ",") != "b@x.vn" || m.Subject() != "Nhắc việc" {
		t.Errorf("message = from %q to %q subject %q", m.From, m.To, m.Subject())
	}
	parts, err := m.Parts()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ typ, body, file string }{
		{"text/plain", "Hạn <31/12> & xong", ""},
		{"text/html", "<p>H&#7841;n</p>", ""},
		{"text/calendar", "BEGIN:VCALENDAR\r\n", "han.ics"},
	}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts, want %d", len(parts), len(want))
	}
	for i, w := range want {
		p := parts[i]
		if p.ContentType != w.typ || string(p.Body) != w.body || p.Filename != w.file {
			t.Errorf("part %d = %s %q %q, want %s %q %q", i, p.ContentType, p.Body, p.Filename, w.typ, w.body, w.file)
		}
	}
	if p, err := m.Part("TEXT/CALENDAR"); err != nil || p.Params["method"] != "PUBLISH" {
		t.Errorf("Part(text/calendar) = %v, %v", p.Params, err)
	}
	if _, err := m.Part("image/png"); !errors.Is(err, errNoPart) {
		t.Errorf("Part(image/png) error = %v", err)
	}
}

func TestServerAuth(t *testing.T) {
	s := New(t, Options{Username: "u", Password: "p"})
	for _, tc := range []struct {
		name, user, pass string
		code             int
	}{
		{"wrong password", "u", "wrong", 535},
		{"wrong user", "x", "p", 535},
		{"no auth", "", "", 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := smtpCode(send(t, s, tc.user, tc.pass, "b@x.vn")); got != tc.code {
				t.Errorf("code = %d, want %d", got, tc.code)
			}
		})
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("recorded %d messages without valid AUTH", n)
	}
}

func TestServerInjectedFailures(t *testing.T) {
	s := New(t, Options{})
	s.FailData(2, 451)
	s.RejectRcpt("nobody@x.vn", 550)
	for i, want := range []int{451, 451, 0} {
		if got := smtpCode(send(t, s, "", "", "b@x.vn")); got != want {
			t.Errorf("send %d: code %d, want %d", i+1, got, want)
		}
	}
	if got := smtpCode(send(t, s, "", "", "nobody@x.vn")); got != 550 {
		t.Errorf("rejected recipient: code %d, want 550", got)
	}
	s.AcceptRcpt("nobody@x.vn")
	if err := send(t, s, "", "", "nobody@x.vn"); err != nil {
		t.Errorf("after AcceptRcpt: %v", err)
	}
	if n := len(s.Messages()); n != 2 {
		t.Errorf("recorded %d messages, want 2", n)
	}
	if n := s.Connections(); n != 5 {
		t.Errorf("counted %d connections, want 5", n)
	}
}

func TestServerRestartOnSameAddress(t *testing.T) {
	s := New(t, Options{})
	addr := s.Addr()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := send(t, s, "", "", "b@x.vn"); err == nil {
		t.Fatal("send to a closed server succeeded")
	}
	s.Restart()
	if s.Addr() != addr {
		t.Errorf("restarted on %s, want %s", s.Addr(), addr)
	}
	if err := send(t, s, "", "", "b@x.vn"); err != nil {
		t.Fatalf("send after restart: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("recorded %d messages", n)
	}
}

func TestServerNoTLS(t *testing.T) {
	s := New(t, Options{NoTLS: true})
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("NoTLS server offers STARTTLS")
	}
}

func TestServerHangUpAfterData(t *testing.T) {
	s := New(t, Options{})
	s.HangUpAfterData(1)
	c, err := smtp.DialStartTLS(s.Addr(), &tls.Config{RootCAs: s.CertPool(), ServerName: s.Host()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("a@x.vn", []string{"b@x.vn"}, strings.NewReader(rawMessage)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	if err := c.Reset(); err == nil {
		t.Error("RSET after the hang-up succeeded")
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("recorded %d messages, want 1", n)
	}
}

// TestMeetInData: three clients sending at once all reach DATA before any
// is answered, then all are.
func TestMeetInData(t *testing.T) {
	s := New(t, Options{NoTLS: true})
	met := s.MeetInData(3)
	errs := make(chan error, 3)
	for i := range 3 {
		go func() {
			errs <- netsmtp.SendMail(s.Addr(), nil, "a@x.vn", []string{fmt.Sprintf("b%d@x.vn", i)}, []byte(rawMessage))
		}()
	}
	for range 3 {
		err := <-errs
		select {
		case <-met: // closed before any DATA is answered
		default:
			t.Fatalf("a client ended before all three were in DATA: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Count(); n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
}
