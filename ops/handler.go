package ops

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HandlerConfig is what the operations handler serves.
type HandlerConfig struct {
	// Metrics is served on /metrics; nil leaves /metrics out (404).
	Metrics *Metrics
	// Ready says whether the daemon is ready to work (store open, config
	// loaded); its error is the reason shown by /readyz. Nil means always
	// ready.
	Ready func() error
	// Log receives scrape errors and readiness failures; nil discards them.
	Log *slog.Logger
}

// Handler serves GET /healthz (200 "ok" while the process answers),
// GET /readyz (200 "ready", or 503 with the reason from Ready) and
// GET /metrics (Prometheus text or protobuf); any other path is 404.
func Handler(cfg HandlerConfig) http.Handler {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if cfg.Ready != nil {
			if err := cfg.Ready(); err != nil {
				// Debug: a probe polls every few seconds while starting.
				log.Debug("not ready", "err", err)
				writeText(w, http.StatusServiceUnavailable, "not ready: "+err.Error()+"\n")
				return
			}
		}
		writeText(w, http.StatusOK, "ready\n")
	})
	if cfg.Metrics != nil {
		reg := cfg.Metrics.reg
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError),
			// A failing store callback must not hide the delivery counters.
			ErrorHandling: promhttp.ContinueOnError,
			// Counts scrape errors as promhttp_metric_handler_errors_total.
			Registry: reg,
		}))
	}
	return mux
}

func writeText(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}
