#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ANALYZE of distributed tables on a coordinator with two workers (planner/analyze.cc): the workers
# analyze their shard tables and the coordinator merges them. The merged statistics must equal what an
# embedded server computes over the same rows (the distinct-value sketches merge exactly).
#   analyze_test.sh TESSERA_BINARY EXPECTED_FILE SCRIPTS_DIR
set -eu
binary=$1
expected=$2
scripts=$3
work=$(mktemp -d)
embedded_pid=""
trap '"$scripts/local-cluster" stop "$work/cluster"; [ -n "$embedded_pid" ] && kill -9 $embedded_pid 2>/dev/null; rm -rf "$work"' EXIT

coordinator=$("$scripts/local-cluster" start "$work/cluster" --workers 2 --binary "$binary")
embedded=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" --port "$embedded" --data-dir "$work/embedded" >"$work/embedded.log" 2>&1 &
embedded_pid=$!
for attempt in $(seq 100); do
  psql -X -q -h 127.0.0.1 -p "$embedded" -U tessera -d tessera -c 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done

on() { psql -X -q -A -h 127.0.0.1 -p "$1" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$2" 2>&1; }
both() {
  on "$coordinator" "$1" >"$work/coordinator.out"
  on "$embedded" "$1" >"$work/embedded.out"
  cat "$work/coordinator.out"
  cmp -s "$work/coordinator.out" "$work/embedded.out" || { echo "differs from embedded:"; cat "$work/embedded.out"; }
}
stats="SELECT attname, null_frac, avg_width, n_distinct FROM pg_stats WHERE tablename = 'events' ORDER BY attname"

{
  echo "=== a new distributed table: not analyzed"
  both "CREATE TABLE events (id integer PRIMARY KEY, kind text, amount numeric(10,2), at timestamp, flag boolean)"
  both "INSERT INTO events SELECT g, 'kind' || (g % 37), CASE WHEN g % 5 = 0 THEN NULL ELSE g % 100 END, TIMESTAMP '2024-01-01' + g * INTERVAL '1 minute', g % 3 = 0 FROM generate_series(1, 20000) g"
  both "SELECT reltuples FROM pg_class WHERE relname = 'events'"
  echo "=== ANALYZE: merged from the shards, equal to the embedded server's"
  both "ANALYZE events"
  both "SELECT reltuples FROM pg_class WHERE relname = 'events'"
  both "$stats"
  echo "=== min/max per column (tessera.column_statistics on the coordinator; the workers have it per shard)"
  on "$coordinator" "SELECT column_name, rows, null_count, min_value, max_value FROM tessera.column_statistics WHERE table_name = 'events' ORDER BY column_name"
  echo "=== after more rows, ANALYZE again; an empty distributed table"
  both "INSERT INTO events SELECT g, 'new', NULL, NULL, NULL FROM generate_series(20001, 25000) g"
  both "VACUUM ANALYZE events"
  both "$stats"
  echo "=== a reference table: one copy per worker, analyzed once"
  both "CREATE TABLE kinds (code text PRIMARY KEY, label text) WITH (distribution = 'reference')"
  both "INSERT INTO kinds SELECT 'k' || g, 'label ' || (g % 4) FROM generate_series(1, 30) g"
  both "ANALYZE kinds"
  both "SELECT reltuples FROM pg_class WHERE relname = 'kinds'"
  both "SELECT attname, null_frac, n_distinct FROM pg_stats WHERE tablename = 'kinds' ORDER BY attname"
  both "CREATE TABLE nothing (a integer)"
  both "ANALYZE nothing"
  both "SELECT reltuples FROM pg_class WHERE relname = 'nothing'"
  both "SELECT count(*) FROM pg_stats WHERE tablename = 'nothing'"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
