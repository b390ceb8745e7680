package main

import (
	"strings"
	"testing"
)

func TestSQLCommand(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "sql", "--now", "2026-11-20T00:00:00Z", `DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | count`)
	if code != exitOK || !strings.HasPrefix(out, "SELECT ") || !strings.Contains(out, "FROM `DeviceNetworkEvents`") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	code, out, errs = kqlhunt(t, "DeviceNetworkEvents\n| mv-expand x = pack_array(1)\n", "sql")
	if code != exitUsage || out != "" || !strings.Contains(errs, "kqlhunt: sql: <stdin>: 'mv-expand' at 2:3 is not translated to ClickHouse SQL yet") {
		t.Fatalf("refusal: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if code, _, errs := kqlhunt(t, "", "sql", "--now", "yesterday", "DeviceNetworkEvents"); code != exitUsage || !strings.Contains(errs, "--now") {
		t.Fatalf("bad --now: exit %d, %s", code, errs)
	}
	if code, _, errs := kqlhunt(t, "", "sql", "DeviceNetworkEvents | where Nope == 1"); code != exitUsage || !strings.Contains(errs, "unknown column") {
		t.Fatalf("compile error: exit %d, %s", code, errs)
	}
}
