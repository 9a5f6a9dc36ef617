// Package ops is the daemon's operations side: Prometheus metrics and a small
// HTTP listener serving /healthz, /readyz and /metrics.
//
// Nothing here is global: each Metrics owns its registry, so tests and
// several daemons in one process never share a counter.
package ops
