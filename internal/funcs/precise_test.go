package funcs

import (
	"math"
	"testing"
)

func TestPreciseTanLog10(t *testing.T) {
	// The C library's correctly rounded values.
	for x, want := range map[float64]float64{1: 1.5574077246549023, 0.5: 0.5463024898437905, -2: 2.185039863261519, 100: -0.5872139151569291} {
		if got := tanRounded(x); got != want {
			t.Errorf("tanRounded(%v) = %v, want %v", x, got, want)
		}
	}
	for x, want := range map[float64]float64{5: 0.6989700043360189, 1000: 3, 3: 0.47712125471966244, 12345.678: 4.091514945509202, 1e-300: -300, 0.5: -0.3010299956639812} {
		if got := preciseLog10(x); got != want {
			t.Errorf("preciseLog10(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(preciseLog10(-1)) || !math.IsInf(preciseLog10(0), -1) {
		t.Error("preciseLog10 of -1 and 0: want NaN and -Inf")
	}
}
