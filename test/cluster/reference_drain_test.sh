#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Reference tables on workers added later, and draining a worker (docs/CLUSTER.md, tessera.rebalance,
# tessera.drain_worker): a reference table and a distributed table on two workers; a third worker is
# added and tessera.rebalance() copies the reference table to it while clients insert, COPY, update and
# delete its rows. Then every worker's copy is read directly and must hold exactly the rows the clients
# were told were committed, and a join with the reference table runs on the new worker too. Then a
# drain of worker 1 is interrupted (the coordinator exits mid-move): worker 1 stays 'draining' across
# kill -9 and restart, a table created meanwhile places nothing there, and tessera.rebalance() empties
# it (dropping its copy of the reference table) while it shows 'draining'; tessera.activate_worker undoes
# the state, and tessera.remove_worker succeeds after the drain. Worker 2 is then drained onto worker 3
# (its copies of reference tables dropped), and worker 3, with no other active worker, stays draining.
# Output is compared with reference_drain.expected; the figures go to stderr.
#   reference_drain_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"

start_three_workers_and_mover_coordinator
message() {
  psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=terse -c "$1" 2>&1 |
    sed "s/$worker1_port/W1/g; s/$worker2_port/W2/g; s/$worker3_port/W3/g"
}
on_worker() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U tessera -d tessera -c "$2" 2>&1; }
placements="SELECT table_name, worker_id, count(*) AS partitions FROM tessera.placements GROUP BY 1, 2 ORDER BY 1, 2"
workers="SELECT worker_id, state FROM tessera.workers ORDER BY worker_id"
tier() { sql "EXPLAIN $1" | grep -E 'Join|Distributed Scan' | sed 's/^ *//' || true; }
contents="count(*), sum(id), sum(hits)"
# Each copy of regions, read from its worker directly, against the rows the clients were told were
# committed ($1: what they add up to).
copies() {
  value "SELECT worker_id, shard_table FROM tessera.placements WHERE table_name = 'regions' ORDER BY worker_id" |
    while IFS='|' read -r worker shard; do
      eval "port=\$worker${worker}_port"
      actual=$(on_worker "$port" "SELECT $contents FROM $shard")
      [ "$actual" = "$1" ] && echo "worker $worker's copy holds the rows committed" ||
        echo "worker $worker's copy differs: committed $1, copy $actual"
    done
}

# Clients writing regions, each a loop of single statements until $work/stop appears (at most 2000):
# each logs what it was told was committed, and every failure.
inserter() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    id=$((100000 + round))
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "INSERT INTO regions VALUES ($id, 'r$id', 0)" >/dev/null 2>>"$work/inserter.errors"; then
      echo "$id" >>"$work/committed"
    else
      echo "failed: insert $id" >>"$work/inserter.errors"
    fi
    round=$((round + 1))
  done
}
copier() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    first=$((200000 + round * 10))
    if seq "$first" $((first + 9)) | awk '{ print $1 "\tc" $1 "\t0" }' |
      psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
        -c "COPY regions FROM STDIN" >/dev/null 2>>"$work/copier.errors"; then
      seq "$first" $((first + 9)) >>"$work/committed"
    else
      echo "failed: copy $first" >>"$work/copier.errors"
    fi
    round=$((round + 1))
  done
}
# Adds 1 to the hits of regions 901 to 1000 (rows no other client writes: each copy's UPDATE runs at
# its own moment, so one matching rows others insert could match different rows on each copy).
updater() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "UPDATE regions SET hits = hits + 1 WHERE id BETWEEN 901 AND 1000" >/dev/null 2>>"$work/updater.errors"; then
      echo "$round" >>"$work/updated"
    else
      echo "failed: update $round" >>"$work/updater.errors"
    fi
    round=$((round + 1))
  done
}
# Appends '+' to the names of the rows the inserter makes, which it races: writers of a reference table
# follow one another, so each copy's UPDATE matches the same rows.
tagger() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 2000 ]; do
    psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "UPDATE regions SET name = name || '+' WHERE id >= 100000 AND id < 200000" >/dev/null 2>>"$work/tagger.errors" ||
      echo "failed: tag $round" >>"$work/tagger.errors"
    round=$((round + 1))
  done
}
# Whether every copy of regions holds the same names.
names_agree() {
  value "SELECT worker_id, shard_table FROM tessera.placements WHERE table_name = 'regions' ORDER BY worker_id" |
    while IFS='|' read -r worker shard; do
      eval "port=\$worker${worker}_port"
      on_worker "$port" "SELECT count(*), sum(length(name)) FROM $shard"
    done | sort -u | wc -l | awk '{ print ($1 == 1 ? "every copy holds the same names" : "the copies hold different names") }'
}
# Deletes regions 1, 2, ... (up to 400) one at a time.
deleter() {
  round=0
  while [ ! -f "$work/stop" ] && [ $round -lt 400 ]; do
    id=$((round + 1))
    if psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v ON_ERROR_STOP=1 \
      -c "DELETE FROM regions WHERE id = $id" >/dev/null 2>>"$work/deleter.errors"; then
      echo "$id" >>"$work/deleted"
    else
      echo "failed: delete $id" >>"$work/deleter.errors"
    fi
    round=$((round + 1))
  done
}
# What the copies must hold: count, sum of ids, sum of hits.
committed_contents() {
  LC_ALL=C sort "$work/deleted" >"$work/deleted.sorted"
  count_sum=$(LC_ALL=C sort "$work/committed" | LC_ALL=C comm -23 - "$work/deleted.sorted" |
    awk '{ count++; sum += $1 } END { printf "%d|%.0f", count, sum }')
  echo "$count_sum|$(($(wc -l <"$work/updated") * 100))"
}

{
  echo "=== two workers, a reference table and a distributed table"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port)"
  sql "CREATE TABLE regions (id integer PRIMARY KEY, name text, hits integer NOT NULL) WITH (distribution = 'reference')"
  sql "CREATE TABLE orders (id bigint PRIMARY KEY, region integer)"
  sql "INSERT INTO regions SELECT g, 'r' || g, 0 FROM generate_series(1, 1000) g"
  sql "INSERT INTO orders SELECT g, g % 1000 + 1 FROM generate_series(1, 20000) g"
  seq 1 1000 >"$work/committed"
  : >"$work/deleted"
  : >"$work/updated"
  sql "$placements"
  echo "=== a third worker; rebalance copies regions to it while clients write regions"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker3_port)"
  inserter &
  inserter=$!
  copier &
  copier=$!
  updater &
  updater=$!
  deleter &
  deleter=$!
  tagger &
  tagger=$!
  sleep 1
  started=$(date +%s.%N)
  sql "SELECT tessera.rebalance()"
  finished=$(date +%s.%N)
  sleep 1
  touch "$work/stop"
  wait $inserter $copier $updater $deleter $tagger
  errors=$(cat "$work"/*.errors | wc -l)
  echo "errors seen by clients: $errors"
  cat "$work"/*.errors
  sql "SELECT operation, state, partitions_total, partitions_moved, error FROM tessera.rebalance_progress"
  {
    echo "rebalance with a reference table copy, 2 to 3 workers under writes: $(awk "BEGIN { printf \"%.1f\", $finished - $started }") s"
    value "SELECT 'rows copied: ' || rows_copied || ', caught up holding writers: ' || partitions_caught_up || ' copies, ' || rows_caught_up || ' rows' FROM tessera.rebalance_progress"
    echo "regions rows committed: $(wc -l <"$work/committed"), updates: $(wc -l <"$work/updated"), deletes: $(wc -l <"$work/deleted"); client errors: $errors"
  } >&2
  sql "$placements"
  echo "=== every worker's copy, read there, holds exactly the rows committed"
  expected_contents=$(committed_contents)
  copies "$expected_contents"
  names_agree
  actual=$(value "SELECT $contents FROM regions")
  [ "$actual" = "$expected_contents" ] && echo "the coordinator reads the rows committed" || echo "the coordinator reads $actual, committed $expected_contents"
  echo "=== a join with regions runs on every worker, the new one too"
  q="SELECT count(*), sum(o.id) FROM orders o JOIN regions r ON o.region = r.id WHERE r.id > 400"
  tier "$q"
  sql "$q"
  echo "=== a write after the rebalance reaches all three copies"
  sql "INSERT INTO regions VALUES (-1, 'new', 7)"
  sql "UPDATE regions SET hits = hits + 1 WHERE id = -1"
  echo "-1" >>"$work/committed"
  expected_contents=$(committed_contents | awk -F'|' '{ printf "%d|%d|%d", $1, $2, $3 + 8 }')
  copies "$expected_contents"

  echo "=== drain_worker of worker 1 interrupted (the coordinator exits after a copy): worker 1 stays draining"
  restart_coordinator after-copy
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker1_port)" >/dev/null
  wait "$pid_coordinator" 2>/dev/null && echo "coordinator still running" || echo "coordinator exited after the copy"
  fault=slow start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
  sql "$workers"
  echo "=== kill -9 and restart keep it draining"
  kill -9 "$pid_coordinator"
  wait "$pid_coordinator" 2>/dev/null || true
  fault=slow start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
  sql "$workers"
  echo "=== tables created meanwhile place nothing on worker 1"
  sql "CREATE TABLE later (id integer PRIMARY KEY)"
  sql "CREATE TABLE later_reference (id integer) WITH (distribution = 'reference')"
  sql "SELECT table_name, worker_id, count(*) FROM tessera.placements WHERE table_name LIKE 'later%' GROUP BY 1, 2 ORDER BY 1, 2"
  echo "=== a rebalance empties the draining worker, moving nothing onto it, and drops its copy of regions"
  sql "SELECT tessera.rebalance()" >"$work/drained" &
  drain=$!
  seen=no
  for attempt in $(seq 50); do
    [ "$(value "SELECT state FROM tessera.rebalance_progress")" = running ] &&
      [ "$(value "SELECT state FROM tessera.workers WHERE worker_id = 1")" = draining ] && seen=yes && break
    sleep 0.1
  done
  wait $drain
  echo "draining seen while the rebalance ran: $seen"
  cat "$work/drained"
  sql "SELECT operation, state, error FROM tessera.rebalance_progress"
  sql "$placements"
  echo "shard tables left on worker 1: $(on_worker "$worker1_port" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tessera_shards'")"
  copies "$expected_contents"
  tier "$q"
  sql "$q"
  echo "=== a second rebalance has nothing to do"
  sql "SELECT tessera.rebalance()"
  echo "=== activate_worker makes it active again; drained again, it is removed"
  sql "SELECT tessera.activate_worker('127.0.0.1', $worker1_port)"
  sql "$workers"
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker1_port)"
  sql "SELECT tessera.remove_worker('127.0.0.1', $worker1_port)"
  sql "$workers"
  sql "SELECT count(*), sum(id) FROM orders"
  echo "=== worker 2 drained onto worker 3; then worker 3 cannot be drained (no other active worker): it stays draining"
  sql "SELECT tessera.drain_worker('127.0.0.1', $worker2_port)"
  sql "$placements"
  copies "$expected_contents"
  message "SELECT tessera.drain_worker('127.0.0.1', $worker3_port)"
  sql "$workers"
  echo "=== refused: a worker that is not registered, inside a transaction block"
  sql "SELECT tessera.activate_worker('127.0.0.1', $worker1_port)"
  sql "BEGIN; SELECT tessera.activate_worker('127.0.0.1', $worker3_port); COMMIT"
  sql "SELECT tessera.activate_worker('127.0.0.1', $worker3_port)"
  sql "$workers"
} >"$work/actual" 2>"$work/figures"
cat "$work/figures" >&2
grep -v '^#' "$expected" | diff -u - "$work/actual"
