package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email"
	"github.com/sct-langson/nhacviec/notify/telegram"
)

// channels are the notifiers of the configured channels, and what to close
// when the daemon stops.
type channels struct {
	notifiers map[string]notify.Notifier
	enabled   []string // nil: console mode, every channel printed
	telegram  *telegram.Notifier
	closers   []func() error
	// late stands for Telegram when it could not start; startLate keeps
	// trying, with the settings in lateConfig.
	late       *lateChannel
	lateConfig telegram.Config
	lateOpts   []telegram.Option
}

func (c *channels) Close() error {
	var errs []error
	for _, f := range c.closers {
		errs = append(errs, f())
	}
	return errors.Join(errs...)
}

// openChannels builds the notifiers the config names. With no channel
// configured every message is printed to stdout as it would be delivered
// (the console channel), so the example config runs without credentials.
func (m *Main) openChannels(ctx context.Context, cfg *config.Config, log *slog.Logger, links email.LinkFunc, opts ...telegram.Option) (*channels, error) {
	ch := &channels{notifiers: map[string]notify.Notifier{}}
	if !cfg.EmailEnabled() && !cfg.TelegramEnabled() {
		console := &notify.ConsoleNotifier{W: m.stdout}
		for _, name := range []string{notify.ChannelEmail, notify.ChannelTelegram, notify.ChannelConsole} {
			ch.notifiers[name] = console
		}
		log.Info("no channel configured: messages are printed to stdout")
		return ch, nil
	}
	if cfg.EmailEnabled() {
		n, err := m.emailNotifier(cfg, log, links)
		if err != nil {
			return nil, err
		}
		ch.notifiers[notify.ChannelEmail] = n
		ch.enabled = append(ch.enabled, notify.ChannelEmail)
		ch.closers = append(ch.closers, n.Close)
	}
	if cfg.TelegramEnabled() {
		tc, err := m.telegramConfig(cfg)
		if err != nil {
			ch.Close()
			return nil, err
		}
		n, err := telegram.New(ctx, tc, log, opts...)
		if err != nil {
			// Telegram may be unreachable (blocked in Vietnam): the daemon
			// runs on and keeps trying; meanwhile its Telegram messages
			// wait, then fall back to e-mail.
			log.Error("telegram unavailable: trying again in the background; meanwhile its messages wait, then fall back to e-mail", "err", err)
			ch.late = &lateChannel{err: err}
			ch.lateConfig, ch.lateOpts = tc, opts
			ch.notifiers[notify.ChannelTelegram] = ch.late
		} else {
			ch.notifiers[notify.ChannelTelegram] = n
			ch.telegram = n
			log.Info("telegram connected", "bot", n.Username())
		}
		ch.enabled = append(ch.enabled, notify.ChannelTelegram)
	}
	return ch, nil
}

// emailLanes is how many e-mail recipients the pipeline serves at once:
// one per connection of the pool, and one more that renders its message
// while the others send.
func emailLanes(cfg *config.Config) int {
	c := cfg.Email.Connections
	if c <= 0 {
		c = email.DefaultConnections
	}
	return c + 1
}

func (m *Main) emailNotifier(cfg *config.Config, log *slog.Logger, links email.LinkFunc) (*email.Notifier, error) {
	e := cfg.Email
	password, err := cfg.Secret("email.password", e.PasswordEnv, e.PasswordFile, m.getenv)
	if err != nil {
		return nil, err
	}
	reuse := e.ReuseConnection == nil || *e.ReuseConnection
	roots := m.rootCAs
	if e.CAFile != "" {
		pem, err := os.ReadFile(cfg.Resolve(e.CAFile))
		if err != nil {
			return nil, fmt.Errorf("email.ca_file: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email.ca_file: %s holds no PEM certificate", e.CAFile)
		}
	}
	ec := email.Config{
		Host: e.Host, Port: e.Port, TLS: email.TLSMode(e.TLS), Username: e.Username, Password: password,
		From: e.From, FromName: e.FromName, ReuseConnection: reuse, Connections: e.Connections, Timeout: config.Duration(e.Timeout, 0),
		RootCAs: roots,
	}
	opts := []email.Option{email.WithLogger(log), email.WithClock(m.now)}
	if links != nil {
		opts = append(opts, email.WithLinks(links))
	}
	n, err := email.New(ec, opts...)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	return n, nil
}

func (m *Main) telegramConfig(cfg *config.Config) (telegram.Config, error) {
	t := cfg.Telegram
	token, err := cfg.Secret("telegram.token", t.TokenEnv, t.TokenFile, m.getenv)
	if err != nil {
		return telegram.Config{}, err
	}
	proxy := t.Proxy
	if t.ProxyEnv != "" {
		if proxy = m.getenv(t.ProxyEnv); proxy == "" {
			return telegram.Config{}, fmt.Errorf("telegram.proxy_env: environment variable %s is empty or unset", t.ProxyEnv)
		}
	}
	return telegram.Config{Token: token, APIEndpoint: t.APIEndpoint, FileEndpoint: t.FileEndpoint, Proxy: proxy,
		Timeout: config.Duration(t.Timeout, 0)}, nil
}

// lateChannel stands for a channel that could not start: until it is set,
// every message is a temporary failure of an unavailable server, so that
// the pipeline keeps it waiting (then falls back to e-mail); once set, it
// is the channel's notifier.
type lateChannel struct {
	mu  sync.Mutex
	n   notify.Notifier
	err error
}

func (l *lateChannel) get() (notify.Notifier, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.err
}

func (l *lateChannel) set(n notify.Notifier) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n = n
}

func (l *lateChannel) Notify(ctx context.Context, m *notify.Message) (bool, error) {
	n, err := l.get()
	if n == nil {
		return true, unavailableError{err}
	}
	return n.Notify(ctx, m)
}

// Probe answers for the channel once it started.
func (l *lateChannel) Probe(ctx context.Context) error {
	n, err := l.get()
	if n == nil {
		return unavailableError{err}
	}
	if p, ok := n.(notify.Prober); ok {
		return p.Probe(ctx)
	}
	return nil
}

// unavailableError is the failure of a channel that did not start.
type unavailableError struct{ err error }

func (e unavailableError) Error() string     { return "channel unavailable: " + e.err.Error() }
func (e unavailableError) Unwrap() error     { return e.err }
func (e unavailableError) Unavailable() bool { return true }

// Backoff of the attempts to start a channel that could not start.
const (
	lateFirst = 2 * time.Second
	lateMax   = time.Minute
)

// startLate tries to start Telegram until it answers or ctx ends, after
// lateFirst, then twice as long each time, at most lateMax, and calls up
// with the started notifier.
func (c *channels) startLate(ctx context.Context, log *slog.Logger, up func(*telegram.Notifier)) {
	delay := lateFirst
	for {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		n, err := telegram.New(ctx, c.lateConfig, log, c.lateOpts...)
		if err == nil {
			c.late.set(n)
			log.Info("telegram connected: the channel is in service", "bot", n.Username())
			up(n)
			return
		}
		if ctx.Err() != nil {
			return
		}
		delay = min(2*delay, lateMax)
		log.Warn("telegram still unavailable", "err", err, "next_try", delay)
	}
}
