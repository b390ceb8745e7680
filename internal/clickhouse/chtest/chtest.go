// Package chtest starts ClickHouse servers for tests: Debian's
// clickhouse-server (18.16), on 127.0.0.1 with free ports, a temporary
// configuration and data folder, as the current user, stopped when the
// test ends.
package chtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
)

// Binary is where Debian's package installs the server.
const Binary = "/usr/sbin/clickhouse-server"

// Enabled reports whether the server tests run: under CI=true or
// KQLHUNT_CLICKHOUSE=1. Elsewhere skip says how to enable them.
func Enabled() (ok bool, skip string) {
	if os.Getenv("CI") == "true" || os.Getenv("KQLHUNT_CLICKHOUSE") == "1" {
		return true, ""
	}
	return false, "ClickHouse server tests: set CI=true or KQLHUNT_CLICKHOUSE=1 to run them (they install Debian's clickhouse-server with apt-get when it is missing)"
}

// install installs Debian's clickhouse-server when it is missing. Test
// binaries of several packages run at once under go test ./..., and two
// apt-get runs at once fail on dpkg's lock: a file lock makes them take
// turns, and the second finds the package installed.
func install() error {
	if _, err := os.Stat(Binary); err == nil {
		return nil
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "kqlhunt-clickhouse-install.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(Binary); err == nil {
		return nil
	}
	run := func(args ...string) error {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %v\n%s", args, err, out)
		}
		return nil
	}
	if err := run("apt-get", "install", "-y", "clickhouse-server"); err != nil {
		if err := run("apt-get", "update"); err != nil {
			return err
		}
		if err := run("apt-get", "install", "-y", "clickhouse-server"); err != nil {
			return err
		}
	}
	if _, err := os.Stat(Binary); err != nil {
		return fmt.Errorf("apt-get installed clickhouse-server but %s is missing", Binary)
	}
	return nil
}

// freePort returns a TCP port of 127.0.0.1 that nothing listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

const config = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>%[1]s/server.log</log><errorlog>%[1]s/server.err.log</errorlog><console>0</console></logger>
  <http_port>%[2]d</http_port>
  <tcp_port>%[3]d</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <mark_cache_size>268435456</mark_cache_size>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <profiles><default><max_execution_time>60</max_execution_time></default></profiles>
  <quotas><default></default></quotas>
</yandex>
`

// Server starts a ClickHouse server for t and returns its engine URL,
// clickhouse://127.0.0.1:PORT/DATABASE. It skips t when the server tests
// are not enabled, and fails it when the server cannot be installed or
// started. The server stops, and its folder is removed, when t ends.
func Server(t testing.TB, database string) string {
	t.Helper()
	if ok, skip := Enabled(); !ok {
		t.Skip(skip)
	}
	if err := install(); err != nil {
		t.Fatalf("installing clickhouse-server: %v", err)
	}
	dir := t.TempDir()
	for _, sub := range []string{"data", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var url string
	for attempt := 0; ; attempt++ {
		httpPort, err1 := freePort()
		tcpPort, err2 := freePort()
		if err1 != nil || err2 != nil {
			t.Fatalf("no free port: %v %v", err1, err2)
		}
		conf := filepath.Join(dir, "config.xml")
		if err := os.WriteFile(conf, fmt.Appendf(nil, config, dir, httpPort, tcpPort), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(Binary, "--config-file="+conf)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		dieWithParent(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", Binary, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		url = fmt.Sprintf("clickhouse://127.0.0.1:%d/%s", httpPort, database)
		c, err := clickhouse.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Ping(30 * time.Second)
		if err == nil {
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			break
		}
		cmd.Process.Kill()
		<-exited
		log, _ := os.ReadFile(filepath.Join(dir, "server.err.log"))
		if attempt == 2 {
			t.Fatalf("clickhouse-server did not answer on port %d: %v\n%s%s", httpPort, err, out.Bytes(), log)
		}
	}
	return url
}
