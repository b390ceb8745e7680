package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// formatFixtures holds telemetry written by tools independent of kqlhunt: zstd
// files by the zstd command, Event Hub Capture Avro files by the npm
// package avsc, and Log Analytics exports written by hand from the shapes
// Microsoft documents (see make_fixtures.sh there).
const formatFixtures = "../../internal/source/testdata/formats"

// TestQueryFormats runs kqlhunt query over each input format.
func TestQueryFormats(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []string
		query string
		want  string
	}{
		{"zstd JSON lines", []string{"--data", formatFixtures + "/zst/DeviceNetworkEvents.json.zst"},
			"DeviceNetworkEvents | project DeviceName, RemotePort | order by DeviceName asc",
			"DeviceName,RemotePort\nwks-1,443\nwks-2,8443\nwks-3,\n"},
		{"Event Hub Capture Avro", []string{"--data", formatFixtures + "/capture"},
			"union withsource = Source DeviceNetworkEvents, DeviceProcessEvents | summarize n = count() by Source, DeviceName | order by Source asc, DeviceName asc",
			"Source,DeviceName,n\nDeviceNetworkEvents,wks-1,1\nDeviceNetworkEvents,wks-2,1\nDeviceProcessEvents,wks-1,1\nDeviceProcessEvents,wks-3,1\n"},
		{"glob over Capture folders", []string{"--data", formatFixtures + "/capture/*/*/0/2025/**/*.avro"},
			"DeviceNetworkEvents | project DeviceName | order by DeviceName asc", "DeviceName\nwks-1\nwks-2\n"},
		{"Log Analytics data export", []string{"--data", formatFixtures + "/loganalytics/export"},
			"DeviceNetworkEvents | project DeviceName, TimeGenerated | order by DeviceName asc",
			"DeviceName,TimeGenerated\nwks-1,2025-03-04T10:01:02.3456789Z\nwks-2,2025-03-04T10:03:04.0000000Z\n"},
		{"Log Analytics query API response", []string{"--data", formatFixtures + "/loganalytics/query-response.json"},
			"DeviceNetworkEvents | project DeviceName, RemotePort | order by DeviceName asc",
			"DeviceName,RemotePort\nwks-1,443\nwks-3,\n"},
		{"Log Analytics query API response, --table", []string{"--table", "DeviceNetworkEvents=" + formatFixtures + "/loganalytics/query-response-untyped.json"},
			"DeviceNetworkEvents | project DeviceName, RemotePort | order by DeviceName asc",
			"DeviceName,RemotePort\nwks-7,3389\nwks-8,5900\n"},
		{"Log Analytics portal CSV", []string{"--data", formatFixtures + "/loganalytics/portal-export.csv"},
			"DeviceNetworkEvents | project TimeGenerated, DeviceName | order by DeviceName asc",
			"TimeGenerated,DeviceName\n2025-03-04T10:00:00.1230000Z,wks-1\n2025-03-04T10:00:02.0000000Z,wks-2\n"},
		{"Type column in JSON lines", []string{"--data", formatFixtures + "/loganalytics/rows-with-type.jsonl"},
			"DeviceProcessEvents | project FileName", "FileName\ncmd.exe\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"query", "--format", "csv"}, c.args...)
			code, out, errs := kqlhunt(t, "", append(args, c.query)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if out != c.want {
				t.Errorf("got\n%s\nwant\n%s", out, c.want)
			}
		})
	}
}

// TestZstdAsPlain checks that a zstd file of two frames (an Event Hub
// message and PT1H.json lines) gives the rows of the files it compresses.
func TestZstdAsPlain(t *testing.T) {
	query := "union withsource = Source DeviceNetworkEvents, DeviceProcessEvents, DeviceEvents | summarize n = count(), ports = make_set(RemotePort) by Source, DeviceName | order by Source asc, DeviceName asc"
	code, want, errs := kqlhunt(t, "", "query", "--format", "csv",
		"--data", "../../internal/source/testdata/screenmeet/streaming_eventhub_message.json",
		"--data", "../../internal/source/testdata/screenmeet/streaming_storage_PT1H.json", query)
	if code != 0 || strings.Count(want, "\n") < 2 {
		t.Fatalf("plain: exit %d, %q: %s", code, want, errs)
	}
	code, got, errs := kqlhunt(t, "", "query", "--format", "csv", "--data", formatFixtures+"/zst/records.zst", query)
	if code != 0 || got != want {
		t.Errorf("zstd: exit %d, got\n%s\nwant\n%s\n%s", code, got, want, errs)
	}
}

// TestQueryFormatProblems checks that problems in these formats are
// reported with their place, and formats not read are named.
func TestQueryFormatProblems(t *testing.T) {
	code, _, errs := kqlhunt(t, "", "query", "--format", "csv", "--data", formatFixtures+"/damaged", "DeviceNetworkEvents | count")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "00.avro:record 3:1:13: the document ends in the middle of a value") {
		t.Errorf("stderr does not place the cut Body at its record:\n%s", errs)
	}
	code, _, errs = kqlhunt(t, "", "query", "--strict", "--data", formatFixtures+"/damaged", "DeviceNetworkEvents | project RemotePort")
	if code != 3 || !strings.Contains(errs, "00.avro:record 2:1: column \"RemotePort\"") {
		t.Errorf("--strict: exit %d, stderr:\n%s", code, errs)
	}

	dir := t.TempDir()
	for name, content := range map[string]string{
		"export.zip":    "PK\x03\x04\x14\x00rest",
		"Security.evtx": "ElfFile\x00" + strings.Repeat("\x00", 100),
		"logs.xz":       "\xfd7zXZ\x00\x00\x04rest",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := kqlhunt(t, "", "query", "--data", p, "DeviceNetworkEvents | count")
		if code == 0 || !strings.Contains(errs, p+": not telemetry this reader knows: unknown format (starts with bytes ") {
			t.Errorf("%s: exit %d, stderr %q", name, code, errs)
		}
	}
	pattern := formatFixtures + "/nowhere/**/*.json"
	code, _, errs = kqlhunt(t, "", "query", "--data", pattern, "DeviceNetworkEvents | count")
	if code == 0 || !strings.Contains(errs, pattern+": no file matches the pattern") {
		t.Errorf("pattern matching nothing: exit %d, stderr %q", code, errs)
	}
}
