#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A worker's partial aggregate over its shard tables runs in parallel tasks (planner/parallel_selection.cc:
# a parallel section may be a UNION ALL of scans): one worker and a coordinator, and an embedded server
# holding the same rows as the oracle, every node with 2 executor threads and 2 partitions per table.
# The answers are compared; then the SQL the coordinator's EXPLAIN shows (the whole statement: every
# partition is on the one worker) is EXPLAINed on the worker itself (logged in as tessera_cluster): one
# parallel HashAggregate over the scans of the 8 shard tables. Output is compared with workerpar.expected.
#   workerpar_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
coordinator_port=$(free_port)
worker_port=$(free_port)
embedded_port=$(free_port)
start worker "$worker_port" --role worker --threads 2 --partitions 2
start embedded "$embedded_port" --threads 2 --partitions 2
start coordinator "$coordinator_port" --role coordinator --threads 2 --partitions 2

on_worker() {
  PGPASSWORD=cluster-test-secret psql -X -q -A -t -h 127.0.0.1 -p "$worker_port" -U tessera_cluster -d tessera \
    -v VERBOSITY=sqlstate -c "$1" 2>&1 || true
}
# worker_plan QUERY: the plan of the query's worker SQL on the worker, shard table names without OIDs.
worker_plan() {
  sql=$(on "$coordinator_port" "EXPLAIN $1" | sed -n 's/^ *\(Worker \)\{0,1\}SQL: //p')
  on_worker "EXPLAIN $sql" | sed 's/t[0-9]*_p\([0-9]*\)/tOID_p\1/g'
}

{
  on "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker_port) > 0"
  echo "=== data: 150000 rows, 8 partitions on the worker (each a shard table of 2 partitions)"
  both "CREATE TABLE trades (id integer PRIMARY KEY, symbol integer, price numeric(10,2), qty integer, ts timestamp)"
  both "INSERT INTO trades SELECT i, CASE WHEN i % 101 = 0 THEN NULL ELSE (i * 7919) % 997 END, (i % 5000) / 4.0,
          i % 1000 + 1, timestamp '2024-01-01' + i * interval '17 seconds' FROM generate_series(1, 150000) AS i"
  echo "=== answers of the parallel worker aggregates"
  same "count per symbol, top 10" "SELECT symbol, count(*) FROM trades GROUP BY symbol ORDER BY 2 DESC, 1 LIMIT 10"
  same "every split aggregate per symbol" "SELECT symbol, count(*), sum(qty), avg(price), min(ts), max(price) FROM trades GROUP BY symbol ORDER BY symbol"
  same "a filter in every arm" "SELECT symbol, sum(qty), min(price), max(price) FROM trades WHERE ts >= '2024-01-08' AND ts < '2024-01-15' GROUP BY symbol ORDER BY symbol"
  same "no GROUP BY" "SELECT count(*), sum(qty), avg(qty), min(symbol), max(ts) FROM trades"
  echo "=== statements run whole on the one worker"
  same "a self-join" "SELECT a.symbol, count(*) FROM trades a JOIN trades b ON a.id = b.id + 1 WHERE a.symbol < 10 GROUP BY 1 ORDER BY 1"
  same "columns renamed by an alias" "SELECT x, count(*) FROM trades AS t(i, x) GROUP BY x ORDER BY 2 DESC, 1 LIMIT 3"
  same "a subquery reading the table again" "SELECT symbol FROM trades WHERE id IN (SELECT id + 1 FROM trades WHERE qty = 5) ORDER BY id LIMIT 5"
  same "rows in order" "SELECT id, symbol, price FROM trades WHERE qty > 990 ORDER BY id DESC LIMIT 5"
  echo "=== every partition is on the one worker: a grouped read runs whole there, a count(*) per partition"
  on "$coordinator_port" "EXPLAIN SELECT symbol, count(*) FROM trades GROUP BY symbol" | head -1
  on "$coordinator_port" "EXPLAIN SELECT count(*) FROM trades" | grep -c 'Distributed Partial Aggregate'
  echo "=== the worker SQL on the worker: one parallel aggregate over the 8 shard tables"
  worker_plan "SELECT symbol, count(*) FROM trades GROUP BY symbol"
  echo "=== avg of a float combines in partition order: the worker aggregates in parallel"
  worker_plan "SELECT symbol, avg(price::float8) FROM trades GROUP BY symbol" | grep -c 'Workers' || true
  echo "=== a variance of a float does not combine: the worker aggregates serially"
  worker_plan "SELECT symbol, variance(price::float8) FROM trades GROUP BY symbol" | grep -c 'Workers' || true
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
