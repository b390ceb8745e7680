// avsc_capture.js writes the Event Hub Capture fixtures of this folder
// with the npm package avsc (5.7.9, MIT licence), an Avro library
// independent of the one kqlhunt reads with (hamba/avro); snappy blocks
// are compressed by the npm package snappyjs (0.7.0, MIT licence) and
// zstandard blocks by the zstd command. Run where
// `npm install avsc@5.7.9 snappyjs@0.7.0` was run:
//   NODE_PATH=$PWD/node_modules node avsc_capture.js OUTDIR
// The schema is Event Hub Capture's (Microsoft.ServiceBus.Messaging.EventData).
'use strict';
const avro = require('avsc');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const childProcess = require('child_process');

// Avro's snappy codec: a snappy block, then the CRC-32 of the
// uncompressed data, big-endian.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function snappy(buf, cb) {
  const snappyjs = require('snappyjs');
  const out = Buffer.from(snappyjs.compress(buf));
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(buf));
  cb(null, Buffer.concat([out, sum]));
}
function zstandard(buf, cb) {
  cb(null, childProcess.execFileSync('zstd', ['-q', '-c', '-19'], {input: buf}));
}

const schema = avro.Type.forSchema({
  type: 'record', name: 'EventData', namespace: 'Microsoft.ServiceBus.Messaging',
  fields: [
    {name: 'SequenceNumber', type: 'long'},
    {name: 'Offset', type: 'string'},
    {name: 'EnqueuedTimeUtc', type: 'string'},
    {name: 'SystemProperties', type: {type: 'map', values: ['long', 'double', 'string', 'bytes']}},
    {name: 'Properties', type: {type: 'map', values: ['long', 'double', 'string', 'bytes', 'null']}},
    {name: 'Body', type: ['null', 'bytes']},
  ],
});

function record(table, time, props) {
  return {time, tenantId: '4a8b5f2e-0000-4000-8000-00000000c0de', operationName: 'Publish',
    category: 'AdvancedHunting-' + table, properties: props};
}

function event(seq, messages) {
  return {
    SequenceNumber: seq, Offset: String(seq * 1024), EnqueuedTimeUtc: '3/4/2025 10:15:0' + seq + ' AM',
    SystemProperties: {'x-opt-sequence-number': {long: seq}, 'x-opt-offset': {string: String(seq * 1024)}},
    Properties: {},
    Body: Buffer.from(messages),
  };
}

const net = (dev, port, ip) => record('DeviceNetworkEvents', '2025-03-04T10:15:00.0000000Z', {
  Timestamp: '2025-03-04T10:14:59.1234567Z', DeviceName: dev, ActionType: 'ConnectionSuccess',
  RemoteIP: ip, RemotePort: port, InitiatingProcessFileName: 'ScreenMeetSupport.exe', ReportId: 7});
const proc = (dev) => record('DeviceProcessEvents', '2025-03-04T10:15:01.0000000Z', {
  Timestamp: '2025-03-04T10:15:00.5000000Z', DeviceName: dev, FileName: 'ScreenMeetSupport.exe', ReportId: 8});

function write(file, codec, blockSize, events) {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  const enc = new avro.streams.BlockEncoder(schema, {
    codec, blockSize, codecs: {null: (b, cb) => cb(null, b), deflate: zlib.deflateRaw, snappy, zstandard},
  });
  const out = fs.createWriteStream(file);
  enc.pipe(out);
  for (const e of events) enc.write(e);
  enc.end();
}

const dir = process.argv[2] || '.';
// A clean capture: deflate, a block per record or two.
write(path.join(dir, 'capture/kqlhunt-ns/defender-hub/0/2025/03/04/10/15/00.avro'), 'deflate', 200, [
  event(1, JSON.stringify({records: [net('wks-1', 443, '203.0.113.7'), proc('wks-1')]})),
  event(2, JSON.stringify({records: [net('wks-2', 8443, '198.51.100.9')]}, null, 2)),
  event(3, JSON.stringify({records: [proc('wks-3')]})),
]);
// A damaged one: uncompressed; record 2 has a value that is not a port,
// record 3 a Body cut short.
write(path.join(dir, 'damaged/kqlhunt-ns/defender-hub/1/2025/03/04/10/15/00.avro'), 'null', 65536, [
  event(1, JSON.stringify({records: [net('wks-4', 443, '203.0.113.8')]})),
  event(2, JSON.stringify({records: [net('wks-5', 'https', '203.0.113.9')]})),
  event(3, JSON.stringify({records: [net('wks-6', 443, '203.0.113.10')]}).slice(0, 60)),
  event(4, JSON.stringify({records: [net('wks-7', 22, '203.0.113.11')]})),
]);
// The same records with the other codecs Event Hub Capture tools use.
for (const codec of ['snappy', 'zstandard']) {
  write(path.join(dir, 'codecs/' + codec + '.avro'), codec, 300, [
    event(1, JSON.stringify({records: [net('wks-1', 443, '203.0.113.7'), proc('wks-1')]})),
    event(2, JSON.stringify({records: [net('wks-2', 8443, '198.51.100.9')]})),
  ]);
}
// Log Analytics data export to an event hub, captured: each Body holds
// {"records": [row, ...]}, rows naming their table in Type.
const laRow = (table, dev, extra) => Object.assign({
  TenantId: '4a8b5f2e-0000-4000-8000-00000000c0de', TimeGenerated: '2025-03-04T10:20:00.0000000Z',
  DeviceName: dev, Type: table}, extra);
write(path.join(dir, 'la-capture/la-ns/la-export/0/2025/03/04/10/20/00.avro'), 'deflate', 65536, [
  event(1, JSON.stringify({records: [laRow('DeviceNetworkEvents', 'wks-1', {RemotePort: 443}),
    laRow('DeviceProcessEvents', 'wks-1', {FileName: 'cmd.exe'})]})),
  event(2, JSON.stringify({records: [laRow('DeviceNetworkEvents', 'wks-2', {RemotePort: 22})]})),
]);
// A hub that carries something else than JSON: not telemetry.
write(path.join(dir, 'binary-capture/other-ns/metrics/0/2025/03/04/10/25/00.avro'), 'null', 65536, [
  Object.assign(event(1, ''), {Body: Buffer.from([0x0a, 0x03, 0x66, 0x6f, 0x6f, 0x10, 0x01])}),
  Object.assign(event(2, ''), {Body: Buffer.from([0x0a, 0x03, 0x62, 0x61, 0x72, 0x10, 0x02])}),
]);
