package clock

import (
	"testing"
	"time"
)

func TestManual(t *testing.T) {
	start := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	m := NewManual(start)
	ch, release := m.At(start.Add(time.Hour))
	defer release()
	select {
	case <-ch:
		t.Fatal("woke before the clock reached the instant")
	default:
	}
	if err := m.Advance(59 * time.Minute); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
		t.Fatal("woke a minute early")
	default:
	}
	if err := m.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ch:
		if !got.Equal(start.Add(time.Hour)) {
			t.Fatalf("woke at %v", got)
		}
	default:
		t.Fatal("did not wake at the instant")
	}
	if err := m.Set(start); err == nil {
		t.Fatal("moved the clock back")
	}
	past, _ := m.At(start)
	select {
	case <-past:
	default:
		t.Fatal("an instant already reached did not wake at once")
	}
}
