package ops

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestServe(t *testing.T) {
	s, err := Listen("127.0.0.1:0", Handler(HandlerConfig{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if host, port, _ := net.SplitHostPort(addr); host != "127.0.0.1" || port == "0" {
		t.Fatalf("Addr() = %q, want 127.0.0.1 with a real port", addr)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()

	if code, body := get(t, "http://"+addr+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel = %v, want nil", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Serve returned", addr)
	}
}

// A request in flight when ctx ends is answered, not cut off.
func TestServeGraceful(t *testing.T) {
	entered := make(chan struct{})
	shuttingDown := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-shuttingDown
		io.WriteString(w, "finished")
	})
	s, err := Listen("127.0.0.1:0", h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.srv.RegisterOnShutdown(func() { close(shuttingDown) })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()

	type reply struct {
		code int
		body string
		err  error
	}
	got := make(chan reply, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/slow")
		if err != nil {
			got <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- reply{resp.StatusCode, string(body), err}
	}()
	<-entered
	cancel()
	if r := <-got; r.err != nil || r.code != http.StatusOK || r.body != "finished" {
		t.Errorf("in-flight request = %d %q %v, want 200 \"finished\"", r.code, r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func TestServePortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()

	// ctx never ends: only a bind error lets Serve return.
	err = Serve(t.Context(), addr, Handler(HandlerConfig{}), nil)
	if err == nil {
		t.Fatal("Serve on a taken port returned nil")
	}
	if want := "ops: listen on " + addr + ":"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
}

func TestListenDefaultAddr(t *testing.T) {
	if DefaultAddr != "127.0.0.1:9464" {
		t.Errorf("DefaultAddr = %q", DefaultAddr)
	}
	if host, _, _ := net.SplitHostPort(DefaultAddr); !net.ParseIP(host).IsLoopback() {
		t.Errorf("DefaultAddr %q is not loopback", DefaultAddr)
	}
}
