package email

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"
)

// TLSMode says how the connection to the SMTP server is protected.
type TLSMode string

// TLS modes.
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and fails when
	// the server does not offer it (submission port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone sends in clear text; allowed only to a loopback host, such as
	// a local relay.
	TLSNone TLSMode = "none"
)

// AuthMechanism is the SASL mechanism used to log in to the SMTP server.
type AuthMechanism string

// Authentication mechanisms.
const (
	AuthPlain AuthMechanism = "plain"
	AuthLogin AuthMechanism = "login"
)

// Defaults applied by New to zero fields.
const (
	DefaultTimeout     = 15 * time.Second
	DefaultIdleTimeout = 30 * time.Second
	// DefaultConnections is a small pool, which a department's relay
	// accepts from one client.
	DefaultConnections = 3
)

// Config is the e-mail channel's configuration.
type Config struct {
	Host string
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int
	// TLS defaults to starttls.
	TLS TLSMode
	// Username and Password log in to the server; both empty means no AUTH.
	Username string
	Password string
	// Auth defaults to plain.
	Auth AuthMechanism
	// From is the sender's address; its domain also names Message-IDs and
	// calendar UIDs.
	From string
	// FromName is the sender's display name ("Văn phòng Sở Công Thương").
	FromName string
	// HelloName is the EHLO name; the machine's host name when empty.
	HelloName string
	// Timeout bounds dialing and each message's SMTP exchange.
	Timeout time.Duration
	// RootCAs verifies the server certificate instead of the system pool
	// (private CA, tests).
	RootCAs *x509.CertPool
	// ReuseConnection keeps connections open across Notify calls.
	ReuseConnection bool
	// Connections is the most connections open at once, one message at a
	// time on each: DefaultConnections when 0.
	Connections int
	// IdleTimeout closes a reused connection after this long unused.
	IdleTimeout time.Duration
}

// Validate reports every invalid field, each error naming its field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("email: %s: %s", field, fmt.Sprintf(format, args...)))
	}

	host := strings.TrimSpace(c.Host)
	switch {
	case host == "":
		bad("host", "required")
	case host != c.Host, strings.ContainsAny(host, " /\t\r\n"),
		strings.Contains(host, ":") && net.ParseIP(host) == nil:
		bad("host", "%q is not a host name or IP address (the port goes in port)", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("port", "%d is outside 1-65535", c.Port)
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit:
	case TLSNone:
		if host != "" && !isLoopback(host) {
			bad("tls", `"none" is allowed only for a loopback host, not %q: use starttls or tls`, c.Host)
		}
	default:
		bad("tls", "%q is not one of starttls, tls, none", c.TLS)
	}
	switch {
	case c.Username == "" && c.Password != "":
		bad("username", "required when a password is set")
	case c.Username != "" && c.Password == "":
		bad("password", "required when a username is set")
	}
	switch c.Auth {
	case "", AuthPlain, AuthLogin:
	default:
		bad("auth", "%q is not one of plain, login", c.Auth)
	}
	if c.From == "" {
		bad("from", "required")
	} else if a, err := mail.ParseAddress(c.From); err != nil || a.Address != c.From || a.Name != "" {
		bad("from", "%q is not a bare e-mail address", c.From)
	}
	if strings.ContainsAny(c.FromName, "\r\n") {
		bad("from_name", "must be one line")
	}
	if strings.ContainsAny(c.HelloName, " \t\r\n") {
		bad("hello_name", "%q must be a host name without spaces", c.HelloName)
	}
	if c.Timeout < 0 {
		bad("timeout", "%s is negative", c.Timeout)
	}
	if c.IdleTimeout < 0 {
		bad("idle_timeout", "%s is negative", c.IdleTimeout)
	}
	if c.Connections < 0 || c.Connections > 100 {
		bad("connections", "%d is outside 1-100", c.Connections)
	}
	return errors.Join(errs...)
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSImplicit:
			c.Port = 465
		case TLSNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.Auth == "" {
		c.Auth = AuthPlain
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.Connections == 0 {
		c.Connections = DefaultConnections
	}
	return c
}

// domain is the part of From after the '@', naming Message-IDs and UIDs.
func (c Config) domain() string {
	_, d, ok := strings.Cut(c.From, "@")
	if !ok || d == "" {
		return "localhost"
	}
	return strings.ToLower(d)
}

// String describes c without its password, so that printing a Config with
// %v or %+v never leaks the secret.
func (c Config) String() string {
	return fmt.Sprintf("email.Config{Host:%s Port:%d TLS:%s Username:%s Password:%s From:%s ReuseConnection:%t}",
		c.Host, c.Port, c.TLS, c.Username, redacted(c.Password), c.From, c.ReuseConnection)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is c for log/slog, without its password.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("tls", string(c.TLS)),
		slog.String("username", c.Username),
		slog.String("password", redacted(c.Password)),
		slog.String("from", c.From),
		slog.Bool("reuse_connection", c.ReuseConnection),
	)
}

func redacted(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// isLoopback reports whether host names this machine: "localhost" or a
// loopback IP address. No other name is resolved, so a DNS answer cannot
// turn a remote host into an allowed clear-text target.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
