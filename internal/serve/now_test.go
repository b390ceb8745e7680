package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestDefaultNow checks the instant now() reads in a query that does not
// give its own: --now when given, the manual clock under --clock, else the
// end of the --data telemetry (the example export's last row is at
// 2025-03-04T10:30:00Z), and the wall clock without --data.
func TestDefaultNow(t *testing.T) {
	pinned := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	manual := time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		opts Options
		want string
	}{
		{"data end", Options{}, "2025-03-04T10:30:00"},
		{"--now", Options{Now: pinned}, "2025-01-02T03:04:05"},
		{"--clock", Options{Clock: clock.NewManual(manual)}, "2025-03-06T00:00:00"},
		{"no data", Options{Data: []string{t.TempDir()}}, "wall clock"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ts := apiTestServer(t, c.opts)
			code, res := apiQuery(t, ts, queryRequest{Query: "print now()"})
			if code != 200 || len(res.Rows) != 1 {
				t.Fatalf("expected 200 and one row, got %d %v", code, res)
			}
			got := strings.Trim(string(res.Rows[0][0]), `"`)
			if c.want == "wall clock" {
				at, err := time.Parse(time.RFC3339Nano, got)
				if err != nil || time.Since(at).Abs() > 5*time.Second {
					t.Errorf("expected now() to be the wall clock, got %s", got)
				}
			} else if !strings.HasPrefix(got, c.want) {
				t.Errorf("expected now() to start with %s, got %s", c.want, got)
			}
			// A request's own now comes first.
			_, res = apiQuery(t, ts, queryRequest{Query: "print now()", Now: "2024-05-01T00:00:00Z"})
			if got := string(res.Rows[0][0]); !strings.HasPrefix(strings.Trim(got, `"`), "2024-05-01T00:00:00") {
				t.Errorf("expected the request's now, got %s", got)
			}
		})
	}
}

func TestDataEndWithoutTimes(t *testing.T) {
	end, err := dataEnd(context.Background(), []string{t.TempDir()}, kql.Builtin())
	if err != nil || !end.IsZero() {
		t.Errorf("an empty folder: expected no end and no error, got %v, %v", end, err)
	}
}
