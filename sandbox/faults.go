package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Fault makes the sandbox fail sends on purpose, for fault tests.
type Fault struct {
	// Provider is "sendgrid", "twilio", "stripe" (the Stripe stand-in) or "all".
	Provider string `json:"provider"`
	// Mode is "5xx" (HTTP 500), "429" (rate limited, with X-RateLimit-Reset / Retry-After),
	// "timeout" (hold the request until the client gives up) or "invalid_number" (reject the
	// recipient: Twilio 21211, SendGrid 400 on personalizations.0.to.0.email; not Stripe).
	Mode string `json:"mode"`
	// Count limits the fault to that many requests; Seconds to that much time from now. With
	// both, it ends with whichever runs out first; with neither, it lasts until cleared.
	Count   int     `json:"count,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	// ResetSeconds is the rate-limit reset a 429 announces (1 when zero).
	ResetSeconds int `json:"resetSeconds,omitempty"`
}

// The fault modes.
const (
	Mode5xx           = "5xx"
	Mode429           = "429"
	ModeTimeout       = "timeout"
	ModeInvalidNumber = "invalid_number"
)

// The providers a fault applies to.
const (
	ProviderSendGrid = "sendgrid"
	ProviderTwilio   = "twilio"
	ProviderAll      = "all"
)

// Validate says what is wrong with f, naming the field.
func (f Fault) Validate() error {
	if !slices.Contains([]string{ProviderSendGrid, ProviderTwilio, ProviderStripe, ProviderAll}, f.Provider) {
		return fmt.Errorf("provider %q: use sendgrid, twilio, stripe or all", f.Provider)
	}
	if !slices.Contains([]string{Mode5xx, Mode429, ModeTimeout, ModeInvalidNumber}, f.Mode) {
		return fmt.Errorf("mode %q: use 5xx, 429, timeout or invalid_number", f.Mode)
	}
	if f.Provider == ProviderStripe && f.Mode == ModeInvalidNumber {
		return fmt.Errorf("mode invalid_number: Stripe sends no messages; use 5xx, 429 or timeout")
	}
	if f.Count < 0 || f.Seconds < 0 || f.ResetSeconds < 0 {
		return fmt.Errorf("count, seconds and resetSeconds must not be negative")
	}
	return nil
}

type activeFault struct {
	Fault
	remaining int       // requests left when Count > 0
	until     time.Time // end when Seconds > 0
}

type faults struct {
	mu     sync.Mutex
	active []*activeFault
}

// SetFault starts a fault. It replaces the fault already set for the same provider ("all"
// replaces every fault). A fault that does not Validate never matches a request.
func (s *Sandbox) SetFault(f Fault) {
	af := &activeFault{Fault: f, remaining: f.Count}
	if f.Seconds > 0 {
		af.until = time.Now().Add(time.Duration(f.Seconds * float64(time.Second)))
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.active = slices.DeleteFunc(s.faults.active, func(a *activeFault) bool {
		return f.Provider == ProviderAll || a.Provider == f.Provider
	})
	s.faults.active = append(s.faults.active, af)
	s.log.Info("sandbox: fault set", "provider", f.Provider, "mode", f.Mode, "count", f.Count, "seconds", f.Seconds)
}

// ClearFaults ends every fault.
func (s *Sandbox) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.active = nil
	s.faults.mu.Unlock()
	s.log.Info("sandbox: faults cleared")
}

// take returns the fault that applies to this request to provider, if any, and counts it.
func (fs *faults) take(provider string, now time.Time) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.active = slices.DeleteFunc(fs.active, func(a *activeFault) bool { return a.expired(now) })
	for _, a := range fs.active {
		if a.Provider != provider && a.Provider != ProviderAll {
			continue
		}
		if a.Validate() != nil || (provider == ProviderStripe && a.Mode == ModeInvalidNumber) {
			continue // invalid_number under "all" is for the message providers
		}
		if a.Count > 0 {
			a.remaining--
		}
		return a.Fault, true
	}
	return Fault{}, false
}

func (a *activeFault) expired(now time.Time) bool {
	return (a.Count > 0 && a.remaining <= 0) || (!a.until.IsZero() && !now.Before(a.until))
}

// list returns the faults still active.
func (fs *faults) list(now time.Time) []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := []Fault{}
	for _, a := range fs.active {
		if !a.expired(now) {
			f := a.Fault
			if a.Count > 0 {
				f.Count = a.remaining // what is left
			}
			out = append(out, f)
		}
	}
	return out
}

func (s *Sandbox) handleSetFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON fault like " +
			`{"provider":"twilio","mode":"429","count":2,"resetSeconds":3}: ` + err.Error()})
		return
	}
	if err := f.Validate(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.SetFault(f)
	writeJSON(w, http.StatusOK, map[string]any{"active": s.faults.list(time.Now())})
}

func (s *Sandbox) handleClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sandbox) handleListFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"active": s.faults.list(time.Now())})
}

// hold keeps a request open until the client gives up or the sandbox closes (a timeout fault).
func (s *Sandbox) hold(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closed:
		http.Error(w, "sandbox closed while holding the request (timeout fault)", http.StatusGatewayTimeout)
	case <-time.After(5 * time.Minute):
		http.Error(w, "held for 5 minutes by a timeout fault", http.StatusGatewayTimeout)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
