package sandbox

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// What a simulator may offer to be driven from the API (the sandbox
// mutations), beyond the Sim interface. Each is optional: the caller
// type-asserts a Sim to the capability it needs.

// LinkCoder issues one-use link codes, as the provider's own link UI
// returns them after the user connected.
type LinkCoder interface {
	// SandboxLinkCode connects a test user at institution ("" for the
	// simulator's default) following scenario (the provider's test
	// trigger; "" for a plain success) and returns the code the server
	// links credentials with.
	SandboxLinkCode(ctx context.Context, institution, scenario string) (string, error)
}

// WebhookFirer sends the provider's webhook now.
type WebhookFirer interface {
	// SandboxFireWebhook delivers the webhook of the credentials whose
	// provider handle is ref.
	SandboxFireWebhook(ctx context.Context, ref string) error
}

// ConsentDecider answers a bank consent page.
type ConsentDecider interface {
	// SandboxDecideConsent answers the consent page at pageURL as the user
	// would in a browser and returns the URL the bank redirects to.
	SandboxDecideConsent(ctx context.Context, pageURL string, approve bool) (redirectURL string, err error)
}

// Faulter makes the simulator slow or failing for a while.
type Faulter interface {
	// SandboxFault applies f for d, after which the simulator is back to
	// normal by itself; FaultNone ends the current fault at once.
	SandboxFault(f Fault, d time.Duration) error
}

// Fault is a simulator's behaviour set by Faulter.
type Fault string

// The faults.
const (
	// FaultNone: back to normal (the configured latency, no errors).
	FaultNone Fault = "none"
	// FaultSlow: SlowLatency more per call.
	FaultSlow Fault = "slow"
	// FaultFailing: every API call answers a 5xx.
	FaultFailing Fault = "failing"
)

// SlowLatency is what FaultSlow adds to every call.
const SlowLatency = 3 * time.Second

// Knobs are the fault controls every simulator server has.
type Knobs interface {
	SetLatency(time.Duration)
	SetErrorRate(float64)
}

// FaultSwitch applies Faults to a simulator's Knobs and ends each after
// its duration. The zero value is not usable: see NewFaultSwitch.
type FaultSwitch struct {
	knobs Knobs
	base  time.Duration // the configured latency, restored by FaultNone

	mu    sync.Mutex
	timer *time.Timer
	gen   uint64 // bumped by every Set, so an older timer does nothing
}

// NewFaultSwitch returns a switch over k whose normal latency is base.
func NewFaultSwitch(k Knobs, base time.Duration) *FaultSwitch {
	return &FaultSwitch{knobs: k, base: base}
}

// Set applies f now and, unless f is FaultNone, FaultNone after d. A
// later Set replaces the pending end.
func (s *FaultSwitch) Set(f Fault, d time.Duration) error {
	switch f {
	case FaultNone, FaultSlow, FaultFailing:
	default:
		return fmt.Errorf("sandbox: unknown fault %q", f)
	}
	if f != FaultNone && d <= 0 {
		return fmt.Errorf("sandbox: fault %s for %s", f, d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
	s.applyLocked(f)
	if f != FaultNone {
		gen := s.gen
		s.timer = time.AfterFunc(d, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.gen == gen {
				s.applyLocked(FaultNone)
				s.timer = nil
			}
		})
	}
	return nil
}

// Stop cancels a pending end (the simulator is closing).
func (s *FaultSwitch) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *FaultSwitch) stopLocked() {
	s.gen++
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}

func (s *FaultSwitch) applyLocked(f Fault) {
	switch f {
	case FaultSlow:
		s.knobs.SetErrorRate(0)
		s.knobs.SetLatency(s.base + SlowLatency)
	case FaultFailing:
		s.knobs.SetLatency(s.base)
		s.knobs.SetErrorRate(1)
	default:
		s.knobs.SetLatency(s.base)
		s.knobs.SetErrorRate(0)
	}
}
