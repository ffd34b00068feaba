#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Moving partitions online (docs/CLUSTER.md, tessera.rebalance): a coordinator with two workers and two
# tables with rows; a third worker is added and tessera.rebalance() runs while clients insert (single
# rows and two-phase multi-row inserts), update (every partition, two-phase), delete and read. Then: no client saw an error, no row was lost or
# duplicated (the table holds exactly the rows the clients were told were committed), the placement is
# even, the old shard tables are gone, and the new placement survives kill -9 of the coordinator. Then
# the coordinator is killed in the middle of moves (TESSERA_FAULT_MOVE) before and after a switch, and
# tessera.drain_worker empties the third worker so that tessera.remove_worker succeeds.
# Output is compared with rebalance.expected; the figures (duration, rows moved, errors) go to stderr.
#   rebalance_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"

start_three_workers_and_mover_coordinator
shard_tables_on() {
  psql -X -q -t -A -h 127.0.0.1 -p "$1" -U tessera -d tessera \
    -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tessera_shards'" 2>&1
}
placements="SELECT table_name, worker_id, count(*) AS partitions FROM tessera.placements GROUP BY 1, 2 ORDER BY 1, 2"
# Each worker's shard tables against the partitions the placement gives it (leftovers show as a difference).
shards() {
  for worker in 1 2 3; do
    eval "port=\$worker${worker}_port"
    echo "worker $worker: $(shard_tables_on "$port") shard tables, placement says $(value "SELECT count(*) FROM tessera.placements WHERE worker_id = $worker")"
  done
}
contents="SELECT count(*), count(DISTINCT id), sum(id) FROM accounts"

# Clients of the load, each a loop of single statements (one psql each) until $work/stop appears (at most
# 2000 statements). A writer logs the ids it was told were committed; every failure is logged.
writer() {
  name=$1
  base=$2
  rows=$3
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    first=$((base + round * rows))
    last=$((first + rows - 1))
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "INSERT INTO accounts SELECT g, g % 100 FROM generate_series($first, $last) g" >/dev/null 2>>"$work/$name.errors"; then
      seq "$first" "$last" >>"$work/committed"
    else
      echo "failed: $first .. $last" >>"$work/$name.errors"
    fi
    round=$((round + 1))
  done
}
# Adds 1 to the balance of accounts 1 to 1000 (on every worker) and logs each success.
updater() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "UPDATE accounts SET balance = balance + 1 WHERE id <= 1000" >/dev/null 2>>"$work/updater.errors"; then
      echo "$round" >>"$work/updated"
    else
      echo "failed: update $round" >>"$work/updater.errors"
    fi
    round=$((round + 1))
  done
}
# Deletes accounts 30001, 30002, ... one at a time and logs the ids deleted.
deleter() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    id=$((30001 + round))
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "DELETE FROM accounts WHERE id = $id" >/dev/null 2>>"$work/deleter.errors"; then
      echo "$id" >>"$work/deleted"
    else
      echo "failed: delete $id" >>"$work/deleter.errors"
    fi
    round=$((round + 1))
  done
}
reader() {
  name=$1
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    psql -X -q -t -A -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "SELECT count(*), sum(id) FROM accounts; SELECT count(*) FROM events WHERE kind = 'k1'" >/dev/null 2>>"$work/$name.errors" ||
      echo "failed" >>"$work/$name.errors"
    round=$((round + 1))
  done
}
# Polls the progress view from another session while the rebalance runs.
watcher() {
  while [ ! -f "$work/stop" ]; do
    value "SELECT state, partitions_moved < partitions_total FROM tessera.rebalance_progress" >>"$work/progress"
    sleep 0.2
  done
}

{
  echo "=== two workers, two tables with rows"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port)"
  sql "CREATE TABLE accounts (id bigint PRIMARY KEY, balance integer NOT NULL)"
  sql "CREATE TABLE events (id integer, kind text)"
  sql "INSERT INTO accounts SELECT g, g % 100 FROM generate_series(1, 50000) g"
  sql "INSERT INTO events SELECT g, 'k' || (g % 3) FROM generate_series(1, 9000) g"
  seq 1 50000 >"$work/committed"
  sql "$placements"
  echo "=== refused: inside a transaction block, a worker that is not registered; NULL gives NULL"
  sql "BEGIN; SELECT tessera.rebalance(); COMMIT"
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker3_port)"
  sql "SELECT tessera.drain_worker(NULL, 1)"
  echo "=== a third worker, rebalanced while clients write and read"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker3_port)"
  writer single 1000000 1 &
  writer_single=$!
  writer multi 2000000 20 &
  writer_multi=$!
  : >"$work/updated"
  : >"$work/deleted"
  updater &
  updater=$!
  deleter &
  deleter=$!
  reader reader1 &
  reader1=$!
  reader reader2 &
  reader2=$!
  watcher &
  watcher=$!
  sleep 1
  started=$(date +%s.%N)
  sql "SELECT tessera.rebalance()" >"$work/rebalanced" &
  rebalance=$!
  sleep 1  # the moves take 3 s at least (TESSERA_FAULT_MOVE=slow)
  echo "a second rebalance meanwhile:"
  sql "SELECT tessera.rebalance()"
  wait $rebalance
  finished=$(date +%s.%N)
  cat "$work/rebalanced"
  sleep 1
  touch "$work/stop"
  wait $writer_single $writer_multi $updater $deleter $reader1 $reader2 $watcher
  errors=$(cat "$work"/*.errors | wc -l)
  echo "errors seen by clients: $errors"
  cat "$work"/*.errors
  echo "progress seen while running: $(grep -c '^running|t$' "$work/progress" | sed 's/^[1-9][0-9]*$/yes/')"
  sql "SELECT operation, state, partitions_total, partitions_moved, partitions_caught_up > 0 AS caught_up, rows_copied > 0 AS rows_copied, rows_caught_up > 0 AS rows_caught_up, bytes_copied > rows_copied AS bytes_copied, eta_seconds, current_move, error FROM tessera.rebalance_progress"
  {
    echo "rebalance from 2 to 3 workers under load: $(awk "BEGIN { printf \"%.1f\", $finished - $started }") s"
    value "SELECT 'rows copied: ' || rows_copied || ', bytes: ' || bytes_copied || ', partitions: ' || partitions_moved || ', caught up holding writers: ' || partitions_caught_up || ' partitions, ' || rows_caught_up || ' rows changed during their copy, rows/s: ' || round(rows_per_second::numeric) FROM tessera.rebalance_progress"
    echo "rows committed (50000 before, then the clients): $(wc -l <"$work/committed"), updates: $(wc -l <"$work/updated"), deletes: $(wc -l <"$work/deleted"); client errors: $errors"
  } >&2
  echo "=== no row lost or duplicated: the table holds exactly the rows committed to the clients"
  LC_ALL=C sort "$work/deleted" >"$work/deleted.sorted"
  LC_ALL=C sort "$work/committed" | LC_ALL=C comm -23 - "$work/deleted.sorted" >"$work/kept"
  mv "$work/kept" "$work/committed"
  committed=$(sort -n "$work/committed" | awk '{ count++; sum += $1 } END { printf "%d|%d|%.0f", count, count, sum }')
  actual=$(value "$contents")
  [ "$committed" = "$actual" ] && echo "rows match what the clients were told" || echo "rows differ: committed $committed, table $actual"
  sql "SELECT count(*), count(DISTINCT id), sum(id) FROM events"
  balances=$(value "SELECT sum(balance) - $(wc -l <"$work/updated") * 1000 FROM accounts WHERE id <= 1000")
  echo "every update counted once in accounts 1 to 1000: $([ "$balances" = 49500 ] && echo yes || echo "no: $balances")"
  echo "=== placement even, old shard tables gone"
  sql "$placements"
  shards
  echo "=== a second rebalance has nothing to move"
  sql "SELECT tessera.rebalance()"
  echo "=== the coordinator killed -9 and restarted keeps the new placement"
  restart_coordinator
  sql "$placements"
  actual=$(value "$contents")
  [ "$committed" = "$actual" ] && echo "rows match what the clients were told" || echo "rows differ: committed $committed, table $actual"
  echo "=== the coordinator dies after copying a partition, before switching: the old placement holds"
  restart_coordinator after-copy
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker3_port)" >/dev/null
  wait "$pid_coordinator" 2>/dev/null && echo "coordinator still running" || echo "coordinator exited after the copy"
  restart_coordinator
  sql "$placements"
  shards
  actual=$(value "$contents")
  [ "$committed" = "$actual" ] && echo "rows match what the clients were told" || echo "rows differ: committed $committed, table $actual"
  echo "=== the coordinator dies after switching, before dropping the old copy: the new placement holds"
  restart_coordinator after-switch
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker3_port)" >/dev/null
  wait "$pid_coordinator" 2>/dev/null && echo "coordinator still running" || echo "coordinator exited after the switch"
  restart_coordinator
  sql "$placements"
  shards
  actual=$(value "$contents")
  [ "$committed" = "$actual" ] && echo "rows match what the clients were told" || echo "rows differ: committed $committed, table $actual"
  echo "=== drain_worker moves the rest off worker 3 and removes the leftovers; then remove_worker succeeds"
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker3_port)"
  sql "SELECT operation, state, partitions_total, partitions_moved, error FROM tessera.rebalance_progress"
  sql "$placements"
  shards
  sql "SELECT tessera.remove_worker('127.0.0.1', $worker3_port)"
  sql "SELECT worker_id, host, port FROM tessera.workers ORDER BY worker_id"
  actual=$(value "$contents")
  [ "$committed" = "$actual" ] && echo "rows match what the clients were told" || echo "rows differ: committed $committed, table $actual"
  sql "SELECT count(*), count(DISTINCT id), sum(id) FROM events"
  sql "SELECT id, balance FROM accounts WHERE id = 7777"
  echo "=== refused on a worker"
  psql -X -q -h 127.0.0.1 -p "$worker1_port" -U tessera -d tessera -v VERBOSITY=sqlstate -c "SELECT tessera.rebalance()" 2>&1 || true
} >"$work/actual" 2>"$work/figures"
cat "$work/figures" >&2
grep -v '^#' "$expected" | diff -u - "$work/actual"
