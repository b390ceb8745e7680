// Package aptinstall installs the Debian packages that tests need
// (clickhouse-server, chromium, zstd, node) when they are missing. Test
// binaries of several packages run at once under go test ./..., and two
// apt-get runs at once fail on dpkg's lock: one file lock, shared by every
// caller, makes them take turns, and a later caller finds its package
// installed.
package aptinstall

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// Install installs pkgs with apt-get (after apt-get update when the
// first try fails) unless present reports them installed, before and
// after taking the lock.
func Install(present func() bool, pkgs ...string) error {
	if present() {
		return nil
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "kqlhunt-apt-install.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if present() {
		return nil
	}
	install := append([]string{"apt-get", "install", "-y"}, pkgs...)
	if err := run(install...); err != nil {
		if err := run("apt-get", "update"); err != nil {
			return err
		}
		if err := run(install...); err != nil {
			return err
		}
	}
	if !present() {
		return fmt.Errorf("apt-get installed %v, but they are still missing", pkgs)
	}
	return nil
}

func run(args ...string) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %v\n%s", args, err, out)
	}
	return nil
}

// Command reports whether the command name is on the PATH.
func Command(name string) func() bool {
	return func() bool {
		_, err := exec.LookPath(name)
		return err == nil
	}
}

// File reports whether the file at path exists.
func File(path string) func() bool {
	return func() bool {
		_, err := os.Stat(path)
		return err == nil
	}
}

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Chromium returns the path of headless chromium for a browser test,
// installed with apt-get when it is missing. Browser tests run under
// CI=true or KQLHUNT_BROWSER=1 and skip elsewhere, saying so.
func Chromium(t testing.TB) string {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("KQLHUNT_BROWSER") != "1" {
		t.Skip("headless browser tests: set CI=true or KQLHUNT_BROWSER=1 to run them (they install Debian's chromium with apt-get when it is missing)")
	}
	if err := Install(File(ChromiumPath), "chromium"); err != nil {
		t.Fatalf("installing chromium: %v", err)
	}
	return ChromiumPath
}
