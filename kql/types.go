package kql

import (
	"time"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// The types of kql's API. They are the engine's own types, named here so
// that code outside this module can use them: a Catalog of Tables whose
// Columns have a Type, and the values that results hold.
type (
	// Catalog is a set of table schemas that queries are checked against.
	Catalog = schema.Catalog
	// Table is a table's name and columns.
	Table = schema.Table
	// Function is a workspace function a schema file declares
	// (ParseSchema): Catalog.Funcs lists them, Catalog.Func finds one by
	// name.
	Function = schema.Func
	// Column is a column's name and KQL type.
	Column = schema.Column
	// Type is a KQL scalar type (string, long, datetime, dynamic, ...);
	// its String method gives the KQL name.
	Type = schema.Type
	// Datetime is a KQL datetime: 100 ns ticks since the Unix epoch, UTC.
	// Its Time method gives a time.Time.
	Datetime = value.Datetime
	// Timespan is a KQL timespan in 100 ns ticks.
	Timespan = value.Timespan
	// Batch holds rows of a result column by column. Batches are
	// read-only for whoever receives them: they may be shared.
	Batch = value.Batch
)

// Defender returns the catalog of Microsoft Defender XDR advanced-hunting
// tables, with the columns Sentinel adds to its copies of them. It is
// shared and must not be modified; Catalog.With returns an extended copy.
func Defender() *Catalog { return schema.Defender() }

// Builtin returns the catalog commands compile queries against: the
// Defender XDR tables of Defender and the Log Analytics tables Microsoft
// Sentinel hunting reads (SigninLogs, SecurityEvent, CommonSecurityLog,
// OfficeActivity, ...), with the columns and types of the Azure Monitor
// Logs table reference. IdentityInfo, which both products have, holds
// Defender's columns followed by the Log Analytics ones. It is shared and
// must not be modified; Catalog.With returns an extended copy.
func Builtin() *Catalog { return schema.Builtin() }

// NewTable returns a table schema, for catalogs of custom tables.
func NewTable(name string, cols []Column) *Table { return schema.NewTable(name, cols) }

// NewCatalog returns a catalog of tables.
func NewCatalog(tables ...*Table) *Catalog { return schema.NewCatalog(tables...) }

// ParseType returns the type a KQL type name (string, long, datetime, ...)
// names.
func ParseType(name string) (Type, bool) { return schema.ParseType(name) }

// DatetimeOf returns t as a Datetime, truncated to 100 ns.
func DatetimeOf(t time.Time) Datetime { return value.DatetimeOf(t) }

// ValueString returns v, a value of type t, as KQL's tostring() writes it.
func ValueString(t Type, v any) string { return funcs.ToString(t, v) }

// ParseTimespan parses a timespan as KQL writes it: a literal such as 5d,
// 1.5h or 100ms, or [-][d.]hh:mm[:ss[.fffffff]].
func ParseTimespan(s string) (Timespan, bool) { return value.ParseTimespan(s) }
