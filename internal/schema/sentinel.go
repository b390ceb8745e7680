package schema

import (
	"embed"
	"strings"
	"sync"
)

// The Log Analytics tables that Microsoft Sentinel hunting queries read
// (SigninLogs, SecurityEvent, CommonSecurityLog, OfficeActivity, ...) are
// declared like the Defender XDR catalog, in text files under sentinel/, one
// per family, in the format documented in defender.go. Only "table" lines
// are used there: Log Analytics has no legacy names in this catalog.
// Column names and types are those of the Azure Monitor Logs table
// reference; each file's header names the reference it was taken from.
// TestSentinelFiles parses every file.

//go:embed sentinel/*.txt
var sentinelFS embed.FS

// logAnalyticsColumns are the standard columns of every Log Analytics
// table, as "Standard columns in Azure Monitor Logs" documents them. The
// table pages list most of them; a table that lacks one gets it appended.
var logAnalyticsColumns = []Column{
	{Name: "TimeGenerated", Type: Datetime, Doc: "Log Analytics: date and time when the record was created"},
	{Name: "TenantId", Type: String, Doc: "Log Analytics: identifier of the workspace"},
	{Name: "Type", Type: String, Doc: "Log Analytics: name of the table"},
	{Name: "_TimeReceived", Type: Datetime, Doc: "Log Analytics: date and time when the record reached the ingestion point"},
	{Name: "_ItemId", Type: String, Doc: "Log Analytics: unique identifier of the record"},
	{Name: "_ResourceId", Type: String, Doc: "Log Analytics: identifier of the Azure resource the record is associated with"},
	{Name: "_SubscriptionId", Type: String, Doc: "Log Analytics: identifier of the subscription the record is associated with"},
	{Name: "_IsBillable", Type: String, Doc: "Log Analytics: whether ingesting the record is billed"},
	{Name: "_BilledSize", Type: Real, Doc: "Log Analytics: size of the record in bytes"},
}

var sentinelOnce = sync.OnceValues(func() (*Catalog, []defenderTable) {
	decls, err := parseTablesFS(sentinelFS, "sentinel")
	if err != nil {
		// The files are embedded and TestSentinelFiles parses them, so
		// this is reachable only by a build whose tests were not run.
		panic("schema: malformed Sentinel catalog: " + err.Error())
	}
	tables := make([]*Table, 0, len(decls))
	for _, d := range decls {
		t := NewTable(d.name, withColumns(d.cols, logAnalyticsColumns))
		t.Doc = d.doc
		tables = append(tables, t)
	}
	return NewCatalog(tables...), decls
})

// Sentinel returns the built-in catalog of the Log Analytics tables that
// Microsoft Sentinel hunting queries use, with the columns and types of
// the Azure Monitor Logs table reference (plus the standard columns of
// logAnalyticsColumns where a page omits them). It holds the
// Log Analytics form of IdentityInfo, which Defender XDR also has under
// that name; Builtin merges the two.
//
// The catalog is built on first use and shared, like Defender's: it must
// not be modified (use Catalog.With to extend it).
func Sentinel() *Catalog {
	c, _ := sentinelOnce()
	return c
}

var builtinOnce = sync.OnceValue(func() *Catalog {
	def := Defender()
	sen := Sentinel()
	tables := make([]*Table, 0, len(def.Names())+len(sen.Names()))
	for _, name := range def.Names() {
		tables = append(tables, def.Table(name))
	}
	for _, name := range sen.Names() {
		t := sen.Table(name)
		if d := def.Table(name); d != nil {
			m := NewTable(name, withNewColumns(d.Columns, t.Columns))
			m.Doc = d.Doc
			t = m
		}
		tables = append(tables, t)
	}
	return NewCatalog(tables...)
})

// Builtin returns the catalog that commands compile queries against: the
// Defender XDR tables of Defender (which carry the Sentinel common
// columns, as Sentinel's copies of them do) and the Log Analytics tables
// of Sentinel. A table both have (IdentityInfo) keeps Defender's columns,
// positions and types, followed by the Log Analytics columns Defender's
// lacks (AccountUPN, whose name differs from Defender's AccountUpn only in
// case, is left out), so that queries written for either product compile.
//
// The catalog is built on first use and shared: it must not be modified
// (use Catalog.With to extend it).
func Builtin() *Catalog {
	return builtinOnce()
}

// withNewColumns returns cols followed by those of extra whose names
// differ from every name in cols in more than case: readers match the
// keys of exported data to columns case-insensitively, so that a table
// with both AccountUpn and AccountUPN could not be read back. It does not
// modify cols.
func withNewColumns(cols, extra []Column) []Column {
	have := make(map[string]bool, len(cols))
	for _, c := range cols {
		have[strings.ToLower(c.Name)] = true
	}
	out := append([]Column(nil), cols...)
	for _, c := range extra {
		if !have[strings.ToLower(c.Name)] {
			have[strings.ToLower(c.Name)] = true
			out = append(out, c)
		}
	}
	return out
}

// BuiltinTableNames returns the names of the tables in Builtin, sorted.
// The caller owns the returned slice.
func BuiltinTableNames() []string {
	return Builtin().Names()
}
