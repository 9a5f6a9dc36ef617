// Package adminsock is the daemon's admin door: HTTP over a Unix domain
// socket that only the database's owner can reach.
//
// The CLI's commands that change state or read the database while the
// daemon holds it (done, invite, backup, snapshot reads) come through this
// door, never through a TCP port. Access is the operating system's: the
// socket is created with mode 0600 next to the database (itself the
// owner's), and every connection's peer credentials are checked against the
// daemon's user (root is also let in), so a local user, a local proxy or a
// web page in a browser on the server (DNS rebinding) cannot reach it.
package adminsock

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// Suffix is appended to the database path to name its admin socket.
const Suffix = ".sock"

// maxPath is the longest socket path the kernel accepts (sun_path less its
// terminating NUL).
const maxPath = 107

// Path is the admin socket of the database at dbPath.
func Path(dbPath string) string { return dbPath + Suffix }

// ShutdownTimeout bounds the wait for requests in flight once the server's
// context ends (a backup of a large database may take a few seconds).
const ShutdownTimeout = 10 * time.Second

// Server is a bound admin socket, not yet serving.
type Server struct {
	path string
	ln   *net.UnixListener
	srv  *http.Server
	log  *slog.Logger
}

// Listen creates the socket at path, owner-only, for h. A socket file left
// by a daemon that crashed is replaced: the caller holds the database's
// lock, so no other daemon can be serving it. Any other file at path is an
// error, as is a path too long for a Unix socket.
func Listen(path string, h http.Handler, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(path) > maxPath {
		return nil, fmt.Errorf("admin socket %s: the path is %d bytes, a Unix socket allows %d: move the database to a shorter path", path, len(path), maxPath)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("admin socket %s: a file that is not a socket is in the way", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("admin socket %s: remove the stale socket: %w", path, err)
		}
	}
	// The socket is born owner-only: no window in which another user could
	// connect before a chmod.
	old := syscall.Umask(0o177)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	uid := os.Getuid()
	return &Server{
		path: path,
		ln:   ln,
		srv: &http.Server{
			Handler:           ownerOnly(uid, h, log),
			ReadHeaderTimeout: 5 * time.Second,
			IdleTimeout:       60 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
			ConnContext: func(ctx context.Context, c net.Conn) context.Context {
				return context.WithValue(ctx, peerKey{}, peerUID(c))
			},
		},
		log: log,
	}, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Serve serves until ctx ends, then shuts down, letting requests in flight
// finish for up to ShutdownTimeout, and removes the socket file.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.log.Info("admin socket listening", "path", s.path)
	select {
	case err := <-errc:
		return fmt.Errorf("admin socket %s: %w", s.path, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if err != nil {
		_ = s.srv.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	_ = os.Remove(s.path) // the listener unlinks it too; a second remove is harmless
	if err != nil {
		return fmt.Errorf("admin socket %s: shut down: %w", s.path, err)
	}
	return nil
}

type peerKey struct{}

// peerUID is the user id of the process at the other end of c, or -1 when
// the kernel does not say.
func peerUID(c net.Conn) int {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return -1
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return -1
	}
	uid := -1
	_ = raw.Control(func(fd uintptr) {
		cred, err := syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
		if err == nil {
			uid = int(cred.Uid)
		}
	})
	return uid
}

// ownerOnly refuses requests from processes of other users than the
// daemon's (root excepted). The file mode already keeps them out; this is
// the second lock, for a socket whose mode someone loosened by hand.
func ownerOnly(uid int, h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, _ := r.Context().Value(peerKey{}).(int)
		if peer != uid && peer != 0 {
			log.Warn("admin socket: request from another user refused", "peer_uid", peer, "path", r.URL.Path)
			http.Error(w, "the admin socket serves the daemon's own user only", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Client returns an HTTP client whose every request goes to the admin
// socket at path, whatever the URL's host (use "http://nhacviec/…").
func Client(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
		DisableCompression: true,
	}}
}

// BaseURL is the URL prefix to use with Client.
const BaseURL = "http://nhacviec"

// ErrNotRunning means no daemon answers on the socket.
var ErrNotRunning = errors.New("no daemon answers on the admin socket")

// Do sends r through the admin socket at path. A socket that is missing or
// refuses connections is reported as ErrNotRunning, with the path.
func Do(path string, r *http.Request) (*http.Response, error) {
	resp, err := Client(path).Do(r)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w (%s): %v", ErrNotRunning, path, op.Err)
		}
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	return resp, nil
}
