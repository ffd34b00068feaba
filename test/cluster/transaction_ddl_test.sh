#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# DDL of distributed tables inside transaction blocks when a worker dies during the block's two-phase
# commit (docs/CLUSTER.md): a coordinator and two workers; a block creates a table and fills it, adds a
# column to another and drops a third, all of which reach both workers, and commits while worker 2 exits
# as kill -9 would (TESSERA_FAULT_2PC, engine/fault_point.h) on receiving PREPARE TRANSACTION, right after
# preparing (its prepared schema change is recovered from its checkpoint and rolled back), or on
# receiving COMMIT PREPARED (recovered and committed). Worker 2 is restarted and the coordinator's
# resolver finishes what was left prepared. Each block must end all or nothing, on both workers: the
# tables and columns as before when the client got an error, as the block left them when it got COMMIT.
#   transaction_ddl_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"

start_two_workers_and_coordinator 3000

sql() { psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$1" 2>&1 || true; }
on_worker() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U tessera -d tessera -c "$2" 2>&1; }
# The shard tables each worker holds, and those with the column added by block FAULT.
shards() {
  for port in "$worker1_port" "$worker2_port"; do
    echo "worker shard tables: $(on_worker "$port" "SELECT count(*) FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'tessera_shards') AND relkind = 'r'"), with the new column: $(on_worker "$port" "SELECT count(*) FROM information_schema.columns WHERE column_name = 'c_$1'")"
  done
}

# worker2_dies_at FAULT: the block, then what is left of it after worker 2's restart.
worker2_dies_at() {
  block=$(echo "$1" | tr '-' '_')
  sql "CREATE TABLE dropped_$block (id integer PRIMARY KEY)"
  sql "INSERT INTO dropped_$block SELECT g FROM generate_series(1, 40) g"
  restart_worker2 "$1"
  if outcome=$(psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate \
    -v ON_ERROR_STOP=1 2>&1 <<SQL
BEGIN;
CREATE TABLE made_$block (id integer PRIMARY KEY, v text);
INSERT INTO made_$block SELECT g, 'row ' || g FROM generate_series(1, 40) g;
ALTER TABLE events ADD COLUMN c_$block integer;
DROP TABLE dropped_$block;
COMMIT;
SQL
  ); then
    echo "the client got COMMIT"
  else
    echo "the client got $outcome"
  fi
  wait "$pid_worker2" 2>/dev/null && echo "worker 2 still running" || echo "worker 2 exited at $1"
  restart_worker2
  wait_resolved
  sql "SELECT count(*) AS made_rows FROM made_$block"
  sql "SELECT count(*) AS dropped_rows FROM dropped_$block"
  sql "SELECT count(c_$block) AS new_column_values, count(*) AS events FROM events"
  shards "$block"
}

{
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)" >/dev/null
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port)" >/dev/null
  sql "CREATE TABLE events (id integer PRIMARY KEY, kind text)"
  sql "INSERT INTO events SELECT g, 'before' FROM generate_series(1, 40) g"
  echo "=== worker 2 dies on PREPARE: the client gets an error, worker 1's prepared DDL is rolled back"
  worker2_dies_at worker-before-prepare
  echo "=== worker 2 dies having prepared: an error; after its restart the resolver rolls back its recovered DDL"
  worker2_dies_at worker-after-prepare
  echo "=== worker 2 dies on COMMIT PREPARED: decided, so the client gets COMMIT; the resolver commits its recovered DDL"
  worker2_dies_at worker-before-commit-prepared
  echo "=== the coordinator and the workers restarted see the same"
  for node in coordinator worker1 worker2; do
    eval "kill -9 \$pid_$node"
    eval "wait \$pid_$node" 2>/dev/null || true
  done
  start worker1 "$worker1_port" --role worker
  start worker2 "$worker2_port" --role worker
  start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
  sql "SELECT count(*) AS made_rows FROM made_worker_before_commit_prepared"
  sql "SELECT count(c_worker_before_commit_prepared) AS new_column_values, count(*) AS events FROM events"
  sql "SELECT count(*) AS dropped_rows FROM dropped_worker_after_prepare"
  shards worker_before_commit_prepared
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
