package gen

import (
	"fmt"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestSentinelPlausible: the common filters of Sentinel hunting find rows
// in generated Log Analytics tables, and the columns that describe one
// thing within a row agree.
func TestSentinelPlausible(t *testing.T) {
	cat := schema.Builtin()
	count := func(table, col string, want any) int {
		tab := cat.Table(table)
		n := 0
		for _, v := range column(tab, rows(tab, opts(1, 300)), col) {
			if v == want {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		table, col string
		value      any
	}{
		{"SigninLogs", "ResultType", "0"},
		{"SigninLogs", "ResultType", "50126"},
		{"AADNonInteractiveUserSignInLogs", "ResultType", "0"},
		{"SecurityEvent", "EventID", int64(4625)},
		{"SecurityEvent", "EventID", int64(4688)},
		{"OfficeActivity", "Operation", "New-InboxRule"},
		{"AuditLogs", "OperationName", "Add member to role"},
		{"CommonSecurityLog", "DeviceAction", "deny"},
		{"AzureActivity", "OperationNameValue", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"},
		{"Syslog", "ProcessName", "sshd"},
		{"SecurityAlert", "ProviderName", "MDATP"},
	} {
		if n := count(c.table, c.col, c.value); n == 0 {
			t.Errorf("%s: no row of 300 has %s == %v", c.table, c.col, c.value)
		}
	}

	// A sign-in's result code and its status agree.
	tab := cat.Table("SigninLogs")
	rs := rows(tab, opts(1, 300))
	codes, status := column(tab, rs, "ResultType"), column(tab, rs, "Status")
	for i := range codes {
		if codes[i] == "" || status[i] == nil {
			continue // null
		}
		code, _ := status[i].(*value.Bag).Get("errorCode")
		got := fmt.Sprint(code)
		if got != codes[i] {
			t.Errorf("SigninLogs row %d: ResultType %v but Status.errorCode %v", i, codes[i], got)
		}
	}
	// A Windows event's id and its activity text agree.
	tab = cat.Table("SecurityEvent")
	rs = rows(tab, opts(1, 300))
	ids, acts := column(tab, rs, "EventID"), column(tab, rs, "Activity")
	for i := range ids {
		if ids[i] == nil || acts[i] == "" {
			continue
		}
		if want := fmt.Sprint(ids[i]) + " - "; len(acts[i].(string)) < len(want) || acts[i].(string)[:len(want)] != want {
			t.Errorf("SecurityEvent row %d: EventID %v but Activity %q", i, ids[i], acts[i])
		}
	}
}
