// Package source reads exported Microsoft Defender XDR telemetry into
// columnar batches of one table.
//
// Open finds the telemetry under the paths a user names, tells the format
// of each file from its content and the table it holds from the data, the
// file name, a parent folder name or the user's --table NAME=PATH. Scan then
// streams the rows of one table as *value.Batch, decoding only the columns a
// query asks for and converting each value to the schema's column type.
//
// Formats, detected from the content of a file's first 64 KiB whatever the
// file is called (gzip and zstd files, told by their magic numbers, are
// decompressed and UTF-16 text, told by its byte order mark or the NUL
// bytes of ASCII, decoded transparently):
//
//   - JSON lines of Advanced Hunting rows: one object per line whose keys
//     are column names.
//   - Defender streaming API records, one per line as Azure Storage writes
//     them (PT1H.json): {"time", "tenantId", "operationName",
//     "category": "AdvancedHunting-<Table>", "properties": {row}}.
//   - A streaming API Event Hub message: {"records": [record, ...]}, which
//     may span many lines; several may follow each other in a file.
//   - An Advanced Hunting API response: {"Stats", "Schema", "Results": [row,
//     ...]}, keys matched case-insensitively.
//   - A JSON array of rows or records, and pretty-printed row objects.
//   - The portal's CSV export: a header of column names, RFC 4180 quoting,
//     an empty cell for null. The Log Analytics portal's header names a
//     datetime column "TimeGenerated [UTC]", read as TimeGenerated; a
//     column exported in another time zone is reported and not read.
//   - A Log Analytics query API response: {"tables": [{"name", "columns":
//     [{"name", "type"}], "rows": [[value, ...], ...]}]}, read one row at
//     a time.
//   - Log Analytics data export folders (am-<table>/WorkspaceResourceId=/
//     .../PT05M.json): JSON lines, the table named by the container.
//   - Apache Parquet (DuckDB, Spark, Azure Data Explorer exports, kqlhunt
//     convert): any codec parquet-go reads (snappy, gzip, zstd, lz4,
//     brotli). Its table is named by a "table" key in its key-value
//     metadata, else by the path. Only the columns a scan asks for are
//     decoded (top-level columns, matched by name exactly, else ignoring
//     case; LIST, MAP, STRUCT and repeated columns read as null, each
//     value counted as not converted), and a scan given a
//     TimeRange (ScanWindow) skips the row groups whose Timestamp or
//     TimeGenerated statistics miss it, counting their rows in
//     FileStats.Pruned. TIMESTAMP columns in any unit, DATE, INT96, and
//     INT64 100 ns ticks (as WriteParquet writes them) read as datetime;
//     byte-array values convert as JSON strings do. A value's position in
//     messages is its row number in the file.
//   - Event Hub Capture Avro files (namespace/hub/partition/yyyy/MM/dd/
//     HH/mm/ss.avro): Avro object container files (null, deflate,
//     snappy, zstandard or bzip2 blocks) whose records' Body holds a JSON
//     document, a streaming API message {"records": [...]}; each record
//     goes to its table. A problem is placed at FILE:record N[:LINE:COL],
//     N counting the Avro records of the file from 1 and LINE:COL in the
//     Body. The container's framing is read here, block by block (at
//     most MaxRecordSize each), and the records are decoded with
//     hamba/avro.
//
// Everything is read as a stream with bounded memory: a line, a document
// element or a CSV record longer than MaxRecordSize (64 MiB) is skipped
// and reported rather than held, and a JSON document (an Event Hub message
// of gigabytes) is read one element at a time, never whole.
//
// A file of JSON lines (rows or streaming records) larger than a chunk
// (1 MiB) is decoded on Options.Threads goroutines: one reads the file
// (and decompresses gzip) into chunks of whole lines, workers decode the
// chunks, and the scan returns their batches in file order, so the rows,
// their order, the stats and the FILE:LINE of every problem are those of
// the sequential reader. At most 2×Threads chunks are in flight; Close
// stops the goroutines, so a scan closed early (take 10) reads little more
// than it returned. Options.Strict, CSV, JSON documents and smaller files
// are read on the scan's goroutine.
//
// A file of streaming records may hold records of any number of tables,
// anywhere (concatenated PT1H.json blobs, Event Hub messages): every
// record goes to its own table's scan. The first call that needs to know
// a dataset's tables (Tables, HasTable, Scan, Stats, Progress, Index)
// reads each such file once, streaming, to list them, so that a rule is
// never reported "not evaluated" for want of data that a file holds.
//
// Log Analytics names each row's table in its Type column. A file of rows
// (JSON lines, JSON documents and Event Hub messages, query API
// responses, CSV, Event Hub Capture) whose rows' Type names a known table
// routes each row to the table its Type names, as streaming records are
// routed by their category; rows without a Type are of the file's table.
//
// --data paths that do not exist and hold *, ? or [ are glob patterns
// ("**" for any folders); one that matches nothing is an error.
//
// Folders are walked recursively, following symbolic links to folders
// (--data may name one); hidden files and folders are skipped. A folder
// met again through a link (a loop) is walked once and reported, as are
// links that lead nowhere; a file reached by two paths is read once.
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
//	guid      as toguid() reads them (value.ParseGUID): 32 hex digits,
//	          with hyphens in the 8-4-4-4-12 places or not; read as
//	          canonical lowercase
//	dynamic   any JSON value; a string holding a JSON object or array is
//	          parsed. A CSV cell is parsed as JSON when it is JSON, else
//	          kept as a string.
//
// A blank string or cell is null for every type but string.
//
// Defender tables have both Timestamp and TimeGenerated in the schema
// (Sentinel adds TimeGenerated to its copies), but advanced hunting
// exports have only Timestamp: a row without TimeGenerated takes its
// Timestamp (a streaming record's time first), so that a rule written for
// Sentinel that filters on TimeGenerated finds the rows.
//
// Nothing is dropped silently:
//
//   - A malformed line or record is skipped and counted; a value that does
//     not convert to its column type becomes null and is counted. Both
//     are reported in Stats as FILE:LINE[:COL]: reason, the first few per
//     file. A bad first line (an export banner, a line cut short, NULs)
//     costs that line only, as any other bad line.
//   - A truncated or corrupt gzip or zstd stream keeps the complete rows
//     before the damage and is reported at the line where it happens
//     (truncated gzip stream); the rest of the file is skipped. A damaged
//     Avro block is reported at its first record, and the rest of the
//     file is skipped.
//   - A JSON document whose structure breaks is read up to the break,
//     which is reported at its line and column; the rest of it is skipped.
//     A CSV quoted field that never closes (a stray quote) is reported at
//     the line where it starts.
//   - Files that are not read (not telemetry, empty, or in a format
//     kqlhunt does not read: Avro that is not Event Hub Capture, gzipped
//     Parquet, zip, tar, bzip2, xz, 7z, RAR, LZ4, EVTX, binary) are listed
//     in Stats.Ignored with the format recognised by its magic number
//     ("unknown format (starts with bytes 50 4B 03 04: a zip archive)")
//     and counted in Stats.NotRead.
//   - Streaming records of another table in a file of plain rows (whose
//     start has none) are counted in FileStats.OtherTables, with their
//     tables.
//
// With Options.Strict each of these, and a file not read, is an error of
// type *DataError instead (the CLI exits 3 on it).
//
// Stats also summarises, per table (Stats.Tables), the rows read, the
// range of the time column and the values that are not null per column
// decoded, for telling "no finding" from "no data to find in".
package source
