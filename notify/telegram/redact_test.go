package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

func TestRedactorKeepsTheChain(t *testing.T) {
	r := redactor{token: testToken}
	orig := fmt.Errorf("polling: %w", &url.Error{Op: "Post",
		URL: "http://127.0.0.1:1/bot" + testToken + "/getUpdates?x=" + url.QueryEscape(testToken), Err: context.DeadlineExceeded})
	err := r.error(orig)
	if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), url.QueryEscape(testToken)) {
		t.Errorf("token left in %q", err)
	}
	if want := `polling: Post "http://127.0.0.1:1/bot[redacted]/getUpdates?x=[redacted]": context deadline exceeded`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	var ue *url.Error
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ue) || strings.Contains(ue.URL, testToken) || !ue.Timeout() {
		t.Errorf("chain lost or still holding the token: %#v", ue)
	}
	if clean := errors.New("no secret"); r.error(clean) != clean {
		t.Error("an error without the token should be returned as is")
	}
	if got := (redactor{}).string("other bot 987654321:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA here"); got != "other bot [redacted] here" {
		t.Errorf("token-shaped text kept: %q", got)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error, wantIn string) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") {
			t.Errorf("token in error: %q", err)
		}
		if !strings.Contains(err.Error(), wantIn) {
			t.Errorf("error %q does not mention %q", err, wantIn)
		}
	}
	t.Run("wrong token", func(t *testing.T) {
		srv := telegramtest.New(t, "111111111:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")
		_, err := New(ctx, Config{Token: testToken, APIEndpoint: srv.Endpoint()}, nil)
		check(t, err, "refused the bot token (check token): telegram: getMe: 401 Unauthorized")
	})
	t.Run("closed port at start", func(t *testing.T) {
		srv := telegramtest.New(t, testToken)
		srv.Close()
		_, err := New(ctx, Config{Token: testToken, APIEndpoint: srv.Endpoint()}, nil)
		check(t, err, "/bot[redacted]/getMe")
	})
	t.Run("closed port when sending", func(t *testing.T) {
		srv, n, _ := setup(t)
		srv.Close()
		retry, err := n.Notify(ctx, message("m", 1, item("I.1", "x", 1)))
		check(t, err, "/bot[redacted]/sendMessage")
		if !retry {
			t.Error("a network failure should be retried")
		}
	})
	t.Run("gateway page", func(t *testing.T) {
		srv, n, _ := setup(t)
		srv.BadGateway(1)
		_, err := n.Notify(ctx, message("m", 1, item("I.1", "x", 1)))
		check(t, err, "invalid character '<'")
	})
	t.Run("timeout", func(t *testing.T) {
		srv, _, _ := setup(t)
		n, err := New(ctx, Config{Token: testToken, APIEndpoint: srv.Endpoint(), Timeout: time.Second}, nil)
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel() // the request must carry the context: a cancelled one never leaves
		retry, err := n.Notify(cctx, message("m", 1, item("I.1", "x", 1)))
		check(t, err, "context canceled")
		if !retry || !errors.Is(err, context.Canceled) || len(srv.Sent()) != 0 {
			t.Errorf("retry %t, %v, %d sent", retry, err, len(srv.Sent()))
		}
	})
}

func TestTokenNeverInLogs(t *testing.T) {
	var logs logBuffer
	srv := telegramtest.New(t, testToken)
	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint()}, logs.logger(), WithClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	n.Bot().Debug = true // the library logs every request and answer
	srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 400, Description: "Bad Request: can't parse entities: x"})
	if _, err := n.Notify(context.Background(), message("m", 1, item("I.1", "x", 1))); err != nil {
		t.Fatal(err)
	}
	libraryLogger{}.Println("Post \"https://api.telegram.org/bot" + testToken + "/getUpdates\": EOF")
	srv.Close()
	_, err = n.Notify(context.Background(), message("m2", 1, item("I.1", "x", 1)))
	n.log.Error("delivery failed", "err", err) // as the pipeline will log it

	out := logs.String()
	for _, want := range []string{"Endpoint: sendMessage", "telegram bot connected", "sending the message as plain text",
		"bot[redacted]/getUpdates", "bot[redacted]/sendMessage", "token=123456789:[redacted]"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") {
		t.Errorf("token in logs:\n%s", out)
	}
}
