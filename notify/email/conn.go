package email

import (
	"context"
	"errors"
	"fmt"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// session is one run of messages over one connection: a whole batch, or a
// single Notify. It holds one of the Connections slots from acquire to
// release; with ReuseConnection it starts from a pooled connection and
// gives it back at the end.
type session struct {
	sc      *smtp.Client
	dialErr error // the dial of this session failed: do not hammer the server
}

// pooled is a connection waiting for its next message.
type pooled struct {
	sc *smtp.Client
	at time.Time // last used, by the injected clock
}

// acquire starts a session once one of the Connections slots is free (or
// ctx ends). With ReuseConnection it takes the most recently used pooled
// connection, closing those idle too long.
func (n *Notifier) acquire(ctx context.Context) (*session, error) {
	select {
	case n.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		<-n.slots
		return nil, ErrClosed
	}
	s := &session{}
	var stale []*smtp.Client
	for len(n.idle) > 0 && s.sc == nil {
		p := n.idle[len(n.idle)-1]
		n.idle = n.idle[:len(n.idle)-1]
		if n.now().Sub(p.at) >= n.cfg.IdleTimeout {
			// The timer did not run yet (or the machine slept): the server
			// has likely dropped the connection already.
			stale = append(stale, p.sc)
			continue
		}
		s.sc = p.sc
	}
	n.mu.Unlock()
	for _, sc := range stale {
		n.log.Debug("email: idle connection expired", "server", n.client.ServerAddr())
		_ = n.quit(sc)
	}
	return s, nil
}

// release ends a session: the connection goes back to the pool with
// ReuseConnection, and is closed otherwise.
func (n *Notifier) release(s *session) {
	defer func() { <-n.slots }()
	if s.sc == nil {
		return
	}
	n.mu.Lock()
	if !n.cfg.ReuseConnection || n.closed {
		n.mu.Unlock()
		_ = n.quit(s.sc)
		return
	}
	n.idle = append(n.idle, pooled{sc: s.sc, at: n.now()})
	if n.timer == nil {
		n.timer = time.AfterFunc(n.cfg.IdleTimeout, n.expire)
	}
	n.mu.Unlock()
}

// expire closes the pooled connections unused for IdleTimeout, and looks
// again later while some remain.
func (n *Notifier) expire() {
	n.mu.Lock()
	n.timer = nil
	var old []*smtp.Client
	keep := n.idle[:0]
	for _, p := range n.idle {
		if n.now().Sub(p.at) >= n.cfg.IdleTimeout {
			old = append(old, p.sc)
		} else {
			keep = append(keep, p)
		}
	}
	n.idle = keep
	if len(n.idle) > 0 && !n.closed {
		n.timer = time.AfterFunc(n.cfg.IdleTimeout, n.expire)
	}
	n.mu.Unlock()
	for _, sc := range old {
		n.log.Debug("email: closing idle connection", "server", n.client.ServerAddr())
		_ = n.quit(sc)
	}
}

// dial opens a connection: TCP or TLS, EHLO, STARTTLS, AUTH.
func (n *Notifier) dial(ctx context.Context, s *session) error {
	if s.dialErr != nil {
		return s.dialErr
	}
	sc, err := n.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		s.dialErr = fmt.Errorf("dial %s: %w", n.client.ServerAddr(), err)
		return s.dialErr
	}
	s.sc = sc
	n.log.Debug("email: connected", "server", n.client.ServerAddr())
	return nil
}

// drop closes a connection that is no longer usable.
func (s *session) drop() {
	if s.sc != nil {
		_ = s.sc.Close()
	}
	s.sc = nil
}

// deliver sends msg over the session's connection, dialing when needed.
func (n *Notifier) deliver(ctx context.Context, s *session, msg *mail.Msg) error {
	dialed := false
	if s.sc == nil {
		if err := n.dial(ctx, s); err != nil {
			return err
		}
		dialed = true
	}
	err := n.transmit(ctx, s.sc, msg)
	if err != nil && !dialed && isConnCheck(err) && ctx.Err() == nil {
		// The connection died since its last message (server restart, idle
		// timeout on its side): nothing was sent, so dial again at once.
		n.log.Debug("email: connection is gone, dialing again", "server", n.client.ServerAddr())
		s.drop()
		if err := n.dial(ctx, s); err != nil {
			return err
		}
		err = n.transmit(ctx, s.sc, msg)
	}
	if msg.IsDelivered() {
		if err != nil {
			// The server took the message; a failure after that (RSET)
			// must not make the pipeline send it twice.
			n.log.Warn("email: delivered, but the connection failed afterwards",
				"server", n.client.ServerAddr(), "err", err)
			s.drop()
		}
		return nil
	}
	if code, _, _ := classify(err); err != nil && (code == 0 || code == 421) {
		s.drop() // broken or closing (421): the next message dials again
	}
	return err
}

// transmit runs the SMTP exchange for msg. Cancelling ctx closes the
// connection, which stops a send stuck on a slow server before Timeout.
func (n *Notifier) transmit(ctx context.Context, sc *smtp.Client, msg *mail.Msg) error {
	stop := context.AfterFunc(ctx, func() { _ = sc.Text.Close() })
	err := n.client.SendWithSMTPClient(sc, msg)
	stop()
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// quit ends a healthy connection politely, and closes it anyway.
func (n *Notifier) quit(sc *smtp.Client) error {
	err := n.client.CloseWithSMTPClient(sc)
	if err != nil {
		_ = sc.Close()
	}
	return err
}

// isConnCheck reports a failure of the NOOP that go-mail sends before each
// message: the connection was dead before anything was sent.
func isConnCheck(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.Reason == mail.ErrConnCheck
}

// Probe tells whether the server answers: it connects (TLS and AUTH as
// configured) and says goodbye. The connection joins the pool when
// connections are reused.
func (n *Notifier) Probe(ctx context.Context) error {
	s, err := n.acquire(ctx)
	if err != nil {
		return err
	}
	defer n.release(s)
	if s.sc != nil {
		if err := s.sc.Noop(); err == nil {
			return nil
		}
		s.drop()
	}
	return n.dial(ctx, s)
}
