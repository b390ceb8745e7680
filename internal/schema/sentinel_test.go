package schema

import (
	"sort"
	"strings"
	"testing"
)

// TestSentinelFiles parses every embedded Log Analytics table file and
// fails on any malformed line, naming file and line, and on any table that
// is not declared with "table".
func TestSentinelFiles(t *testing.T) {
	decls, err := parseTablesFS(sentinelFS, "sentinel")
	if err != nil {
		t.Fatalf("malformed Sentinel catalog:\n%v", err)
	}
	for _, d := range decls {
		if d.legacy || d.enrichment {
			t.Errorf("%s: %s: only current tables belong in sentinel/", d.pos, d.name)
		}
	}
	t.Logf("%d Log Analytics tables", len(decls))
	if len(decls) < 100 {
		t.Errorf("got %d tables, want at least 100", len(decls))
	}
}

// TestSentinelInvariants checks the built catalog: every table has a
// one-line doc, unique identifier columns of valid types, and the Log
// Analytics standard columns with their types.
func TestSentinelInvariants(t *testing.T) {
	c := Sentinel()
	_, decls := sentinelOnce()
	if got := len(c.Names()); got != len(decls) {
		t.Errorf("catalog has %d tables, declarations %d", got, len(decls))
	}
	for _, name := range c.Names() {
		tb := c.Table(name)
		if tb.Doc == "" || strings.ContainsAny(tb.Doc, "\r\n") {
			t.Errorf("table %s: doc %q is empty or not one line", name, tb.Doc)
		}
		seen := map[string]bool{}
		for _, col := range tb.Columns {
			if seen[col.Name] {
				t.Errorf("table %s: duplicate column %s", name, col.Name)
			}
			seen[col.Name] = true
			if col.Type == Unknown || col.Type >= numTypes || !IsIdent(col.Name) {
				t.Errorf("table %s: bad column %q of type %v", name, col.Name, col.Type)
			}
		}
		for _, std := range logAnalyticsColumns {
			i := tb.Lookup(std.Name)
			if i < 0 || tb.Columns[i].Type != std.Type {
				t.Errorf("table %s: standard column %s missing or not %v", name, std.Name, std.Type)
			}
		}
	}
}

// TestSentinelTables checks the tables the issue names, and a few columns
// and types of the most used ones against the reference.
func TestSentinelTables(t *testing.T) {
	c := Sentinel()
	for _, name := range strings.Fields(`
		SecurityEvent SigninLogs AADNonInteractiveUserSignInLogs AuditLogs
		AzureActivity OfficeActivity CommonSecurityLog Syslog SecurityAlert
		SecurityIncident Heartbeat Event WindowsEvent DnsEvents W3CIISLog
		ThreatIntelligenceIndicator BehaviorAnalytics IdentityInfo
		AzureDiagnostics Usage Operation SentinelHealth IntuneAuditLogs
		IntuneOperationalLogs AWSCloudTrail MicrosoftGraphActivityLogs
		LAQueryLogs AADManagedIdentitySignInLogs AADServicePrincipalSignInLogs
		StorageBlobLogs AzureMetrics ContainerLog VMConnection Anomalies
		Watchlist`) {
		if c.Table(name) == nil {
			t.Errorf("table %s missing", name)
		}
	}
	for _, tt := range []struct {
		table, col string
		typ        Type
	}{
		{"SigninLogs", "ResultType", String},
		{"SigninLogs", "LocationDetails", Dynamic},
		{"SigninLogs", "CreatedDateTime", Datetime},
		{"SigninLogs", "RiskLevelDuringSignIn", String},
		{"AuditLogs", "TargetResources", Dynamic},
		{"AuditLogs", "InitiatedBy", Dynamic},
		{"SecurityEvent", "EventID", Int},
		{"SecurityEvent", "LogonType", Int},
		{"SecurityEvent", "CommandLine", String},
		{"CommonSecurityLog", "DestinationPort", Int},
		{"OfficeActivity", "Parameters", String},
		{"AzureActivity", "Properties_d", Dynamic},
		{"Syslog", "SyslogMessage", String},
		{"ThreatIntelligenceIndicator", "ConfidenceScore", Real},
		{"AzureDiagnostics", "ResourceProvider", String},
		{"AzureDiagnostics", "DurationMs", Long},
		{"AzureDiagnostics", "AdditionalFields", Dynamic},
		{"Usage", "Quantity", Real},
	} {
		tb := c.Table(tt.table)
		if tb == nil {
			continue
		}
		i := tb.Lookup(tt.col)
		if i < 0 {
			t.Errorf("%s.%s missing", tt.table, tt.col)
		} else if got := tb.Columns[i].Type; got != tt.typ {
			t.Errorf("%s.%s is %v, want %v", tt.table, tt.col, got, tt.typ)
		}
	}
}

// TestBuiltin checks the merged catalog: every Defender and every Sentinel
// table, Defender's form first for the tables both have, with the Log
// Analytics columns appended.
func TestBuiltin(t *testing.T) {
	b := Builtin()
	def, sen := Defender(), Sentinel()
	want := map[string]bool{}
	for _, n := range def.Names() {
		want[n] = true
	}
	for _, n := range sen.Names() {
		want[n] = true
	}
	if got := len(b.Names()); got != len(want) {
		t.Errorf("Builtin has %d tables, want %d", got, len(want))
	}
	names := BuiltinTableNames()
	if !sort.StringsAreSorted(names) {
		t.Error("BuiltinTableNames is not sorted")
	}
	for _, n := range def.Names() {
		d, got := def.Table(n), b.Table(n)
		for i, col := range d.Columns {
			if got.Columns[i] != col {
				t.Errorf("%s: column %d is %+v, want Defender's %+v", n, i, got.Columns[i], col)
				break
			}
		}
		if s := sen.Table(n); s != nil {
			for _, col := range s.Columns {
				if got.LookupFold(col.Name) < 0 {
					t.Errorf("%s: Log Analytics column %s missing from the merged table", n, col.Name)
				}
			}
		} else if len(got.Columns) != len(d.Columns) {
			t.Errorf("%s: %d columns, want Defender's %d", n, len(got.Columns), len(d.Columns))
		}
	}
	for _, n := range sen.Names() {
		if def.Table(n) == nil && b.Table(n) != sen.Table(n) {
			t.Errorf("%s: not Sentinel's table", n)
		}
	}
	if b.Table("IdentityInfo").Lookup("InvestigationPriority") < 0 || b.Table("IdentityInfo").Lookup("CriticalityLevel") < 0 {
		t.Error("IdentityInfo lacks the columns of one of its two forms")
	}
	if Builtin() != b {
		t.Error("Builtin is not shared")
	}
}
