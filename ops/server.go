package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultAddr is where the operations listener binds when no address is
// configured: loopback only, since /metrics tells who is late on what.
// Binding another address (":9464", a LAN address) is the admin's explicit
// choice, for a Prometheus on another host or a container's port mapping.
const DefaultAddr = "127.0.0.1:9464"

// ShutdownTimeout bounds the wait for in-flight requests once the
// listener's context ends; scrapes and probes are short.
const ShutdownTimeout = 5 * time.Second

// Server is a bound operations listener, not yet serving.
type Server struct {
	ln  net.Listener
	srv *http.Server
	log *slog.Logger
}

// Listen binds addr (DefaultAddr when empty) for h. A port already taken is
// an error here, before anything runs. Serve must be called once to serve
// and eventually release the port.
func Listen(addr string, h http.Handler, log *slog.Logger) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ops: listen on %s: %w", addr, err)
	}
	return &Server{
		ln: ln,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		log: log,
	}, nil
}

// Addr is the bound address, with the actual port when ":0" was asked for.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until ctx ends, then shuts down gracefully: the port is
// released at once and requests in flight get up to ShutdownTimeout to
// finish. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.log.Info("ops listener started", "addr", s.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve on %s: %w", s.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		_ = s.srv.Close()
		<-errc
		return fmt.Errorf("ops: shut down listener on %s: %w", s.Addr(), err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ops: serve on %s: %w", s.Addr(), err)
	}
	s.log.Info("ops listener stopped", "addr", s.Addr())
	return nil
}

// Serve binds addr (DefaultAddr when empty) and serves h until ctx ends,
// as Listen followed by Server.Serve. A port already taken returns an error
// at once.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	s, err := Listen(addr, h, log)
	if err != nil {
		return err
	}
	return s.Serve(ctx)
}
