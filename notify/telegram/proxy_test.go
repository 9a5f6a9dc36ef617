package telegram

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// forwardProxy is a plain HTTP proxy for http:// URLs: it receives the
// absolute URL and forwards the request.
type forwardProxy struct {
	mu   sync.Mutex
	seen []string // absolute URLs requested
	auth []string // Proxy-Authorization headers
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.URL.String())
	p.auth = append(p.auth, r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func TestRequestsGoThroughTheProxy(t *testing.T) {
	srv := telegramtest.New(t, testToken)
	proxy := &forwardProxy{}
	ps := httptest.NewServer(proxy)
	defer ps.Close()
	pu, _ := url.Parse(ps.URL)
	pu.User = url.UserPassword("nv", "s3cret")

	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint(), Proxy: pu.String()}, nil,
		WithClock(newFakeClock()))
	if err != nil {
		t.Fatalf("New through the proxy: %v", err)
	}
	if _, err := n.Notify(context.Background(), message("m", 1, item("I.1", "x", 1))); err != nil {
		t.Fatalf("Notify through the proxy: %v", err)
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if len(proxy.seen) != 2 || !strings.HasPrefix(proxy.seen[0], srv.URL()+"/bot") || !strings.HasSuffix(proxy.seen[0], "/getMe") ||
		!strings.HasSuffix(proxy.seen[1], "/sendMessage") {
		t.Errorf("proxy saw %q", proxy.seen)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("nv:s3cret"))
	if proxy.auth[0] != wantAuth {
		t.Errorf("Proxy-Authorization %q, want %q", proxy.auth[0], wantAuth)
	}
	if len(srv.Sent()) != 1 {
		t.Errorf("%d messages reached the server, want 1", len(srv.Sent()))
	}
}

func TestSocksProxyIsUsed(t *testing.T) {
	srv := telegramtest.New(t, testToken)
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.Listener.Addr().String()
	closed.Close()
	_, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint(),
		Proxy: "socks5://nv:s3cret@" + addr}, nil)
	if err == nil || !strings.Contains(err.Error(), "proxyconnect tcp: dial tcp "+addr) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("New through a dead socks5 proxy: %v", err)
	}
}
