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
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/aptinstall"
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

// install installs Debian's clickhouse-server when it is missing.
func install() error {
	return aptinstall.Install(aptinstall.File(Binary), "clickhouse-server")
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
%[4]s</yandex>
`

// Server starts a ClickHouse server for t and returns its engine URL,
// clickhouse://127.0.0.1:PORT/DATABASE. It skips t when the server tests
// are not enabled, and fails it when the server cannot be installed or
// started. The server stops, and its folder is removed, when t ends.
func Server(t testing.TB, database string) string {
	t.Helper()
	setup(t)
	for attempt := 0; ; attempt++ {
		httpPort, tcpPort := ports(t), ports(t)
		err := start(t, httpPort, tcpPort, "")
		if err == nil {
			return fmt.Sprintf("clickhouse://127.0.0.1:%d/%s", tcpPort, database)
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
}

// Cluster starts two ClickHouse servers for t whose configuration
// declares the cluster name, of two shards of one replica each, the two
// servers, and returns the engine URL of a cluster of them: the first
// server's, clickhouse://127.0.0.1:PORT/DATABASE?cluster=NAME&shards=...
// with both servers' native addresses. It skips and fails as Server does.
func Cluster(t testing.TB, database, name string) string {
	t.Helper()
	setup(t)
	for attempt := 0; ; attempt++ {
		var http, tcp [2]int
		for i := range 2 {
			http[i], tcp[i] = ports(t), ports(t)
		}
		remote := fmt.Sprintf(`  <remote_servers><%[1]s>
    <shard><replica><host>127.0.0.1</host><port>%[2]d</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>%[3]d</port></replica></shard>
  </%[1]s></remote_servers>
`, name, tcp[0], tcp[1])
		err := start(t, http[0], tcp[0], remote)
		if err == nil {
			err = start(t, http[1], tcp[1], remote)
		}
		if err == nil {
			return fmt.Sprintf("clickhouse://127.0.0.1:%d/%s?cluster=%s&shards=127.0.0.1:%d,127.0.0.1:%d", tcp[0], database, name, tcp[0], tcp[1])
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
}

// setup skips t when the server tests are not enabled and installs the
// server when it is missing.
func setup(t testing.TB) {
	t.Helper()
	if ok, skip := Enabled(); !ok {
		t.Skip(skip)
	}
	if err := install(); err != nil {
		t.Fatalf("installing clickhouse-server: %v", err)
	}
}

func ports(t testing.TB) int {
	p, err := freePort()
	if err != nil {
		t.Fatalf("no free port: %v", err)
	}
	return p
}

// Process is a running test server.
type Process struct {
	dir               string
	httpPort, tcpPort int
	cmd               *exec.Cmd
	out               bytes.Buffer
	exited            chan error
}

// start starts a server on the ports with extra configuration, stopped
// when t ends. It returns an error when the server does not answer (a
// port taken meanwhile: the caller tries other ports).
func start(t testing.TB, httpPort, tcpPort int, extra string) error {
	_, err := startProcess(t, httpPort, tcpPort, extra)
	return err
}

func startProcess(t testing.TB, httpPort, tcpPort int, extra string) (*Process, error) {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"data", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "config.xml")
	if err := os.WriteFile(conf, fmt.Appendf(nil, config, dir, httpPort, tcpPort, extra), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Process{dir: dir, httpPort: httpPort, tcpPort: tcpPort}
	if err := p.run(t); err != nil {
		return nil, err
	}
	t.Cleanup(p.Kill)
	return p, nil
}

// run starts the server of p's folder and waits until it answers.
func (p *Process) run(t testing.TB) error {
	p.cmd = exec.Command(Binary, "--config-file="+filepath.Join(p.dir, "config.xml"))
	p.cmd.Dir = p.dir
	p.out.Reset()
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	dieWithParent(p.cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", Binary, err)
	}
	p.exited = make(chan error, 1)
	go func(cmd *exec.Cmd, exited chan error) { exited <- cmd.Wait() }(p.cmd, p.exited)
	c, err := clickhouse.ParseURL(fmt.Sprintf("clickhouse://127.0.0.1:%d/", p.tcpPort))
	if err != nil {
		t.Fatal(err)
	}
	if err = c.Ping(30 * time.Second); err == nil {
		return nil
	}
	p.Kill()
	log, _ := os.ReadFile(filepath.Join(p.dir, "server.err.log"))
	return fmt.Errorf("clickhouse-server did not answer on port %d: %v\n%s%s", p.tcpPort, err, p.out.Bytes(), log)
}

// Kill kills the server at once (SIGKILL), as a crash would, and waits
// for it to exit. Killing a server killed already does nothing.
func (p *Process) Kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
}

// Restart starts the killed server again, on its folder and ports.
func (p *Process) Restart(t testing.TB) {
	t.Helper()
	if err := p.run(t); err != nil {
		t.Fatal(err)
	}
}

// KillableServer is Server, and returns the server's process too, to kill
// and restart it.
func KillableServer(t testing.TB, database string) (string, *Process) {
	t.Helper()
	setup(t)
	for attempt := 0; ; attempt++ {
		httpPort, tcpPort := ports(t), ports(t)
		p, err := startProcess(t, httpPort, tcpPort, "")
		if err == nil {
			return fmt.Sprintf("clickhouse://127.0.0.1:%d/%s", tcpPort, database), p
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
}
