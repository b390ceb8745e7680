package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExternalData runs externaldata offline: --externaldata DIR maps each
// URL to the file of DIR with the URL's file name; without it, the query
// fails with a message naming the URL and the option.
// https://learn.microsoft.com/kusto/query/externaldata-operator
func TestExternalData(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "iocs.csv"), []byte("Domain,Score\nevil.example,9\nok.example,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	query := `externaldata(Domain:string, Score:long)[h@"https://raw.example.com/lists/iocs.csv?sv=2024&sig=secret"] with (format="csv", ignoreFirstRecord=true) | where Score > 5 | project Domain`
	code, out, errs := kqlhunt(t, "", "query", "--format", "csv", "--externaldata", dir, query)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "Domain\nevil.example\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	code, _, errs = kqlhunt(t, "", "query", query)
	if code != 2 || !strings.Contains(errs, "https://raw.example.com/lists/iocs.csv") || !strings.Contains(errs, "--externaldata") {
		t.Errorf("without --externaldata: exit %d, stderr %q; want exit 2 naming the URL and --externaldata", code, errs)
	}
	code, _, errs = kqlhunt(t, "", "query", "--externaldata", t.TempDir(), query)
	if code != 2 || !strings.Contains(errs, "iocs.csv") {
		t.Errorf("with a folder lacking the file: exit %d, stderr %q", code, errs)
	}
}

// TestFileProfileWithoutData checks that invoke FileProfile() runs without
// FileProfile data, with null columns and a warning that says so.
// https://learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function
func TestFileProfileWithoutData(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "query", "--format", "csv", "--data", "../../examples/telemetry",
		`DeviceNetworkEvents | take 1 | project SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709" | invoke FileProfile() | project SHA1, GlobalPrevalence`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "SHA1,GlobalPrevalence\nda39a3ee5e6b4b0d3255bfef95601890afd80709,\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if !strings.Contains(errs, "FileProfile") || !strings.Contains(errs, "null") || !strings.Contains(errs, "--table FileProfile=PATH") {
		t.Errorf("stderr %q lacks the warning", errs)
	}
}
