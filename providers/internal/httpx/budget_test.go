package httpx

import (
	"sync"
	"testing"
	"time"
)

func withdrawAll(b *RetryBudget) (n int) {
	for b.Withdraw() {
		n++
	}
	return n
}

func TestRetryBudgetStartsWithReserve(t *testing.T) {
	b := NewRetryBudget(RetryBudgetConfig{Now: newClock().Now})
	if n := withdrawAll(b); n != int(DefaultRetryBudgetMax) {
		t.Fatalf("%d retries from a fresh budget, want %v", n, DefaultRetryBudgetMax)
	}
}

func TestRetryBudgetTenPercentOfCalls(t *testing.T) {
	b := NewRetryBudget(RetryBudgetConfig{Now: newClock().Now}) // frozen: no floor credit
	withdrawAll(b)
	retries := 0
	for range 1000 { // every call fails and wants 2 retries
		b.Deposit()
		for range 2 {
			if b.Withdraw() {
				retries++
			}
		}
	}
	// 1000 calls deposit 100 tokens; float rounding may cost one.
	if retries < 99 || retries > 100 {
		t.Fatalf("%d retries for 1000 calls, want 10 %% (100)", retries)
	}
}

func TestRetryBudgetFloorRefillsOverTime(t *testing.T) {
	clk := newClock()
	b := NewRetryBudget(RetryBudgetConfig{Now: clk.Now})
	withdrawAll(b)
	clk.Advance(time.Second)
	if n := withdrawAll(b); n != int(DefaultMinRetriesPerSec) {
		t.Fatalf("%d retries after 1 s idle, want %v", n, DefaultMinRetriesPerSec)
	}
	clk.Advance(time.Hour)
	if n := withdrawAll(b); n != int(DefaultRetryBudgetMax) {
		t.Fatalf("%d retries after 1 h idle, want the cap %v", n, DefaultRetryBudgetMax)
	}
}

func TestRetryBudgetDepositsCapped(t *testing.T) {
	b := NewRetryBudget(RetryBudgetConfig{Now: newClock().Now})
	for range 10_000 { // a long healthy period
		b.Deposit()
	}
	if n := withdrawAll(b); n != int(DefaultRetryBudgetMax) {
		t.Fatalf("%d retries banked, want the cap %v", n, DefaultRetryBudgetMax)
	}
}

func TestRetryBudgetConcurrent(t *testing.T) {
	b := NewRetryBudget(RetryBudgetConfig{Max: 50, Now: newClock().Now})
	var (
		mu  sync.Mutex
		got int
		wg  sync.WaitGroup
	)
	for range 20 {
		wg.Go(func() {
			for range 10 {
				if b.Withdraw() {
					mu.Lock()
					got++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if got != 50 {
		t.Fatalf("%d withdrawals granted from 50 tokens", got)
	}
}

func TestRetryBudgetNilAllows(t *testing.T) {
	var b *RetryBudget
	b.Deposit()
	if !b.Withdraw() {
		t.Fatal("nil budget refused a retry")
	}
}
