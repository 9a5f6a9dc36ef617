package email

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"testing"

	mail "github.com/wneessen/go-mail"
)

func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name     string
		err      error
		code     int
		enhanced string
		temp     bool
	}{
		{"451 reply", &textproto.Error{Code: 451, Msg: "4.3.0 Try again later"}, 451, "4.3.0", true},
		{"421 greeting", fmt.Errorf("dial: %w", &textproto.Error{Code: 421, Msg: "Service not available"}), 421, "", true},
		{"535 auth", fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 Authentication failed"}), 535, "5.7.8", false},
		{"550 reply", &textproto.Error{Code: 550, Msg: "5.1.1 No such user"}, 550, "5.1.1", false},
		{"454 auth temporarily", &textproto.Error{Code: 454, Msg: "4.7.0 Temporary authentication failure"}, 454, "4.7.0", true},
		{"connection refused", fmt.Errorf("dial: %w", refused), 0, "", true},
		{"timeout", &net.DNSError{Err: "i/o timeout", IsTimeout: true}, 0, "", true},
		{"eof", fmt.Errorf("read: %w", io.EOF), 0, "", true},
		{"canceled", fmt.Errorf("%w: boom", context.Canceled), 0, "", true},
		{"deadline", context.DeadlineExceeded, 0, "", true},
		{"closed notifier", ErrClosed, 0, "", true},
		{"no connection", &mail.SendError{Reason: mail.ErrConnCheck}, 0, "", true},
		{"write failed", &mail.SendError{Reason: mail.ErrWriteContent}, 0, "", true},
		{"bad recipients", &mail.SendError{Reason: mail.ErrGetRcpts}, 0, "", false},
		{"unknown CA", fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), 0, "", false},
		{"no STARTTLS", errors.New(`STARTTLS mode set to: "TLSMandatory", but target host does not support STARTTLS`), 0, "", false},
		{"no address", errNoAddress, 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, enhanced, temp := classify(tc.err)
			if code != tc.code || enhanced != tc.enhanced || temp != tc.temp {
				t.Errorf("classify(%v) = %d %q %t, want %d %q %t", tc.err, code, enhanced, temp, tc.code, tc.enhanced, tc.temp)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	cause := fmt.Errorf("dial: %w", &textproto.Error{Code: 535, Msg: "5.7.8 bad credentials for hunter2"})
	e := newError("msg-1", "vp@sct.vn", cause, "hunter2")
	want := `email: message "msg-1" to vp@sct.vn: smtp 535 5.7.8: dial: 535 "5.7.8 bad credentials for [redacted]"`
	if e.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", e.Error(), want)
	}
	if e.Temporary || e.Code != 535 || !errors.Is(e, cause) {
		t.Errorf("error = %+v", e)
	}
	if noReply := newError("msg-2", "a@b", io.EOF, ""); strings.Contains(noReply.Error(), "smtp") || !noReply.Temporary {
		t.Errorf("error without reply = %q, temporary %t", noReply, noReply.Temporary)
	}
}
