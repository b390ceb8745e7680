package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSentinelTables: the Log Analytics tables of Sentinel are known to
// check, gen and query, as the Defender XDR tables are: a SigninLogs
// query checks clean, a misspelt column is reported with a suggestion,
// gen writes SigninLogs rows, and a query reads them back.
func TestSentinelTables(t *testing.T) {
	for _, q := range []string{
		"SigninLogs | take 1",
		"SecurityEvent | where EventID == 4625 | summarize count() by Account, Computer",
		"CommonSecurityLog | where DestinationPort == 443 | project TimeGenerated, DeviceVendor",
		"OfficeActivity | where Operation == 'New-InboxRule' | project UserId, ClientIP",
		"AuditLogs | extend Target = tostring(TargetResources[0].userPrincipalName) | project TimeGenerated, Target",
		"AzureActivity | summarize count() by Caller, OperationNameValue",
		"IdentityInfo | project AccountUpn, AccountUPN = AccountUpn, InvestigationPriority",
	} {
		if code, out, errs := kqlhunt(t, "", "check", q); code != 0 || out != "" {
			t.Errorf("check %q: exit %d, output %q, stderr %q", q, code, out, errs)
		}
	}
	code, out, _ := kqlhunt(t, "", "check", "SigninLogs | where ResultTyp == '0'")
	if code != 2 || !strings.Contains(out, "1:20: unknown column 'ResultTyp'; did you mean 'ResultType'?") {
		t.Errorf("misspelt column: exit %d, output:\n%s", code, out)
	}

	dir := t.TempDir()
	code, out, errs := kqlhunt(t, "", "gen", "--table", "SigninLogs", "--rows", "25", "--now", genNow, "--out", dir)
	if code != 0 || out != "" || !strings.Contains(errs, "(25 rows)") {
		t.Fatalf("gen: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "SigninLogs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 25 || !strings.Contains(string(data), `"UserPrincipalName":`) {
		t.Errorf("SigninLogs.jsonl has %d lines, or no UserPrincipalName:\n%.300s", n, data)
	}
	code, out, errs = kqlhunt(t, "", "query", "--data", dir, "--now", genNow, "--format", "csv", "SigninLogs | summarize n = count()")
	if code != 0 || out != "n\n25\n" {
		t.Errorf("query: exit %d, output %q, stderr %q", code, out, errs)
	}
}
