package par

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		got := make([]int, n)
		Each(context.Background(), n, func(i int) { got[i] += i + 1 })
		for i, v := range got {
			if v != i+1 {
				t.Fatalf("n=%d: fn(%d) ran %d times", n, i, v/(i+1))
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	Each(ctx, 1000, func(int) {
		if calls.Add(1) == 3 {
			cancel()
		}
	})
	if c := calls.Load(); c >= 1000 {
		t.Errorf("after cancel every call still ran (%d)", c)
	}
}
