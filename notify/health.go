package notify

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Prober is implemented by notifiers that can tell whether their server
// answers without sending a message (a connection, getMe).
type Prober interface {
	Probe(ctx context.Context) error
}

// UnavailableError is implemented by errors that may say the channel's
// server could not be reached (network failure, refused connection, server
// error) rather than that one message failed.
type UnavailableError interface {
	error
	Unavailable() bool
}

// ChannelObserver is implemented by an Observer that follows whether each
// channel is in service (the nhacviec_channel_up metric).
type ChannelObserver interface {
	OnChannelUp(channel string, up bool)
}

// Defaults of Config.ProbeInitial and ProbeMax.
const (
	DefaultProbeInitial = time.Second
	DefaultProbeMax     = 5 * time.Second
)

// unavailable reports whether err says the server could not be reached.
func unavailable(err error) bool {
	var u UnavailableError
	return errors.As(err, &u) && u.Unavailable()
}

// ChannelUp records that channel is in service, or not (a channel that
// could not start). A channel going down is probed, when its notifier is
// a Prober, with capped backoff until it answers; a channel coming back
// makes its waiting messages due at once: the server answers again, so
// their own backoff timers no longer mean anything.
func (p *Pipeline) ChannelUp(ctx context.Context, channel string, up bool) {
	p.hmu.Lock()
	was, known := !p.down[channel], p.known[channel]
	p.known[channel] = true
	p.down[channel] = !up
	probe := !up && !p.probing[channel]
	if probe {
		if _, ok := p.cfg.Notifiers[channel].(Prober); ok {
			p.probing[channel] = true
		} else {
			probe = false
		}
	}
	p.hmu.Unlock()
	if known && was == up {
		return
	}
	if !up || !known {
		p.observeChannel(channel, up)
	}
	if !up {
		p.cfg.Log.Warn("channel unavailable", "channel", channel)
		if probe {
			go p.probe(ctx, channel)
		}
		return
	}
	if !known {
		return
	}
	p.mu.Lock()
	for key := range p.held {
		if strings.HasPrefix(key, channel+"|") {
			delete(p.held, key) // the failed message they wait for is due now too
		}
	}
	p.mu.Unlock()
	n, err := p.cfg.Outbox.Resume(channel, p.cfg.Now())
	if err != nil {
		p.cfg.Log.Error("resume waiting messages", "channel", channel, "err", err)
	}
	p.cfg.Log.Info("channel back in service", "channel", channel, "resumed", n)
	p.observeChannel(channel, true)
	p.poke()
}

func (p *Pipeline) observeChannel(channel string, up bool) {
	if co, ok := p.cfg.Observer.(ChannelObserver); ok {
		co.OnChannelUp(channel, up)
	}
}

// probe asks the channel's server whether it answers, after ProbeInitial,
// then twice as long each time up to ProbeMax, until it answers, the
// channel is back in service otherwise (a delivery succeeded), or ctx
// ends.
func (p *Pipeline) probe(ctx context.Context, channel string) {
	defer func() {
		p.hmu.Lock()
		p.probing[channel] = false
		p.hmu.Unlock()
	}()
	pr := p.cfg.Notifiers[channel].(Prober)
	delay := p.cfg.ProbeInitial
	for {
		c, stop := p.cfg.After(delay)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
		p.hmu.Lock()
		down := p.down[channel]
		p.hmu.Unlock()
		if !down {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		err := pr.Probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			p.hmu.Lock()
			p.probing[channel] = false
			p.hmu.Unlock()
			p.ChannelUp(ctx, channel, true)
			return
		}
		p.cfg.Log.Debug("channel still unavailable", "channel", channel, "err", err, "next", delay)
		delay = min(2*delay, p.cfg.ProbeMax)
	}
}
