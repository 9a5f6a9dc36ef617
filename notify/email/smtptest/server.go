// Package smtptest runs a real SMTP server in the test process, on
// 127.0.0.1, for tests of code that sends e-mail: STARTTLS (or implicit TLS)
// with a certificate generated at start, AUTH PLAIN, a record of every
// message received, injected failures, a restart on the same address and a
// count of connections. It is built on github.com/emersion/go-smtp.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Options configures a Server. The zero value offers STARTTLS and no AUTH.
type Options struct {
	// Username and Password, when set, make AUTH PLAIN required before MAIL.
	Username string
	Password string
	// NoTLS offers no STARTTLS, like a relay that only speaks clear text.
	// AUTH is then allowed without TLS.
	NoTLS bool
	// ImplicitTLS speaks TLS from the first byte, like port 465.
	ImplicitTLS bool
	// Debug, when set, receives the SMTP conversation.
	Debug io.Writer
}

// Server is an SMTP server listening on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	tb   testing.TB
	opts Options
	addr string
	tls  *tls.Config
	pool *x509.CertPool

	mu          sync.Mutex
	srv         *smtp.Server // nil while closed
	listener    net.Listener
	messages    []Message
	connections int
	failData    []failure
	hangUps     int
	rejectRcpt  map[string]failure
	meet        *meet // sessions held in DATA until enough are there, if any
}

// meet holds DATA until n sessions are in it at once (MeetInData).
type meet struct {
	n, in int
	met   chan struct{}
}

// MeetInData holds every DATA until n sessions are in DATA at the same
// time, then lets them all go, and the later ones without waiting: met
// is closed then. A test proves so that a client uses n connections at
// once without timing anything. Close lets the held sessions go too.
func (s *Server) MeetInData(n int) (met <-chan struct{}) {
	m := &meet{n: n, met: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meet = m
	return m.met
}

// arrive counts a session in DATA and returns the meeting it must wait
// for, nil when none.
func (s *Server) arrive() *meet {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.meet
	if m == nil {
		return nil
	}
	if m.in++; m.in >= m.n {
		close(m.met)
		s.meet = nil
	}
	return m
}

// failure is an injected SMTP error reply.
type failure struct{ code int }

func (f failure) err() *smtp.SMTPError {
	class := f.code / 100
	return &smtp.SMTPError{
		Code:         f.code,
		EnhancedCode: smtp.EnhancedCode{class, 0, 0},
		Message:      "Injected failure (smtptest)",
	}
}

// New starts a server on 127.0.0.1 at a free port and closes it when the
// test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	cert, pool, err := selfSigned()
	if err != nil {
		tb.Fatalf("smtptest: certificate: %v", err)
	}
	s := &Server{
		tb:         tb,
		opts:       opts,
		pool:       pool,
		tls:        &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		rejectRcpt: make(map[string]failure),
	}
	if err := s.listen("127.0.0.1:0"); err != nil {
		tb.Fatalf("smtptest: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func (s *Server) listen(addr string) error {
	var (
		l   net.Listener
		err error
	)
	if s.opts.ImplicitTLS {
		l, err = tls.Listen("tcp", addr, s.tls)
	} else {
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = "smtptest.localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0) // connections closed by Close are not news
	srv.Debug = s.opts.Debug
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	if !s.opts.NoTLS && !s.opts.ImplicitTLS {
		srv.TLSConfig = s.tls
	}
	srv.AllowInsecureAuth = s.opts.NoTLS
	s.mu.Lock()
	s.addr = l.Addr().String()
	s.srv, s.listener = srv, l
	s.mu.Unlock()
	go func() { _ = srv.Serve(&countingListener{Listener: l, s: s}) }()
	return nil
}

// Close stops the server: the listener and every open connection are
// closed. Messages received so far stay readable. Closing twice is a no-op.
func (s *Server) Close() error {
	s.mu.Lock()
	srv, l := s.srv, s.listener
	s.srv, s.listener = nil, nil
	if s.meet != nil {
		close(s.meet.met)
		s.meet = nil
	}
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// srv.Close alone misses a listener that Serve has not registered yet.
	lerr := l.Close()
	if err := srv.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("smtptest: close: %w", err)
	}
	if lerr != nil && !errors.Is(lerr, net.ErrClosed) {
		return fmt.Errorf("smtptest: close listener: %w", lerr)
	}
	return nil
}

// Restart listens again on the address of the first start, after Close:
// the server comes back up where clients expect it.
func (s *Server) Restart() {
	s.tb.Helper()
	if s.running() {
		s.tb.Fatalf("smtptest: Restart of a running server")
	}
	if err := s.listen(s.Addr()); err != nil {
		s.tb.Fatalf("smtptest: restart: %v", err)
	}
}

func (s *Server) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv != nil
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Host is the server's IP address, "127.0.0.1".
func (s *Server) Host() string {
	host, _, _ := net.SplitHostPort(s.Addr())
	return host
}

// Port is the server's TCP port.
func (s *Server) Port() int {
	_, port, _ := net.SplitHostPort(s.Addr())
	p, _ := strconv.Atoi(port)
	return p
}

// CertPool trusts the server's self-signed certificate, valid for
// 127.0.0.1, ::1 and localhost: give it to the client as its root CAs.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Connections is the number of connections accepted since New.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// Messages returns a copy of the messages received so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Count is the number of messages received: len(Messages()) without the
// copy, for loops that wait for a number.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// FailData makes the next n DATA commands answer code (451 for a
// temporary failure, 554 for a permanent one) after the message content;
// the messages are not recorded.
func (s *Server) FailData(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failData = append(s.failData, failure{code: code})
	}
}

// HangUpAfterData makes the next n accepted messages end their connection
// right after the "250" reply to DATA: the message is delivered and
// recorded, but the client's next command (RSET, QUIT) fails.
func (s *Server) HangUpAfterData(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUps += n
}

// RejectRcpt makes RCPT TO:<addr> answer code (550: no such mailbox) until
// AcceptRcpt. The address is compared exactly.
func (s *Server) RejectRcpt(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectRcpt[addr] = failure{code: code}
}

// AcceptRcpt undoes RejectRcpt.
func (s *Server) AcceptRcpt(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rejectRcpt, addr)
}

// countingListener counts accepted connections, before any SMTP command.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.connections++
		l.s.mu.Unlock()
	}
	return c, err
}
