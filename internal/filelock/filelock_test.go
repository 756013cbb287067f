package filelock

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestOneHolderAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	release, err := Acquire(ctx, "lock-test.example.com")
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(waitCtx, "lock-test.example.com"); err == nil ||
		err.Error() != "another provider process holds the lock\n"+context.DeadlineExceeded.Error() {
		t.Fatalf("a second holder, waiting until its context ends: %v", err)
	}
	other, err := Acquire(ctx, "another-tenant.example.com")
	if err != nil {
		t.Fatalf("another tenant's lock: %v", err)
	}
	other()
	var wg sync.WaitGroup
	wg.Add(1)
	got := make(chan time.Time, 1)
	go func() {
		defer wg.Done()
		again, err := Acquire(ctx, "lock-test.example.com")
		if err == nil {
			got <- time.Now()
			again()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	released := time.Now()
	release()
	wg.Wait()
	select {
	case at := <-got:
		if at.Before(released) {
			t.Fatal("the waiter got the lock before it was released")
		}
	default:
		t.Fatal("the waiter did not get the lock once it was released")
	}
}
