package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sortedLines returns the lines of s, sorted: results compared as
// multisets, since converted files hold rows in time order.
func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	slices.Sort(lines)
	return lines
}

// sameResults runs args over the original telemetry and over the Parquet
// conversion and fails when the output differs (as a multiset of lines).
func sameResults(t *testing.T, orig, conv string, args ...string) {
	t.Helper()
	run := func(data string) string {
		full := append(append([]string{}, args...), "--data", data)
		code, out, errs := kqlhunt(t, "", full...)
		if code != 0 && code != exitFindings {
			t.Fatalf("%v: exit %d\n%s", full, code, errs)
		}
		return out
	}
	a, b := run(orig), run(conv)
	if a == "" || strings.Count(a, "\n") < 1 {
		t.Fatalf("%v: no output over %s", args, orig)
	}
	if !slices.Equal(sortedLines(a), sortedLines(b)) {
		t.Errorf("%v: results differ\nover %s:\n%s\nover Parquet:\n%s", args, orig, a, b)
	}
}

// convert runs kqlhunt convert and returns its stdout.
func convert(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := kqlhunt(t, "", append([]string{"convert", "--progress", "never"}, args...)...)
	if code != 0 {
		t.Fatalf("convert %v: exit %d\n%s", args, code, errs)
	}
	return out
}

// TestConvertExamples converts the example telemetry (JSON lines and
// streaming records) and finds the same results in the Parquet: the seed
// rule's findings and queries over every column.
func TestConvertExamples(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pq")
	msg := convert(t, "--data", "../../examples/telemetry", "--out", out)
	if !strings.Contains(msg, "of 1 table in 1 Parquet file") {
		t.Errorf("convert said %q", msg)
	}
	if _, err := os.Stat(filepath.Join(out, "DeviceNetworkEvents", "day=2025-03-04", "part-0.parquet")); err != nil {
		t.Fatal(err)
	}
	const now = "2025-03-05T00:00:00Z"
	sameResults(t, "../../examples/telemetry", out, "hunt", "--rules", "../../examples/rules", "--now", now, "--format", "jsonl")
	for _, q := range []string{
		"DeviceNetworkEvents",
		"DeviceNetworkEvents | where Timestamp > ago(1d) | summarize n=count(), a=array_sort_asc(make_set(RemoteUrl)) by DeviceName",
		"DeviceNetworkEvents | where RemoteUrl has 'screenmeet' | project Timestamp, ReportId, AdditionalFields, InitiatingProcessFileSize",
	} {
		sameResults(t, "../../examples/telemetry", out, "query", "--now", now, "--format", "jsonl", q)
	}
}

// TestConvertGenerated converts generated rows of tables that have
// columns of every type (and one without Timestamp), with a small
// --max-rows so that days are split into several part files, and reads
// back every row of every table unchanged.
func TestConvertGenerated(t *testing.T) {
	tables := []string{"DeviceProcessEvents", "DeviceNetworkEvents", "DeviceEvents", "DeviceInfo", "EmailEvents",
		"DataSecurityEvents", "DeviceTvmSecureConfigurationAssessment", "IdentityLogonEvents"}
	src := t.TempDir()
	args := []string{"gen", "--rows", "300", "--seed", "9", "--now", genNow, "--out", src}
	for _, name := range tables {
		args = append(args, "--table", name)
	}
	if code, _, errs := kqlhunt(t, "", args...); code != 0 {
		t.Fatalf("gen: exit %d\n%s", code, errs)
	}
	out := filepath.Join(t.TempDir(), "pq")
	convert(t, "--data", src, "--out", out, "--max-rows", "100", "--threads", "3")
	parts, _ := filepath.Glob(filepath.Join(out, "DeviceProcessEvents", "day=*", "part-1.parquet"))
	if len(parts) == 0 {
		t.Error("no day of DeviceProcessEvents was split into several part files")
	}
	for _, name := range tables {
		sameResults(t, src, out, "query", "--now", genNow, "--format", "jsonl", name)
	}
	sameResults(t, src, out, "query", "--now", genNow, "--format", "jsonl",
		"DeviceProcessEvents | where Timestamp between (ago(3d) .. ago(1d)) | summarize count(), dcount(FileName), max(Timestamp) by bin(Timestamp, 1h)")
}

// TestConvertReportsAndRefuses reports skipped input as hunt does, and
// refuses a folder that is not empty.
func TestConvertReportsAndRefuses(t *testing.T) {
	src := t.TempDir()
	data := `{"Timestamp":"2026-01-01T10:00:00Z","DeviceName":"a","RemotePort":"x"}` + "\n" + "not json\n"
	if err := os.WriteFile(filepath.Join(src, "DeviceNetworkEvents.jsonl"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pq")
	record := `{"time":"2026-01-01T10:00:00Z","category":"AdvancedHunting-NoSuchTable","properties":{"A":1}}` + "\n"
	if err := os.WriteFile(filepath.Join(src, "PT1H.json"), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := kqlhunt(t, "", "convert", "--data", src, "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote 1 row of 1 table") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, errs)
	}
	if !strings.Contains(errs, "table NoSuchTable is not in the Defender XDR schema; its rows are not converted") {
		t.Errorf("stderr does not name the table left out:\n%s", errs)
	}
	if !strings.Contains(errs, ":2") || !strings.Contains(errs, "RemotePort") {
		t.Errorf("stderr does not report the bad line and value:\n%s", errs)
	}
	code, _, errs = kqlhunt(t, "", "convert", "--data", src, "--out", out)
	if code != exitUsage || !strings.Contains(errs, "not empty") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	code, _, errs = kqlhunt(t, "", "convert", "--data", src, "--out", filepath.Join(t.TempDir(), "x"), "--strict")
	if code != exitData {
		t.Errorf("--strict: exit %d, stderr:\n%s", code, errs)
	}
}
