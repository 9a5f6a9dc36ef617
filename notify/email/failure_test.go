package email

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify/email/smtptest"
)

func TestWrongPasswordIsPermanentAndSecret(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{Username: testUser, Password: "the-right-one"})
	n, logs := newNotifier(t, testConfig(srv)) // sends testPassword
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != 535 || e.EnhancedCode != "5.7.8" {
		t.Errorf("error = %#v, want SMTP 535 5.7.8", e)
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
		if strings.Contains(text, testPassword) {
			t.Errorf("password leaked: %s", text)
		}
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("server received a message without AUTH")
	}
}

func TestTLSNoneOnlyForLoopback(t *testing.T) {
	cfg := Config{Host: "mail.sct.langson.gov.vn", TLS: TLSNone, From: testFrom}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "email: tls:") {
		t.Fatalf("New(none, remote host) = %v, want a tls error", err)
	}

	srv := smtptest.New(t, smtptest.Options{NoTLS: true, Username: testUser, Password: testPassword})
	cfg = testConfig(srv)
	cfg.TLS, cfg.RootCAs = TLSNone, nil
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if len(srv.Messages()) != 1 {
		t.Errorf("clear-text delivery to loopback failed")
	}
}

func TestSTARTTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{NoTLS: true, Username: testUser, Password: testPassword})
	n, _ := newNotifier(t, testConfig(srv))
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q does not say STARTTLS is missing", err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("message sent in clear text")
	}
}

func TestImplicitTLS(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{ImplicitTLS: true, Username: testUser, Password: testPassword})
	cfg := testConfig(srv)
	cfg.TLS = TLSImplicit
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if len(srv.Messages()) != 1 {
		t.Errorf("no message over implicit TLS")
	}
}

func TestUntrustedCertificateIsPermanent(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.RootCAs = nil // system pool: does not know the test CA
	n, _ := newNotifier(t, cfg)
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent certificate error", retry, err)
	}
}

func TestTemporaryFailureThenSuccess(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse=%t", reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = reuse
			n, _ := newNotifier(t, cfg)
			srv.FailData(1, 451)
			m := testMessage()
			retry, err := n.Notify(context.Background(), m)
			if err == nil || !retry {
				t.Fatalf("first Notify = retry %t, err %v; want a temporary error", retry, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != 451 || e.EnhancedCode != "4.0.0" || !e.Temporary {
				t.Errorf("error = %+v, want 451 4.0.0", e)
			}
			notifyOK(t, n, m)
			if got := len(srv.Messages()); got != 1 {
				t.Errorf("server kept %d copies, want exactly 1", got)
			}
		})
	}
}

func TestRecipientRejectedIsPermanent(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	srv.RejectRcpt(testTo, 550)
	m := testMessage()
	retry, err := n.Notify(context.Background(), m)
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != 550 || e.Recipient != testTo || e.MessageID != m.ID {
		t.Errorf("error = %+v", e)
	}
	for _, want := range []string{"550", testTo, m.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestRecipientWithoutAddress(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	m := testMessage()
	m.To.Email = ""
	retry, err := n.Notify(context.Background(), m)
	if err == nil || retry || !errors.Is(err, errNoAddress) {
		t.Fatalf("Notify = retry %t, err %v; want permanent errNoAddress", retry, err)
	}
	if srv.Connections() != 0 {
		t.Errorf("dialed for a message that cannot be sent")
	}
}

func TestServerDownThenUp(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse=%t", reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = reuse
			n, _ := newNotifier(t, cfg)
			notifyOK(t, n, messageWithID("before"))

			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			retry, err := n.Notify(context.Background(), messageWithID("during"))
			if err == nil || !retry {
				t.Fatalf("Notify with server down = retry %t, err %v; want temporary", retry, err)
			}

			srv.Restart()
			notifyOK(t, n, messageWithID("during"))
			var ids []string
			for _, m := range srv.Messages() {
				ids = append(ids, m.Header.Get(HeaderMessageID))
			}
			if strings.Join(ids, ",") != "before,during" {
				t.Errorf("server received %v", ids)
			}
		})
	}
}

func TestDeliveredDespiteFailureAfterData(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, logs := newNotifier(t, cfg)
	srv.HangUpAfterData(1) // the server takes the message, then RSET fails
	retry, err := n.Notify(context.Background(), messageWithID("taken"))
	if err != nil || retry {
		t.Fatalf("Notify = retry %t, err %v; a message the server took is delivered", retry, err)
	}
	if !strings.Contains(logs.String(), "delivered, but the connection failed afterwards") {
		t.Errorf("failure after delivery not logged:\n%s", logs)
	}
	notifyOK(t, n, messageWithID("next"))
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
	if got := srv.Connections(); got != 2 {
		t.Errorf("used %d connections, want 2 (the broken one is not reused)", got)
	}
}

func TestCanceledContextIsTemporary(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	retry, err := n.Notify(ctx, testMessage())
	if !retry || !errors.Is(err, context.Canceled) {
		t.Fatalf("Notify(canceled) = retry %t, err %v", retry, err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("sent despite a canceled context")
	}
}
