package main

import (
	"fmt"
	"net/http"

	"github.com/sct-langson/nhacviec/ops"
)

// opsHandler serves ops's endpoints plus GET /backup: a consistent copy of
// the database while the daemon runs (`nhacviec backup` fetches it).
func (m *Main) opsHandler(d *daemon) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", ops.Handler(ops.HandlerConfig{Metrics: d.metrics, Log: d.log}))
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		if !loopback(r.RemoteAddr) {
			http.Error(w, "backups are served to this machine only", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := d.db.WriteTo(w); err != nil {
			d.log.Error("backup", "err", err)
			http.Error(w, fmt.Sprintf("backup failed: %v", err), http.StatusInternalServerError)
		}
	})
	d.adminHandler(mux)
	return mux
}
