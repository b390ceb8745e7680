package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	for _, c := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "devel go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			"v1.2.0 (rev 0123456789ab, 2026-12-01T10:00:00Z) go1.26.8"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"devel (rev abc+modified)"},
	} {
		if got := formatVersion(&c.info); got != c.want {
			t.Errorf("formatVersion = %q, want %q", got, c.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "kqlhunt ") || errs != "" {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, _ := kqlhunt(t, "", "version", "extra"); code != exitUsage {
		t.Errorf("version extra: exit %d, want %d", code, exitUsage)
	}
}

func TestCommandLine(t *testing.T) {
	got := commandLine([]string{"hunt", "--rules", "my rules", "--data", "it's.jsonl", "--engine=clickhouse://u:secret@h:8123/db", "-o", "r.html", ""})
	want := `kqlhunt hunt --rules 'my rules' --data 'it'\''s.jsonl' --engine=clickhouse://u:xxxxx@h:8123/db -o r.html ''`
	if got != want {
		t.Errorf("commandLine = %s, want %s", got, want)
	}
}
