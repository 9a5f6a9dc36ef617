package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// ErrClosed is returned by Notify after Close. It is temporary: the message
// stays in the outbox for the next run.
var ErrClosed = errors.New("email: notifier closed")

// Error is a failed delivery of one message. Match it with errors.As to read
// the SMTP reply; Unwrap gives the underlying cause.
type Error struct {
	MessageID string // notify.Message.ID
	Recipient string // envelope recipient address
	// Code is the SMTP reply code (451, 550), 0 when the server gave none
	// (network failure, refused connection, TLS failure).
	Code int
	// EnhancedCode is the RFC 3463 status ("5.1.1"), when the server sent one.
	EnhancedCode string
	// Temporary reports a failure worth retrying later.
	Temporary bool
	detail    string // err's text with the password removed
	err       error
}

// Unavailable reports a failure of the server rather than of the message:
// no reply at all (refused connection, network, TLS) or 421 (service not
// available). The pipeline then probes the server and sends what waits as
// soon as it answers.
func (e *Error) Unavailable() bool {
	return e.Temporary && (e.Code == 0 || e.Code == 421)
}

// Error names the message, the recipient and the SMTP reply.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "email: message %q to %s: ", e.MessageID, e.Recipient)
	if e.Code != 0 {
		fmt.Fprintf(&b, "smtp %d", e.Code)
		if e.EnhancedCode != "" {
			fmt.Fprintf(&b, " %s", e.EnhancedCode)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.detail)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.err }

// newError classifies err for the message id sent to rcpt. secret, when not
// empty, is cut out of the text: a server that echoes what it was sent must
// not put the password into a log line.
func newError(id, rcpt string, err error, secret string) *Error {
	code, enhanced, temp := classify(err)
	detail := err.Error()
	if secret != "" {
		detail = strings.ReplaceAll(detail, secret, "[redacted]")
	}
	return &Error{
		MessageID: id, Recipient: rcpt,
		Code: code, EnhancedCode: enhanced, Temporary: temp,
		detail: detail, err: err,
	}
}

// classify finds the SMTP reply code in err and says whether the failure is
// temporary. go-mail's own IsTemp only looks for a leading '4' in the text,
// so a refused connection or a timeout would read as permanent; here a reply
// decides by its class, and a failure without a reply by its type.
func classify(err error) (code int, enhanced string, temporary bool) {
	var se *mail.SendError
	if errors.As(err, &se) {
		// SendError keeps its causes to itself (no Unwrap): rely on the code
		// it parsed, and on the step that failed when there is none.
		if c := se.ErrorCode(); c != 0 {
			return c, se.EnhancedStatusCode(), c/100 == 4
		}
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			return 0, "", false // the message itself is wrong
		default:
			return 0, "", true // the connection broke during the exchange
		}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, enhancedCode(te.Msg), te.Code/100 == 4
	}
	return 0, "", temporaryCause(err)
}

// temporaryCause decides for a failure that carries no SMTP reply.
func temporaryCause(err error) bool {
	var (
		verifyErr  *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		recordErr  tls.RecordHeaderError
		alertErr   tls.AlertError
		netErr     net.Error
	)
	switch {
	case errors.Is(err, ErrClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &verifyErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recordErr), errors.As(err, &alertErr):
		// A certificate or protocol mismatch needs a person to fix the
		// configuration; retrying will not help.
		return false
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.Is(err, mail.ErrNoActiveConnection):
		return true
	default:
		// Unknown failures (no STARTTLS offered, AUTH mechanism missing) come
		// from the configuration: permanent, so they surface at once.
		return false
	}
}

var enhancedCodeRE = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// enhancedCode extracts "5.7.8" from a reply text such as
// "5.7.8 Authentication failed".
func enhancedCode(msg string) string {
	return enhancedCodeRE.FindString(strings.TrimSpace(msg))
}
