package kql_test

import (
	"fmt"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// TestTimeWindows checks the windows read from where clauses right above
// a table's scan, with now() pinned.
func TestTimeWindows(t *testing.T) {
	now, _ := kql.ParseNow("2026-11-20T12:00:00Z")
	tests := []struct{ query, want string }{
		{`DeviceNetworkEvents | where Timestamp between (ago(5d) .. now()) | count`,
			"[{DeviceNetworkEvents Timestamp 2026-11-15T12:00:00.0000000Z 2026-11-20T12:00:00.0000000Z}]"},
		{`let start = datetime(2026-01-01); DeviceNetworkEvents | where TimeGenerated > start and RemotePort == 443 | where Timestamp < ago(1h) | count`,
			"[{DeviceNetworkEvents Timestamp - 2026-11-20T11:00:00.0000000Z} {DeviceNetworkEvents TimeGenerated 2026-01-01T00:00:00.0000000Z -}]"},
		{`DeviceNetworkEvents | where ago(1d) <= Timestamp | where Timestamp > ago(2d) | count`,
			"[{DeviceNetworkEvents Timestamp 2026-11-19T12:00:00.0000000Z -}]"},
		// Not right above the scan, or not a time column: no window.
		{`DeviceNetworkEvents | summarize t = max(Timestamp) | where t > ago(1d)`, "[]"},
		{`DeviceNetworkEvents | where RemotePort > 1`, "[]"},
		{`DeviceNetworkEvents | where Timestamp > Timestamp - 1d`, "[]"},
	}
	for _, tt := range tests {
		q, err := kql.Compile(tt.query, kql.Defender(), kql.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		var got []string
		for _, w := range q.TimeWindows(now) {
			from, to := "-", "-"
			if w.HasFrom {
				from = w.From.String()
			}
			if w.HasTo {
				to = w.To.String()
			}
			got = append(got, fmt.Sprintf("{%s %s %s %s}", w.Table, w.Column, from, to))
		}
		if s := fmt.Sprintf("%v", got); s != tt.want && !(len(got) == 0 && tt.want == "[]") {
			t.Errorf("%s:\n got %s\nwant %s", tt.query, s, tt.want)
		}
	}
}
