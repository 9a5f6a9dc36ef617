package main

import (
	"context"
	"net/http"
	"sync"

	"github.com/sct-langson/nhacviec/adminsock"
	"github.com/sct-langson/nhacviec/ops"
)

// opsHandler serves the ops listener: /healthz, /readyz and /metrics, and
// nothing else. It is a TCP port, reachable by anyone who can reach the
// address; nothing there changes state or reveals task content.
func (m *Main) opsHandler(d *daemon) http.Handler {
	return ops.Handler(ops.HandlerConfig{Metrics: d.metrics, Log: d.log, Ready: d.start.err})
}

// serveAdmin starts the admin socket next to the database, for the CLI's
// commands while the daemon holds the database.
func (d *daemon) serveAdmin(ctx context.Context, wg *sync.WaitGroup) error {
	srv, err := adminsock.Listen(adminsock.Path(d.db.Path()), d.adminHandler(), d.log)
	if err != nil {
		return err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ctx); err != nil {
			d.log.Error("admin socket", "err", err)
		}
	}()
	return nil
}
