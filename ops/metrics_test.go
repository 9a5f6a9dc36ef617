package ops

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// scrape fetches /metrics from a real server over loopback and returns its
// status and body.
func scrape(t *testing.T, m *Metrics) (int, string) {
	t.Helper()
	srv := httptest.NewServer(Handler(HandlerConfig{Metrics: m}))
	defer srv.Close()
	return get(t, srv.URL+"/metrics")
}

// ours keeps the TYPE and sample lines of the nhacviec_ metrics.
func ours(body string) string {
	var b strings.Builder
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "nhacviec_") || strings.HasPrefix(line, "# TYPE nhacviec_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func TestMetricsScrape(t *testing.T) {
	m := NewMetrics("1.2.3")
	for _, d := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 3 * time.Second} {
		m.OnSent(notify.ChannelEmail, notify.KindReminder, d)
	}
	m.OnRetry(notify.ChannelTelegram, notify.KindDue)
	m.OnFailed(notify.ChannelTelegram, notify.KindOverdue)
	m.OnFailed(notify.ChannelTelegram, notify.KindOverdue)
	m.ReloadResult(false, time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC))
	m.UpdateHandled(UpdateCommand)
	m.UpdateHandled(UpdateCommand)
	m.StepsProduced("reminder", 4)
	m.SetAssignmentsFunc(func() (map[scheduler.State]int, error) {
		return map[scheduler.State]int{scheduler.StateOpen: 5, scheduler.StateDone: 2}, nil
	})
	m.SetOutboxFunc(func() (int, error) { return 7, nil })

	code, body := scrape(t, m)
	if code != http.StatusOK {
		t.Fatalf("status = %d, want 200\n%s", code, body)
	}
	want := `# TYPE nhacviec_assignments gauge
nhacviec_assignments{state="archived"} 0
nhacviec_assignments{state="done"} 2
nhacviec_assignments{state="open"} 5
# TYPE nhacviec_build_info gauge
nhacviec_build_info{version="1.2.3"} 1
# TYPE nhacviec_config_last_reload_success_timestamp_seconds gauge
nhacviec_config_last_reload_success_timestamp_seconds 0
# TYPE nhacviec_config_last_reload_successful gauge
nhacviec_config_last_reload_successful 0
# TYPE nhacviec_delivery_latency_seconds histogram
nhacviec_delivery_latency_seconds_bucket{channel="email",le="0.05"} 0
nhacviec_delivery_latency_seconds_bucket{channel="email",le="0.1"} 1
nhacviec_delivery_latency_seconds_bucket{channel="email",le="0.25"} 2
nhacviec_delivery_latency_seconds_bucket{channel="email",le="0.5"} 2
nhacviec_delivery_latency_seconds_bucket{channel="email",le="1"} 2
nhacviec_delivery_latency_seconds_bucket{channel="email",le="2.5"} 2
nhacviec_delivery_latency_seconds_bucket{channel="email",le="5"} 3
nhacviec_delivery_latency_seconds_bucket{channel="email",le="10"} 3
nhacviec_delivery_latency_seconds_bucket{channel="email",le="30"} 3
nhacviec_delivery_latency_seconds_bucket{channel="email",le="60"} 3
nhacviec_delivery_latency_seconds_bucket{channel="email",le="+Inf"} 3
nhacviec_delivery_latency_seconds_sum{channel="email"} 3.3
nhacviec_delivery_latency_seconds_count{channel="email"} 3
# TYPE nhacviec_messages_failed_total counter
nhacviec_messages_failed_total{channel="telegram",kind="overdue"} 2
# TYPE nhacviec_messages_retried_total counter
nhacviec_messages_retried_total{channel="telegram",kind="due"} 1
# TYPE nhacviec_messages_sent_total counter
nhacviec_messages_sent_total{channel="email",kind="reminder"} 3
# TYPE nhacviec_outbox_pending gauge
nhacviec_outbox_pending 7
# TYPE nhacviec_steps_produced_total counter
nhacviec_steps_produced_total{kind="reminder"} 4
# TYPE nhacviec_telegram_updates_total counter
nhacviec_telegram_updates_total{kind="callback"} 0
nhacviec_telegram_updates_total{kind="command"} 2
nhacviec_telegram_updates_total{kind="other"} 0
nhacviec_telegram_updates_total{kind="reply"} 0
`
	if got := ours(body); got != want {
		t.Errorf("nhacviec_ metrics:\n%s\nwant:\n%s", got, want)
	}
	// The runtime collectors are registered too.
	if !strings.Contains(body, "\ngo_goroutines ") {
		t.Error("go_goroutines missing from /metrics")
	}
	if runtime.GOOS == "linux" && !strings.Contains(body, "\nprocess_start_time_seconds ") {
		t.Error("process_start_time_seconds missing from /metrics")
	}
}

func TestMetricsCallbackError(t *testing.T) {
	m := NewMetrics("1.2.3")
	m.OnSent(notify.ChannelEmail, notify.KindDue, time.Second)
	m.SetAssignmentsFunc(func() (map[scheduler.State]int, error) { return nil, errors.New("store closed") })
	m.SetOutboxFunc(func() (int, error) { return 0, errors.New("store closed") })
	var logged bytes.Buffer
	srv := httptest.NewServer(Handler(HandlerConfig{
		Metrics: m,
		Log:     slog.New(slog.NewTextHandler(&logged, nil)),
	}))
	defer srv.Close()

	code, body := get(t, srv.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("status = %d, want 200: a failing callback must not hide the rest", code)
	}
	for _, name := range []string{"nhacviec_assignments", "nhacviec_outbox_pending"} {
		if strings.Contains(body, "\n"+name) {
			t.Errorf("%s served although its callback failed", name)
		}
	}
	if !strings.Contains(body, "\nnhacviec_messages_sent_total{channel=\"email\",kind=\"due\"} 1\n") {
		t.Error("messages_sent_total missing after a callback error")
	}
	for _, want := range []string{"ops: count assignments: store closed", "ops: count pending messages: store closed"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logged.String())
		}
	}
	// promhttp counts a gathering error after writing that scrape.
	_, body = get(t, srv.URL+"/metrics")
	if !strings.Contains(body, "\npromhttp_metric_handler_errors_total{cause=\"gathering\"} 1\n") {
		t.Errorf("first scrape error not counted by the second scrape:\n%s", ours(body))
	}
}

func TestMetricsCallbackUnset(t *testing.T) {
	m := NewMetrics("1.2.3")
	m.SetOutboxFunc(func() (int, error) { return 3, nil })
	m.SetOutboxFunc(nil)
	if n := testutil.CollectAndCount(m.state); n != 0 {
		t.Errorf("without callbacks the collector gave %d metrics, want 0", n)
	}
}

func TestReloadResult(t *testing.T) {
	t1 := time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC)
	t2 := t1.Add(90 * time.Minute)
	type result struct {
		ok bool
		at time.Time
	}
	tests := []struct {
		name     string
		results  []result
		wantOK   float64
		wantTime float64
	}{
		{"none yet", nil, 0, 0},
		{"success", []result{{true, t1}}, 1, float64(t1.Unix())},
		{"failure keeps last success time", []result{{true, t1}, {false, t2}}, 0, float64(t1.Unix())},
		{"recovery", []result{{true, t1}, {false, t2}, {true, t2}}, 1, float64(t2.Unix())},
		{"sub-second", []result{{true, t1.Add(250 * time.Millisecond)}}, 1, float64(t1.Unix()) + 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics("x")
			for _, r := range tt.results {
				m.ReloadResult(r.ok, r.at)
			}
			if got := testutil.ToFloat64(m.reloadOK); got != tt.wantOK {
				t.Errorf("config_last_reload_successful = %v, want %v", got, tt.wantOK)
			}
			if got := testutil.ToFloat64(m.reloadTime); got != tt.wantTime {
				t.Errorf("config_last_reload_success_timestamp_seconds = %v, want %v", got, tt.wantTime)
			}
		})
	}
}

func TestUpdateHandled(t *testing.T) {
	tests := []struct {
		kind, counted string
	}{
		{UpdateCommand, "command"},
		{UpdateReply, "reply"},
		{UpdateCallback, "callback"},
		{UpdateOther, "other"},
		{"edited_message", "other"},
		{"", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			m := NewMetrics("x")
			m.UpdateHandled(tt.kind)
			m.UpdateHandled(tt.kind)
			if got := testutil.ToFloat64(m.updates.WithLabelValues(tt.counted)); got != 2 {
				t.Errorf("telegram_updates_total{kind=%q} = %v, want 2", tt.counted, got)
			}
			if n := testutil.CollectAndCount(m.updates); n != 4 {
				t.Errorf("telegram_updates_total has %d series, want the 4 known kinds", n)
			}
		})
	}
}

func TestStepsProduced(t *testing.T) {
	tests := []struct {
		name string
		ns   []int
		want float64
	}{
		{"adds", []int{3, 2}, 5},
		{"zero and negative count nothing", []int{0, -1, 4}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics("x")
			for _, n := range tt.ns {
				m.StepsProduced("due", n)
			}
			if got := testutil.ToFloat64(m.steps.WithLabelValues("due")); got != tt.want {
				t.Errorf("steps_produced_total{kind=\"due\"} = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildVersion(t *testing.T) {
	if got := buildVersion("v0.3.0"); got != "v0.3.0" {
		t.Errorf("buildVersion(v0.3.0) = %q", got)
	}
	// A test binary's main module has the version "(devel)" or none.
	if got := buildVersion(""); got == "" {
		t.Error("buildVersion(\"\") is empty")
	}
}

func TestChannelUp(t *testing.T) {
	m := NewMetrics("1")
	m.OnChannelUp(notify.ChannelTelegram, false)
	m.OnChannelUp(notify.ChannelEmail, true)
	if v := testutil.ToFloat64(m.up.WithLabelValues(notify.ChannelTelegram)); v != 0 {
		t.Errorf("telegram up = %g, want 0", v)
	}
	m.OnChannelUp(notify.ChannelTelegram, true)
	_, body := scrape(t, m)
	for _, want := range []string{`nhacviec_channel_up{channel="email"} 1`, `nhacviec_channel_up{channel="telegram"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}
