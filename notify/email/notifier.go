// Package email is the e-mail channel: it renders a notify.Message as a
// Vietnamese e-mail (plain text, HTML alternative and an iCalendar file of
// the deadlines) and delivers it over SMTP with go-mail, saying whether a
// failure is worth retrying.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sct-langson/nhacviec/notify"
)

// Notifier delivers messages by e-mail. It implements notify.Notifier and is
// safe for concurrent use: up to Config.Connections calls deliver at once,
// each on its own connection; with Config.ReuseConnection the connections
// stay open between calls.
type Notifier struct {
	cfg    Config
	client *mail.Client // settings only: connections are dialed per session
	render *renderer
	log    *slog.Logger
	now    func() time.Time

	slots chan struct{} // one per connection in use: Connections at most

	mu     sync.Mutex // guards the fields below
	idle   []pooled   // pooled connections waiting, the most recent last
	timer  *time.Timer
	closed bool
}

var _ notify.Notifier = (*Notifier)(nil)

// Option changes a Notifier built by New.
type Option func(*Notifier)

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(n *Notifier) {
		if l != nil {
			n.log = l
		}
	}
}

// WithClock sets the clock, used for the Date header of messages without
// At and to expire an idle connection; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(n *Notifier) {
		if now != nil {
			n.now = now
		}
	}
}

// Result is the outcome of one message of NotifyBatch, as Notify would
// have returned it.
type Result struct {
	Retry bool
	Err   error
}

// New validates cfg, fills in its defaults and returns a Notifier. It does
// not connect: the first message does.
func New(cfg Config, opts ...Option) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	r, err := newRenderer(cfg)
	if err != nil {
		return nil, err
	}
	client, err := mail.NewClient(cfg.Host, clientOptions(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("email: smtp client for %s: %w", cfg.Host, err)
	}
	n := &Notifier{
		cfg: cfg, client: client, render: r, slots: make(chan struct{}, cfg.Connections),
		log: slog.New(slog.DiscardHandler),
		now: time.Now,
	}
	for _, opt := range opts {
		opt(n)
	}
	return n, nil
}

func clientOptions(cfg Config) []mail.Option {
	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTimeout(cfg.Timeout),
		mail.WithTLSConfig(&tls.Config{
			ServerName: cfg.Host,
			RootCAs:    cfg.RootCAs,
			MinVersion: tls.VersionTLS12,
		}),
	}
	switch cfg.TLS {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if cfg.Username != "" {
		// Validate allows clear text (TLSNone) only to a loopback host.
		clear := cfg.TLS == TLSNone
		var auth mail.SMTPAuthType
		switch {
		case cfg.Auth == AuthLogin && clear:
			auth = mail.SMTPAuthLoginNoEnc
		case cfg.Auth == AuthLogin:
			auth = mail.SMTPAuthLogin
		case clear:
			auth = mail.SMTPAuthPlainNoEnc
		default:
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	if cfg.HelloName != "" {
		opts = append(opts, mail.WithHELO(cfg.HelloName))
	}
	return opts
}

// Notify delivers m to m.To.Email. On failure the error is an *Error and
// retry reports whether it is temporary: a 4xx reply, a network failure or
// a timeout. A message the server accepted counts as delivered even if the
// exchange failed afterwards.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (retry bool, err error) {
	r := n.NotifyBatch(ctx, []*notify.Message{m})[0]
	return r.Retry, r.Err
}

// NotifyBatch delivers ms over one connection, in order, and returns one
// Result per message at the same index. A message that fails does not stop
// the others; a connection that breaks is dialed again once per batch.
func (n *Notifier) NotifyBatch(ctx context.Context, ms []*notify.Message) []Result {
	results := make([]Result, len(ms))
	jobs := make([]job, 0, len(ms))
	for i, m := range ms {
		if m == nil {
			results[i] = n.result(&notify.Message{}, fmt.Errorf("message %d of the batch is nil", i))
			continue
		}
		msg, err := n.render.render(m, n.now())
		if err != nil {
			results[i] = n.result(m, err)
			continue
		}
		jobs = append(jobs, job{index: i, m: m, msg: msg})
	}
	if len(jobs) == 0 {
		return results
	}

	s, err := n.acquire(ctx)
	if err != nil {
		for _, j := range jobs {
			results[j.index] = n.result(j.m, err)
		}
		return results
	}
	defer n.release(s)
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			results[j.index] = n.result(j.m, err)
			continue
		}
		err := n.deliver(ctx, s, j.msg)
		if err == nil {
			n.log.Debug("email: delivered", "id", j.m.ID, "to", j.m.To.Email)
		}
		results[j.index] = n.result(j.m, err)
	}
	return results
}

// job is one rendered message of a batch.
type job struct {
	index int
	m     *notify.Message
	msg   *mail.Msg
}

// result turns a delivery error into what Notify returns.
func (n *Notifier) result(m *notify.Message, err error) Result {
	if err == nil {
		return Result{}
	}
	e := newError(m.ID, m.To.Email, err, n.cfg.Password)
	return Result{Retry: e.Temporary, Err: e}
}

// Close closes the pooled connections. Later calls to Notify fail with
// ErrClosed.
func (n *Notifier) Close() error {
	n.mu.Lock()
	n.closed = true
	if n.timer != nil {
		n.timer.Stop()
		n.timer = nil
	}
	idle := n.idle
	n.idle = nil
	n.mu.Unlock()
	var errs []error
	for _, p := range idle {
		if err := n.quit(p.sc); err != nil {
			errs = append(errs, fmt.Errorf("email: close connection to %s: %w", n.client.ServerAddr(), err))
		}
	}
	return errors.Join(errs...)
}
