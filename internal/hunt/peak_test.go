package hunt

import (
	"runtime"
	"testing"
)

// TestPeakMemory checks that the peak resident memory is read on Linux
// and grows with what the process touched.
func TestPeakMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is Linux's")
	}
	before := peakMemory()
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = 1
	}
	after := peakMemory()
	if before <= 0 || after < before+32<<20 {
		t.Errorf("peak memory %d before touching 64 MiB, %d after", before, after)
	}
	runtime.KeepAlive(buf)
}
