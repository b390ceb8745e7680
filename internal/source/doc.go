// Package source reads exported Microsoft Defender XDR telemetry into
// columnar batches of one table.
//
// Open finds the telemetry under the paths a user names, tells the format
// of each file from its content and the table it holds from the data, the
// file name, a parent folder name or the user's --table NAME=PATH. Scan then
// streams the rows of one table as *value.Batch, decoding only the columns a
// query asks for and converting each value to the schema's column type.
//
// Formats, detected from content whatever the file is called (gzip files
// are decompressed transparently):
//
//   - JSON lines of Advanced Hunting rows: one object per line whose keys
//     are column names.
//   - Defender streaming API records, one per line as Azure Storage writes
//     them (PT1H.json): {"time", "tenantId", "operationName",
//     "category": "AdvancedHunting-<Table>", "properties": {row}}.
//   - A streaming API Event Hub message: {"records": [record, ...]}, which
//     may span many lines and mix tables.
//   - An Advanced Hunting API response: {"Stats", "Schema", "Results": [row,
//     ...]}, keys matched case-insensitively.
//   - A JSON array of rows or records, and pretty-printed row objects.
//   - The portal's CSV export: a header of column names, RFC 4180 quoting,
//     an empty cell for null.
//
// Row keys are matched to column names exactly, else ignoring case; keys
// not in the schema are ignored and columns missing from the data read as
// null. A Log Analytics export of a union may carry a column as NAME_type
// (ReportId_long, AdditionalFields_string): such a key fills column NAME
// when the row has no NAME key, and its value is not null or "". The row
// of a streaming record is its properties; when the schema has
// TimeGenerated or TenantId columns and the row lacks them, they are filled
// from the record's time and tenantId.
//
// Values are converted to the column's type:
//
//	string    JSON strings; numbers and booleans as their text; objects and
//	          arrays as compact JSON; null as ""
//	int, long JSON numbers and numeric strings; a real with no fraction
//	real      JSON numbers and numeric strings, including "NaN"
//	bool      true, false, "true" and "false" in any case, 0 and 1
//	datetime  ISO 8601 strings (the 7-digit form Defender exports is parsed
//	          without allocating), the other forms value.ParseDatetime
//	          reads, and with Options.TimeFormat locale timestamps
//	timespan  strings that value.ParseTimespan reads
//	guid      8-4-4-4-12 or 32 hex digits, optionally in braces; read as
//	          canonical lowercase
//	dynamic   any JSON value; a string holding a JSON object or array is
//	          parsed. A CSV cell is parsed as JSON when it is JSON, else
//	          kept as a string.
//
// A blank string or cell is null for every type but string.
//
// Nothing is dropped silently. A malformed line or record is skipped and
// counted; a value that does not convert to its column type becomes null and
// is counted; both are reported in Stats as FILE:LINE: reason, the first few
// per file. With Options.Strict either is an error of type *DataError.
package source
