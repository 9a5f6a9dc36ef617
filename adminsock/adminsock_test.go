package adminsock

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// serve starts a server on a socket in a fresh folder answering "ok".
func serve(t *testing.T, path string) {
	t.Helper()
	srv, err := Listen(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok "+r.URL.Path)
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

func get(t *testing.T, path, url string) (string, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, err := Do(path, req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), nil
}

func TestSocketIsOwnerOnlyAndAnswers(t *testing.T) {
	// A permissive umask must not leak into the socket's mode.
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := Path(filepath.Join(t.TempDir(), "nhacviec.db"))
	serve(t, path)
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, want a socket with 0600", fi.Mode())
	}
	if body, err := get(t, path, BaseURL+"/backup"); err != nil || body != "ok /backup" {
		t.Errorf("GET through the socket = %q, %v", body, err)
	}
}

func TestSocketRemovedOnShutdown(t *testing.T) {
	path := Path(filepath.Join(t.TempDir(), "nhacviec.db"))
	srv, err := Listen(path, http.NotFoundHandler(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket still there after shutdown: %v", err)
	}
	_, err = get(t, path, BaseURL+"/x")
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), path) {
		t.Errorf("request to a stopped daemon: %v, want ErrNotRunning naming %s", err, path)
	}
}

func TestStaleSocketReplaced(t *testing.T) {
	path := Path(filepath.Join(t.TempDir(), "nhacviec.db"))
	// A socket file left by a daemon killed with -9: bound, never unlinked.
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	syscall.Close(fd)
	serve(t, path)
	if body, err := get(t, path, BaseURL+"/readback"); err != nil || body != "ok /readback" {
		t.Errorf("after a stale socket: %q, %v", body, err)
	}
}

func TestRefusesWhatIsNotASocket(t *testing.T) {
	path := Path(filepath.Join(t.TempDir(), "nhacviec.db"))
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(path, http.NotFoundHandler(), nil); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Error("the regular file was touched")
	}
}

func TestRefusesTooLongPath(t *testing.T) {
	path := "/tmp/" + strings.Repeat("d", 120) + "/nhacviec.db.sock"
	_, err := Listen(path, http.NotFoundHandler(), nil)
	if err == nil || !strings.Contains(err.Error(), "shorter path") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Listen on a long path: %v", err)
	}
}

func TestOwnerOnlyRefusesOtherUsers(t *testing.T) {
	h := ownerOnly(1000, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret") }), slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		peer int
		want int
	}{{1000, 200}, {0, 200}, {1001, 403}, {-1, 403}} {
		req := httptest.NewRequest(http.MethodGet, "/backup", nil)
		req = req.WithContext(context.WithValue(req.Context(), peerKey{}, tc.peer))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want || (tc.want == 403 && strings.Contains(rec.Body.String(), "secret")) {
			t.Errorf("peer uid %d: %d %q, want %d", tc.peer, rec.Code, rec.Body.String(), tc.want)
		}
	}
}

// TestOtherUserCannotConnect connects to a real socket as another user
// (nobody): the operating system refuses the connection.
func TestOtherUserCannotConnect(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to act as another user")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody:", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	// A folder everyone may traverse (t.TempDir's parent is owner-only):
	// only the socket's own mode keeps nobody out.
	dir, err := os.MkdirTemp("", "adminsock-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := Path(filepath.Join(dir, "nhacviec.db"))
	serve(t, path)

	// The file-system user id decides the permission check of connect(2);
	// changing it from root drops CAP_DAC_OVERRIDE. The thread is locked and
	// never unlocked, so it dies with the goroutine instead of serving others.
	res := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		syscall.Setfsuid(uid)
		fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
		if err != nil {
			res <- err
			return
		}
		defer syscall.Close(fd)
		res <- syscall.Connect(fd, &syscall.SockaddrUnix{Name: path})
	}()
	if err := <-res; !errors.Is(err, syscall.EACCES) {
		t.Errorf("connect as nobody: %v, want EACCES", err)
	}
	// The owner still gets in.
	if body, err := get(t, path, BaseURL+"/x"); err != nil || body != "ok /x" {
		t.Errorf("owner: %q, %v", body, err)
	}
}
