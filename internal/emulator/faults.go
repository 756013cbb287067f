package emulator

import (
	"sync"
	"time"
)

// Fault is an answer the emulator gives instead of the real one.
type Fault struct {
	// Op the fault applies to; every operation when empty.
	Op Operation `json:"op,omitempty"`
	// Times is how many matching requests get the fault; 1 when zero.
	Times int `json:"times,omitempty"`
	// Status to answer with (429, 500, 503...). Ignored when Drop is set.
	Status int `json:"status,omitempty"`
	// ResetIn sets X-RateLimit-Reset that far ahead on a 429.
	ResetIn time.Duration `json:"reset_in,omitempty"`
	// RetryAfter also sends a Retry-After header (seconds) on a 429.
	RetryAfter bool `json:"retry_after,omitempty"`
	// RetryAfterDate sends only Retry-After, as an HTTP date, on a 429.
	RetryAfterDate bool `json:"retry_after_date,omitempty"`
	// Message replaces the error body's message, such as the 401 Auth0
	// sends for an expired token (ExpiredTokenMessage).
	Message string `json:"message,omitempty"`
	// RedirectTo answers 307 Temporary Redirect to this URL, as a
	// misconfigured proxy in front of a tenant might.
	RedirectTo string `json:"redirect_to,omitempty"`
	// Drop closes the connection without an answer.
	Drop bool `json:"drop,omitempty"`
	// Unreadable answers with the operation's own status and a body that
	// is not JSON, as a proxy's error page might.
	Unreadable bool `json:"unreadable,omitempty"`
	// Oversize answers with the operation's own status and a JSON body
	// larger than any answer a client needs to read (9 MiB).
	Oversize bool `json:"oversize,omitempty"`
	// AfterProcessing carries out the operation before the fault answers,
	// as when a tenant commits a change and the answer is lost. The work
	// stands whatever the client does meanwhile.
	AfterProcessing bool `json:"after_processing,omitempty"`
	// Skip lets this many matching requests through before the fault
	// applies.
	Skip int `json:"skip,omitempty"`
	// RotateFirst rotates the tenant out of band, as the dashboard would,
	// right before the request is served.
	RotateFirst bool `json:"rotate_first,omitempty"`
	// Delay holds the answer this long: before the operation runs, or with
	// AfterProcessing after it ran. A client that gives up during a delay
	// before processing leaves the tenant as it was.
	Delay time.Duration `json:"delay,omitempty"`
}

// answers reports whether the fault replaces the answer; a fault that only
// delays lets the real answer through.
func (f Fault) answers() bool {
	return f.Status != 0 || f.Drop || f.Unreadable || f.Oversize || f.RedirectTo != ""
}

type faultSet struct {
	mu      sync.Mutex
	pending []*Fault
	latency time.Duration
}

func (f *faultSet) add(fault Fault) {
	if fault.Times == 0 {
		fault.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append(f.pending, &fault)
}

func (f *faultSet) setLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// next takes one use of the first fault matching op, if any, and returns
// the latency every answer carries.
func (f *faultSet) next(op Operation) (*Fault, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, p := range f.pending {
		if p.Op != "" && p.Op != op {
			continue
		}
		if p.Skip > 0 {
			p.Skip--
			return nil, f.latency
		}
		p.Times--
		if p.Times <= 0 {
			f.pending = append(f.pending[:i], f.pending[i+1:]...)
		}
		c := *p
		return &c, f.latency
	}
	return nil, f.latency
}
