package bot

import (
	"fmt"
	"testing"
	"time"
)

// exhaust takes every token of user and checks the first refusal notifies.
func exhaust(t *testing.T, l *limiter, user int64) {
	t.Helper()
	for i := range l.perMinute {
		if ok, _ := l.allow(user); !ok {
			t.Fatalf("allow(%d) question %d refused, want allowed up to %d", user, i+1, l.perMinute)
		}
	}
	if ok, notify := l.allow(user); ok || !notify {
		t.Fatalf("allow(%d) over the limit = %v, %v, want refused with a notice", user, ok, notify)
	}
}

func TestLimiterAskersAreIndependent(t *testing.T) {
	const a, b = 1, 2
	for _, perMinute := range []int{1, 2, 6} {
		t.Run(fmt.Sprintf("%d/min", perMinute), func(t *testing.T) {
			l := newLimiter(perMinute, newClock().Now)
			exhaust(t, l, a)
			// b reaches its own limit: a's state is untouched.
			exhaust(t, l, b)
			if ok, notify := l.allow(a); ok || notify {
				t.Errorf("allow(a) after b hit its limit = %v, %v, want refused without a second notice", ok, notify)
			}
			// Enough new askers to make the limiter evict: a is still
			// short of tokens, so it keeps its state.
			for u := range int64(3 * limiterSweep) {
				if ok, _ := l.allow(100 + u); !ok {
					t.Fatalf("allow(%d), a new asker, refused", 100+u)
				}
			}
			if ok, notify := l.allow(a); ok || notify {
				t.Errorf("allow(a) after %d other askers = %v, %v, want still refused, no second notice", 3*limiterSweep, ok, notify)
			}
		})
	}
}

func TestLimiterRefusesUntilRefilled(t *testing.T) {
	tests := []struct {
		name      string
		perMinute int
		wait      time.Duration
		want      int // questions allowed after wait, before the next refusal
	}{
		{"6/min, too soon", 6, 9 * time.Second, 0},
		{"6/min, one token back", 6, 10 * time.Second, 1},
		{"6/min, three back", 6, 35 * time.Second, 3},
		{"6/min, full again", 6, time.Minute, 6},
		{"6/min, never more than the burst", 6, time.Hour, 6},
		{"1/min, too soon", 1, 59 * time.Second, 0},
		{"1/min, after a minute", 1, time.Minute, 1},
		{"60/min, after a second", 60, time.Second, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			l := newLimiter(tc.perMinute, clk.Now)
			const user = 7
			exhaust(t, l, user)
			clk.Advance(tc.wait)
			got := 0
			for {
				ok, notify := l.allow(user)
				if !ok {
					// A notice again only if a question got through since.
					if notify != (got > 0) {
						t.Errorf("refusal after %d allowed: notify = %v, want %v", got, notify, got > 0)
					}
					break
				}
				got++
				if got > tc.perMinute {
					t.Fatalf("more than %d questions allowed at once", tc.perMinute)
				}
			}
			if got != tc.want {
				t.Errorf("after %v, %d questions allowed, want %d", tc.wait, got, tc.want)
			}
		})
	}
}

func TestLimiterDisabled(t *testing.T) {
	l := newLimiter(0, newClock().Now)
	for i := range 100 {
		if ok, notify := l.allow(1); !ok || notify {
			t.Fatalf("allow, question %d, with the limit off = %v, %v, want allowed", i+1, ok, notify)
		}
	}
	if len(l.m) != 0 {
		t.Errorf("limit off keeps %d askers, want none", len(l.m))
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	const askers = 100_000
	tests := []struct {
		name    string
		every   time.Duration // clock step between new askers
		maxSize int           // largest map while they arrive
		keepAll bool          // every asker is still active: none evicted
		then    time.Duration // quiet time before one more asker
		final   int           // largest map after that asker
	}{
		// One new asker every 10ms: the 6/min buckets fill again after
		// 10s, so about 1000 are active at once. Below limiterSweep the
		// map is left alone.
		{"steady stream", 10 * time.Millisecond, limiterSweep, false, time.Minute, limiterSweep},
		// All at once: all active, all kept, until they are idle; then
		// the next new asker, a minute later, clears them.
		{"burst", 0, askers, true, time.Minute, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			l := newLimiter(6, clk.Now)
			largest := 0
			for u := range int64(askers) {
				if ok, _ := l.allow(u); !ok {
					t.Fatalf("allow(%d), a new asker, refused", u)
				}
				largest = max(largest, len(l.m))
				clk.Advance(tc.every)
			}
			if largest > tc.maxSize {
				t.Errorf("%d askers: map grew to %d, want ≤ %d", askers, largest, tc.maxSize)
			}
			if tc.keepAll && len(l.m) != askers {
				t.Errorf("%d active askers: map holds %d, want all", askers, len(l.m))
			}
			clk.Advance(tc.then)
			l.allow(askers)
			if len(l.m) > tc.final {
				t.Errorf("after %v quiet and one more asker: map size %d, want ≤ %d", tc.then, len(l.m), tc.final)
			}
		})
	}
}
