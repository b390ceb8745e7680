package chtest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the server killed when the test process ends, even
// by a panic (a test timeout) that skips the cleanups.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
