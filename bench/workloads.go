package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// A workload is one query shape, written once in KQL for kqlhunt and once in
// SQL for DuckDB, as a careful user of each tool would write it. The SQL reads
// the CTE DeviceNetworkEvents, which each format defines over its own files.
//
// A workload with hunt arguments runs 'kqlhunt hunt' instead and has no
// DuckDB counterpart: its time is compared with kqlhunt's time for the rule
// named by relativeTo.
type workload struct {
	name string
	kql  string
	sql  string

	hunt       []string // arguments after 'kqlhunt hunt', without --data and --now
	relativeTo string   // name of the hunt workload this one is compared with
}

// termRegexp is KQL's `has TERM` written as DuckDB SQL over an expression: a
// case-insensitive match of TERM between term boundaries. kqlhunt, like Kusto,
// takes terms to be runs of letters and digits (internal/funcs, isTermRune);
// \pL and \pN are RE2's letter and digit classes, so the regex agrees with it
// beyond ASCII too.
func termRegexp(expr, term string) string {
	quoted := ""
	for _, r := range strings.ToLower(term) {
		if r == '\'' {
			quoted += "''"
			continue
		}
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			quoted += `\`
		}
		quoted += string(r)
	}
	return fmt.Sprintf(`regexp_matches(lower(%s), '(^|[^\pL\pN])%s($|[^\pL\pN])')`, expr, quoted)
}

// seedRuleFile is the rule the issue measures, relative to the repository.
const seedRuleFile = "examples/rules/screenmeet_netconn.yaml"

// workloads returns the benchmark's workloads; repo is the repository's
// root and now the time the data ends at, which both engines read as now().
func workloads(repo string, now time.Time) ([]workload, error) {
	seedKQL, err := ruleQuery(repo + "/" + seedRuleFile)
	if err != nil {
		return nil, err
	}
	ts := now.UTC().Format("2006-01-02 15:04:05.000000")
	seedSQL := fmt.Sprintf(`SELECT DeviceId, DeviceName, RemoteUrl,
  min(Timestamp) AS FirstSeen, max(Timestamp) AS LastSeen,
  list(DISTINCT ReportId) AS Report, count(*) AS Count
FROM DeviceNetworkEvents
WHERE Timestamp BETWEEN TIMESTAMP '%s' - INTERVAL 5 DAY AND TIMESTAMP '%s'
  AND %s
  AND %s
  AND %s
GROUP BY DeviceId, DeviceName, RemoteUrl`, ts, ts,
		termRegexp("RemoteUrl", "screenmeet.com"),
		termRegexp("InitiatingProcessVersionInfoCompanyName", "Projector Inc"),
		termRegexp("InitiatingProcessVersionInfoProductName", "ScreenMeet"))
	return []workload{
		{name: "seed rule", kql: seedKQL, sql: seedSQL},
		{
			name: "dcount by device",
			kql:  `DeviceNetworkEvents | summarize dcount(RemoteUrl) by DeviceName`,
			// KQL strings are never null: an empty RemoteUrl is a value
			// that dcount counts, while DuckDB reads an empty CSV cell as
			// NULL, which count(DISTINCT) skips.
			sql: `SELECT coalesce(DeviceName, '') AS DeviceName, count(DISTINCT coalesce(RemoteUrl, '')) AS dcount_RemoteUrl
FROM DeviceNetworkEvents GROUP BY ALL`,
		},
		{
			name: "numeric filter, sums",
			kql:  `DeviceNetworkEvents | where RemotePort > 1024 | summarize sum(LocalPort), count() by Protocol`,
			sql: `SELECT coalesce(Protocol, '') AS Protocol, sum(LocalPort) AS sum_LocalPort, count(*) AS count_
FROM DeviceNetworkEvents WHERE RemotePort > 1024 GROUP BY ALL`,
		},
		{
			name: "contains, many rows",
			kql:  `DeviceNetworkEvents | where RemoteUrl contains "micro" | project Timestamp, DeviceName, RemoteUrl, RemotePort`,
			sql: `SELECT Timestamp, DeviceName, RemoteUrl, RemotePort
FROM DeviceNetworkEvents WHERE RemoteUrl ILIKE '%micro%'`,
		},
		{
			name: "arg_max by device",
			// DuckDB's arg_max skips rows whose argument is NULL (an empty
			// CSV cell); KQL's takes the row with the latest Timestamp.
			kql: `DeviceNetworkEvents | summarize arg_max(Timestamp, RemoteUrl) by DeviceId`,
			sql: `SELECT DeviceId, max(Timestamp) AS Timestamp, arg_max(coalesce(RemoteUrl, ''), Timestamp) AS RemoteUrl
FROM DeviceNetworkEvents GROUP BY DeviceId`,
		},
		{name: "seed rule (hunt)", hunt: []string{"--rules", repo + "/" + seedRuleFile}},
		{name: "rmm pack (hunt)", hunt: []string{"--pack", "rmm"}, relativeTo: "seed rule (hunt)"},
	}, nil
}

// ruleQuery returns the query of the Sentinel rule in file.
func ruleQuery(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var rule struct {
		Query string `yaml:"query"`
	}
	if err := yaml.Unmarshal(b, &rule); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	if rule.Query == "" {
		return "", fmt.Errorf("%s: no query", file)
	}
	return rule.Query, nil
}
