#!/bin/sh
# make_fixtures.sh writes the fixtures of this folder with tools
# independent of kqlhunt: the zstd command (Debian's zstd 1.5) and the
# npm package avsc (see avsc_capture.js). The Log Analytics fixtures
# (loganalytics/) are written by hand from the shapes Microsoft documents
# for data export, the query API and the portal's CSV export: no tool
# that writes them runs here. Run from this folder.
set -e
zstd -q -f -19 src/DeviceNetworkEvents.jsonl -o zst/DeviceNetworkEvents.json.zst
# Two frames, as `zstd` writes when files are concatenated: both are read.
zstd -q -f -3 ../screenmeet/streaming_eventhub_message.json -o /tmp/hub1.zst
zstd -q -f --long=27 ../screenmeet/streaming_storage_PT1H.json -o /tmp/hub2.zst
cat /tmp/hub1.zst /tmp/hub2.zst > zst/records.zst
rm -f /tmp/hub1.zst /tmp/hub2.zst
d=$(mktemp -d)
(cd "$d" && npm install --silent avsc@5.7.9 snappyjs@0.7.0 >/dev/null)
NODE_PATH="$d/node_modules" node avsc_capture.js .
rm -rf "$d"
