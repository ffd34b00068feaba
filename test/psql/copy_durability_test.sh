#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# COPY FROM STDIN across restarts: committed COPY rows come back exactly after kill -9 right after COMMIT
# was acknowledged (replayed from the WAL) and after a clean restart; rows of a rolled-back COPY, of a
# COPY undone by ROLLBACK TO SAVEPOINT, and of a COPY in a transaction that never committed do not. The
# output is compared with copy_durability.expected, which is this script's output against PostgreSQL 15
# (same queries, no restarts: there a restart changes nothing).
#   copy_durability_test.sh TESSERA_BINARY EXPECTED_FILE   fresh data directory, restarts, compare (the ctest)
#   copy_durability_test.sh --run HOST PORT                print the output (to regenerate the expected file)
set -eu

# Prints rows first..last of the test table as COPY text.
rows() {
  seq "$1" "$2" |
    awk '{ printf "%d\t%d.25\tname %d\t2024-01-%02d 10:00:%02d\n", $1, $1 % 1000, $1 % 97, $1 % 28 + 1, $1 % 60 }'
}

summary() {
  $psql -c "SELECT count(*), sum(id), sum(price), count(DISTINCT name), min(seen), max(seen) FROM copied"
  $psql -c "SELECT id / 100000 AS block, count(*) FROM copied GROUP BY 1 ORDER BY 1"
}

# copy_never_committed FIRST LAST SECONDS SQL: COPYs rows FIRST..LAST in a transaction left open (psql
# waits in \watch inside it), runs SQL (if any) from another session after SECONDS, kills the server
# with -9 and restarts it, and prints the summary.
copy_never_committed() {
  { echo "BEGIN;"; echo "COPY copied FROM STDIN;"; rows "$1" "$2"; echo '\.'; echo "SELECT 1 \\watch 60"; } |
    $psql >/dev/null 2>&1 &
  client=$!
  sleep "$3"
  if [ -n "$4" ]; then $psql -c "$4"; fi
  $restart kill
  kill "$client" 2>/dev/null || true
  wait "$client" 2>/dev/null || true
  summary
}

run_commands() {
  psql="psql -X -q -h $1 -p $2 -U postgres -d postgres"
  restart=$3
  $psql -c "DROP TABLE IF EXISTS copied" 2>/dev/null
  $psql -c "CREATE TABLE copied (id int, price float8, name text, seen timestamp)"
  echo "=== one large COPY, a COPY partly undone by ROLLBACK TO SAVEPOINT, a rolled-back COPY"
  rows 1 150000 | $psql -c "COPY copied FROM STDIN"
  { echo "BEGIN;"; echo "COPY copied FROM STDIN;"; rows 200001 205000; echo '\.'
    echo "SAVEPOINT s;"; echo "COPY copied FROM STDIN;"; rows 300001 305000; echo '\.'
    echo "ROLLBACK TO SAVEPOINT s;"; echo "COPY copied FROM STDIN;"; rows 400001 401000; echo '\.'
    echo "COMMIT;"; } | $psql
  { echo "BEGIN;"; echo "COPY copied FROM STDIN;"; rows 500001 510000; echo '\.'; echo "ROLLBACK;"; } | $psql
  summary
  echo "=== after kill -9 (replayed from the WAL)"
  $restart kill
  summary
  echo "=== after a clean restart"
  $restart stop
  summary
  echo "=== a COPY, then kill -9 right after it was acknowledged"
  rows 600001 680000 | $psql -c "COPY copied FROM STDIN"
  $restart kill
  summary
  echo "=== a COPY in a transaction that never commits, then kill -9"
  copy_never_committed 700001 720000 1 ""
  # Tessera writes a large COPY's rows to the WAL while it runs (log-ahead, engine/durability.h): a
  # checkpoint in the middle must neither lose them once committed nor keep them otherwise.
  echo "=== a large COPY, a CHECKPOINT before its COMMIT, then kill -9 after the COMMIT"
  { echo "BEGIN;"; echo "COPY copied FROM STDIN;"; rows 800001 1200000; echo '\.'; echo "\\! sleep 2"
    echo "COMMIT;"; } | $psql >/dev/null &
  client=$!
  sleep 1
  $psql -c "CHECKPOINT"
  wait "$client"
  $restart kill
  summary
  echo "=== a large COPY, a CHECKPOINT, then kill -9 before it commits"
  copy_never_committed 1300001 1700000 2 "CHECKPOINT"
}

no_restart() { :; }

if [ "$1" = "--run" ]; then
  run_commands "$2" "$3" no_restart
  exit 0
fi

binary=$1
expected=$2
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server=""
start_server() {
  "$binary" --port "$port" --data-dir "$work/data" >>"$work/server.log" 2>&1 &
  server=$!
  for attempt in $(seq 100); do
    psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
}
# restart stop|kill: stops the server with SIGTERM or SIGKILL and starts it again on the same directory.
restart() {
  if [ "$1" = kill ]; then kill -9 "$server"; else kill "$server"; fi
  wait "$server" 2>/dev/null || true
  start_server
}
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
start_server
run_commands 127.0.0.1 "$port" restart >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
