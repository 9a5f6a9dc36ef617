package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"

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
		console := notify.ConsoleNotifier{W: m.stdout}
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
			// runs on, its Telegram messages fall back to e-mail.
			log.Error("telegram unavailable: its messages will fall back to e-mail", "err", err)
			ch.notifiers[notify.ChannelTelegram] = unavailable{err: err}
		} else {
			ch.notifiers[notify.ChannelTelegram] = n
			ch.telegram = n
			log.Info("telegram connected", "bot", n.Username())
		}
		ch.enabled = append(ch.enabled, notify.ChannelTelegram)
	}
	return ch, nil
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

// unavailable stands for a channel that could not start: every message is a
// temporary failure, so the pipeline retries and falls back to e-mail.
type unavailable struct{ err error }

func (u unavailable) Notify(context.Context, *notify.Message) (bool, error) {
	return true, fmt.Errorf("channel unavailable: %w", u.err)
}
