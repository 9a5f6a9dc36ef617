package ops

import (
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sct-langson/nhacviec/notify"
)

// namespace prefixes every metric of the daemon.
const namespace = "nhacviec"

// Telegram update kinds counted by UpdateHandled; any other value is counted
// as UpdateOther, so a caller's typo cannot grow the label set.
const (
	UpdateCommand  = "command"
	UpdateReply    = "reply"
	UpdateCallback = "callback"
	UpdateOther    = "other"
)

// Metrics holds the daemon's metrics in its own registry. It implements
// notify.Observer; its methods are safe for concurrent use and never block.
type Metrics struct {
	reg *prometheus.Registry

	sent    *prometheus.CounterVec
	retried *prometheus.CounterVec
	failed  *prometheus.CounterVec
	latency *prometheus.HistogramVec

	reloadOK   prometheus.Gauge
	reloadTime prometheus.Gauge

	updates *prometheus.CounterVec
	steps   *prometheus.CounterVec
	up      *prometheus.GaugeVec

	state *stateCollector
}

var (
	_ notify.Observer        = (*Metrics)(nil)
	_ notify.ChannelObserver = (*Metrics)(nil)
)

// NewMetrics returns the daemon's metrics, registered with a new registry
// together with the Go runtime and process collectors. version is reported
// by nhacviec_build_info; when empty, the main module's version from the
// binary's build information is used, or "unknown".
func NewMetrics(version string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "messages_sent_total",
			Help: "Messages delivered, by channel and kind.",
		}, []string{"channel", "kind"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "messages_retried_total",
			Help: "Delivery attempts that failed and will be retried, by channel and kind.",
		}, []string{"channel", "kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "messages_failed_total",
			Help: "Messages given up, by channel and kind.",
		}, []string{"channel", "kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "delivery_latency_seconds",
			Help: "Duration of successful deliveries, by channel.",
			// From a local SMTP relay (tens of ms) to a Telegram call
			// slowed by a flood wait or a congested link (a minute).
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"channel"}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "config_last_reload_successful",
			Help: "Whether the last configuration load or reload succeeded (1) or not (0).",
		}),
		reloadTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "config_last_reload_success_timestamp_seconds",
			Help: "Time of the last successful configuration load or reload.",
		}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "telegram_updates_total",
			Help: "Telegram updates handled, by kind (command, reply, callback, other).",
		}, []string{"kind"}),
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "steps_produced_total",
			Help: "Steps produced by the scheduler, by kind.",
		}, []string{"kind"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "channel_up",
			Help: "Whether a delivery channel is in service (1) or its server cannot be reached or the channel could not start (0).",
		}, []string{"channel"}),
		state: newStateCollector(),
	}
	// Known kinds start at 0, so that rate() sees their first increase.
	for _, k := range []string{UpdateCommand, UpdateReply, UpdateCallback, UpdateOther} {
		m.updates.WithLabelValues(k)
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "A metric with a constant 1 labelled by the version of nhacviec.",
		ConstLabels: prometheus.Labels{"version": buildVersion(version)},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.sent, m.retried, m.failed, m.latency,
		m.reloadOK, m.reloadTime,
		m.updates, m.steps, m.up,
		m.state, buildInfo,
	)
	return m
}

// buildVersion is version, or else the main module's version, or "unknown".
func buildVersion(version string) string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "unknown"
}

// OnSent counts a delivered message and observes its latency.
func (m *Metrics) OnSent(channel string, kind notify.Kind, latency time.Duration) {
	m.sent.WithLabelValues(channel, string(kind)).Inc()
	m.latency.WithLabelValues(channel).Observe(latency.Seconds())
}

// OnChannelUp records whether a channel is in service.
func (m *Metrics) OnChannelUp(channel string, up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.up.WithLabelValues(channel).Set(v)
}

// OnRetry counts a failed attempt that will be retried.
func (m *Metrics) OnRetry(channel string, kind notify.Kind) {
	m.retried.WithLabelValues(channel, string(kind)).Inc()
}

// OnFailed counts a message given up.
func (m *Metrics) OnFailed(channel string, kind notify.Kind) {
	m.failed.WithLabelValues(channel, string(kind)).Inc()
}

// ReloadResult records the outcome of a configuration load or reload at
// the given time. A failure leaves the time of the last success as it was,
// as in Alertmanager.
func (m *Metrics) ReloadResult(ok bool, at time.Time) {
	if !ok {
		m.reloadOK.Set(0)
		return
	}
	m.reloadOK.Set(1)
	m.reloadTime.Set(float64(at.Unix()) + float64(at.Nanosecond())/1e9)
}

// UpdateHandled counts a Telegram update of the given kind: UpdateCommand,
// UpdateReply, UpdateCallback or UpdateOther; an unknown kind counts as
// UpdateOther.
func (m *Metrics) UpdateHandled(kind string) {
	switch kind {
	case UpdateCommand, UpdateReply, UpdateCallback:
	default:
		kind = UpdateOther
	}
	m.updates.WithLabelValues(kind).Inc()
}

// StepsProduced counts n steps of the given kind produced by the scheduler;
// n ≤ 0 counts nothing.
func (m *Metrics) StepsProduced(kind string, n int) {
	if n <= 0 {
		return
	}
	m.steps.WithLabelValues(kind).Add(float64(n))
}
