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
