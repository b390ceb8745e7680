// Writes the DuckDB Parquet fixtures of internal/source/parquet_test.go.
import { DuckDBInstance } from '@duckdb/node-api';
const out = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run(`CREATE TABLE t AS SELECT
  TIMESTAMP '2025-03-04 09:00:00' + to_seconds(i*37) + to_microseconds(i*123) AS Timestamp,
  (TIMESTAMP '2025-03-04 09:00:00' + to_seconds(i*37) + to_microseconds(i*123))::TIMESTAMPTZ AS TimeGenerated,
  (TIMESTAMP '2025-03-04 09:00:00' + to_seconds(i*37) + to_microseconds(i*123))::TIMESTAMP_NS AS TsNs,
  'dev-' || (i%5) AS DeviceName,
  CASE WHEN i%10=9 THEN NULL ELSE (i*7 % 65536)::INTEGER END AS RemotePort,
  i::BIGINT * 1000003 AS ReportId,
  i / 4.0 AS Score,
  CASE WHEN i%10=9 THEN NULL ELSE i%2=0 END AS Flag,
  (i*1.25)::DECIMAL(10,2) AS Amount,
  DATE '2025-03-04' + (i//50)::INTEGER AS Day,
  ('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS DeviceId,
  CASE WHEN i%10=9 THEN NULL ELSE ('{"n":' || i || ',"s":"x"}')::JSON END AS AdditionalFields,
  CASE WHEN i%10=9 THEN NULL ELSE 'host' || i || '.example.com' END AS RemoteUrl
FROM range(120) r(i) ORDER BY i`);
for (const codec of ['snappy', 'gzip', 'zstd', 'lz4', 'brotli']) {
  await c.run(`COPY t TO '${out}/DeviceNetworkEvents.${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`);
}
await c.run(`COPY t TO '${out}/named-by-metadata.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048, KV_METADATA {"table": 'DeviceNetworkEvents'})`);
const r = await c.runAndReadAll(`SELECT version()`);
console.log(r.getRows());
