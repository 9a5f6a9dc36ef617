package ops

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sct-langson/nhacviec/scheduler"
)

// stateCollector reads gauges from the daemon's store at scrape time, so
// no goroutine keeps them up to date and they are never stale.
type stateCollector struct {
	assignmentsDesc *prometheus.Desc
	outboxDesc      *prometheus.Desc

	mu          sync.Mutex
	assignments func() (map[scheduler.State]int, error)
	outbox      func() (int, error)
}

func newStateCollector() *stateCollector {
	return &stateCollector{
		assignmentsDesc: prometheus.NewDesc(namespace+"_assignments",
			"Assignments in the store, by state.", []string{"state"}, nil),
		outboxDesc: prometheus.NewDesc(namespace+"_outbox_pending",
			"Messages in the outbox waiting to be sent.", nil, nil),
	}
}

// SetAssignmentsFunc sets the function that counts assignments by state at
// each scrape; nil removes nhacviec_assignments from the output. When f
// fails, the scrape reports the error and serves the other metrics.
func (m *Metrics) SetAssignmentsFunc(f func() (map[scheduler.State]int, error)) {
	m.state.mu.Lock()
	defer m.state.mu.Unlock()
	m.state.assignments = f
}

// SetOutboxFunc sets the function that counts the pending messages of the
// outbox at each scrape; nil removes nhacviec_outbox_pending from the
// output. When f fails, the scrape reports the error and serves the other
// metrics.
func (m *Metrics) SetOutboxFunc(f func() (int, error)) {
	m.state.mu.Lock()
	defer m.state.mu.Unlock()
	m.state.outbox = f
}

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.assignmentsDesc
	ch <- c.outboxDesc
}

// Collect implements prometheus.Collector.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	assignments, outbox := c.assignments, c.outbox
	c.mu.Unlock()

	if assignments != nil {
		c.collectAssignments(ch, assignments)
	}
	if outbox != nil {
		n, err := outbox()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.outboxDesc, fmt.Errorf("ops: count pending messages: %w", err))
		} else {
			ch <- prometheus.MustNewConstMetric(c.outboxDesc, prometheus.GaugeValue, float64(n))
		}
	}
}

func (c *stateCollector) collectAssignments(ch chan<- prometheus.Metric, f func() (map[scheduler.State]int, error)) {
	counts, err := f()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.assignmentsDesc, fmt.Errorf("ops: count assignments: %w", err))
		return
	}
	// The known states are always reported, at 0 when f omits them, so
	// that a series does not vanish when its last assignment moves on.
	for _, s := range []scheduler.State{scheduler.StateOpen, scheduler.StateDone, scheduler.StateArchived} {
		if _, ok := counts[s]; !ok {
			ch <- prometheus.MustNewConstMetric(c.assignmentsDesc, prometheus.GaugeValue, 0, string(s))
		}
	}
	for s, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.assignmentsDesc, prometheus.GaugeValue, float64(n), string(s))
	}
}
