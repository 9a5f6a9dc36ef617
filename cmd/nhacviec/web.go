package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email"
	"github.com/sct-langson/nhacviec/store"
	"github.com/sct-langson/nhacviec/web"
)

// webLinks is the e-mail notifier's link hook: it asks the web door,
// once started, for the one-click links of an item.
type webLinks struct {
	mu  sync.RWMutex
	srv *web.Server
}

func (l *webLinks) set(s *web.Server) {
	l.mu.Lock()
	l.srv = s
	l.mu.Unlock()
}

func (l *webLinks) links(recipient, key string) (email.Links, bool) {
	l.mu.RLock()
	s := l.srv
	l.mu.RUnlock()
	if s == nil {
		return email.Links{}, false
	}
	done, snooze, note, ok := s.Links(recipient, key)
	return email.Links{Done: done, Snooze: snooze, Note: note}, ok
}

// newWeb builds the web door of the config, or nil when it is off.
func (d *daemon) newWeb() (*web.Server, error) {
	cfg := d.cfg
	if !cfg.WebEnabled() {
		return nil, nil
	}
	wc := web.Config{
		BaseURL: cfg.Web.BaseURL, Store: d.db, Now: d.m.now, Log: d.log.With("door", "web"),
		EvidenceDir: cfg.WebEvidenceDir(), MaxUpload: int64(cfg.Web.MaxUploadMB) << 20,
		// One runtime (config and the engine's tasks) and one engine state
		// per request.
		Env: func() web.Env {
			rt := d.snap()
			c := rt.cfg
			return web.Env{Directory: c.Directory, Office: c.Office, Calendar: c.Scheduling.Calendar,
				Tasks: rt.tasks, Planner: d.eng.Pin()}
		},
	}
	// Sign-in links go by e-mail; with no channel configured (the console
	// mode of the example) they are printed, as every message is.
	if n, ok := d.chans.notifiers[notify.ChannelEmail]; ok {
		wc.SendEmail = func(ctx context.Context, m *notify.Message) error {
			_, err := n.Notify(ctx, m)
			return err
		}
	}
	return web.New(wc)
}

// serveWeb listens on web.listen and serves until ctx ends.
func (d *daemon) serveWeb(ctx context.Context, wg *sync.WaitGroup, s *web.Server) error {
	if s == nil {
		return nil
	}
	ln, err := net.Listen("tcp", d.cfg.Web.Listen)
	if err != nil {
		return fmt.Errorf("web.listen: %w", err)
	}
	d.log.Info("web door listening", "addr", ln.Addr().String(), "base_url", d.cfg.Web.BaseURL, "tls", d.cfg.Web.CertFile != "")
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.Serve(ctx, ln, d.cfg.Resolve(d.cfg.Web.CertFile), d.cfg.Resolve(d.cfg.Web.KeyFile)); err != nil {
			d.log.Error("web door stopped", "err", err)
		}
	}()
	return nil
}

// linkKeysRequest rotates the key that signs the e-mails' links.
type linkKeysRequest struct {
	DropOld bool `json:"drop_old"`
}

type linkKeysResponse struct {
	ID   string `json:"id"`
	Kept int    `json:"kept"` // keys that verify links, the new one included
}

func rotateLinkKey(db *store.DB, req linkKeysRequest, now time.Time) (linkKeysResponse, error) {
	k, err := db.RotateLinkKey(req.DropOld, now)
	if err != nil {
		return linkKeysResponse{}, err
	}
	keys, err := db.LinkKeys(now)
	if err != nil {
		return linkKeysResponse{}, err
	}
	return linkKeysResponse{ID: k.ID, Kept: len(keys)}, nil
}

// cmdLinkKeys rotates the key that signs the e-mails' links: in the
// database, or through the running daemon's admin socket, which then signs
// with the new key at once.
func (m *Main) cmdLinkKeys(ctx context.Context, args []string) error {
	fs := m.flagSet("link-keys")
	dropOld := fs.Bool("drop-old", false, "delete the older keys: every link already sent stops working")
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if verb != "rotate" {
		return usagef("link-keys: the only action is rotate: nhacviec link-keys rotate [--drop-old]")
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	req := linkKeysRequest{DropOld: *dropOld}
	var resp linkKeysResponse
	err = m.withStore(ctx, cfg.DatabasePath(), func(db *store.DB) error {
		resp, err = rotateLinkKey(db, req, m.now())
		return err
	}, func() error { return viaDaemon(ctx, cfg, "/admin/link-keys", req, &resp) })
	if err != nil {
		return fmt.Errorf("link-keys: %w", err)
	}
	fmt.Fprintf(m.stdout, "New link key %s signs the links of the next e-mails; %d key(s) verify links already sent.\n", resp.ID, resp.Kept)
	return nil
}
