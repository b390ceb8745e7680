// Package schema defines KQL scalar types, table schemas and the built-in
// catalog of Microsoft Defender XDR advanced hunting tables.
package schema

import "strings"

// Type is a KQL scalar type. The zero value is Unknown, which the checker
// uses for expressions whose type could not be determined (after an error).
type Type uint8

// The KQL scalar types, as listed in
// https://learn.microsoft.com/kusto/query/scalar-data-types/
const (
	Unknown Type = iota
	Bool
	Int      // 32-bit signed integer
	Long     // 64-bit signed integer
	Real     // 64-bit IEEE 754 float
	Decimal  // 128-bit decimal
	String   // UTF-8 text; never null
	Datetime // UTC instant, 100 ns ticks
	Timespan // duration, 100 ns ticks
	Guid     // 128-bit globally unique identifier
	Dynamic  // JSON-like value: array, property bag or scalar
	numTypes
)

var typeNames = [numTypes]string{
	Unknown:  "unknown",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	Datetime: "datetime",
	Timespan: "timespan",
	Guid:     "guid",
	Dynamic:  "dynamic",
}

// String returns the KQL name of t, such as "datetime".
func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return "invalid"
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool {
	return t == Int || t == Long || t == Real || t == Decimal
}

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// Nullable reports whether values of t can be null. Strings cannot: a
// missing or null string reads as the empty string.
func (t Type) Nullable() bool { return t != String }

// typeAliases maps every spelling that KQL accepts in a type position
// (datatable and function parameters, to*() targets, typed nulls, schema
// files) to its type. The synonyms come from the scalar data types page:
// https://learn.microsoft.com/kusto/query/scalar-data-types/
var typeAliases = map[string]Type{
	"bool": Bool, "boolean": Bool,
	"int": Int, "int32": Int,
	"long": Long, "int64": Long,
	"real": Real, "double": Real,
	"decimal":  Decimal,
	"string":   String,
	"datetime": Datetime, "date": Datetime,
	"timespan": Timespan, "time": Timespan,
	"guid": Guid, "uuid": Guid, "uniqueid": Guid,
	"dynamic": Dynamic,
	// .NET names, as used by the Advanced Hunting API's Schema array.
	"system.boolean": Bool, "sbyte": Bool, "system.sbyte": Bool,
	"system.int32": Int, "system.int64": Long,
	"system.double": Real, "single": Real, "float": Real,
	"system.decimal": Decimal, "sqldecimal": Decimal,
	"system.string":   String,
	"system.datetime": Datetime,
	"system.timespan": Timespan,
	"system.guid":     Guid,
	"object":          Dynamic, "system.object": Dynamic,
}

// ParseType returns the type named name, matched case-insensitively against
// KQL type names and their synonyms. ok is false for an unknown name.
func ParseType(name string) (t Type, ok bool) {
	t, ok = typeAliases[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// KeywordType returns the type of a KQL type keyword as written in a query
// (datatable column types, typeof(), typed nulls such as long(null)). Only
// the documented KQL spellings are accepted, case-sensitively.
func KeywordType(name string) (Type, bool) {
	switch name {
	case "bool", "boolean":
		return Bool, true
	case "int":
		return Int, true
	case "long":
		return Long, true
	case "real", "double":
		return Real, true
	case "decimal":
		return Decimal, true
	case "string":
		return String, true
	case "datetime", "date":
		return Datetime, true
	case "timespan", "time":
		return Timespan, true
	case "guid", "uniqueid":
		return Guid, true
	case "dynamic":
		return Dynamic, true
	}
	return Unknown, false
}
