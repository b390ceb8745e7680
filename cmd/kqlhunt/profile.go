package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile starts a CPU profile into the file named by the environment
// variable KQLHUNT_CPUPROFILE, for developers measuring the engine (see
// docs/PERFORMANCE.md); it returns the function that stops it. Without
// the variable it does nothing.
func startProfile() func() {
	file := os.Getenv("KQLHUNT_CPUPROFILE")
	if file == "" {
		return func() {}
	}
	f, err := os.Create(file)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kqlhunt: KQLHUNT_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
