#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A coordinator's worker registry and distributed tables against real processes on 127.0.0.1
# (docs/CLUSTER.md): two workers and a coordinator sharing a cluster secret, a worker with another secret,
# an embedded server. Adding a worker logs in to it and checks its role; CREATE TABLE places partitions
# and creates shard tables on the workers, DROP TABLE drops them; INSERT/COPY reaching both workers
# commit with two-phase commit, also when the coordinator crashes between the phases
# (TESSERA_FAULT_2PC); registry and placement survive kill -9 of the coordinator.
# Output is compared with worker_registry.expected (SQLSTATEs only for errors: libpq's texts vary).
#   worker_registry_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
work=$(mktemp -d)
pids=""
trap 'for pid in $pids; do kill -9 $pid 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
echo "secret-one" >"$work/secret"
echo "secret-two" >"$work/other-secret"

# start NAME PORT ARGS...: starts a server with its own data directory and waits until it answers.
start() {
  name=$1
  port=$2
  shift 2
  env TESSERA_FAULT_2PC="${fault:-}" "$binary" --port "$port" --data-dir "$work/$name" "$@" >>"$work/$name.log" 2>&1 &
  eval "pid_$name=$!"
  pids="$pids $!"
  for attempt in $(seq 100); do
    PGPASSWORD=secret-one psql -X -q -h 127.0.0.1 -p "$port" -U tessera_cluster -d tessera -c 'SELECT 1' >/dev/null 2>&1 && return 0
    psql -X -q -h 127.0.0.1 -p "$port" -U tessera -d tessera -c 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$name did not start" >&2
  exit 1
}

coordinator_port=$(free_port)
worker1_port=$(free_port)
worker2_port=$(free_port)
stranger_port=$(free_port)
embedded_port=$(free_port)
closed_port=$(free_port)
start worker1 "$worker1_port" --role worker --cluster-secret-file "$work/secret"
start worker2 "$worker2_port" --role worker --cluster-secret-file "$work/secret"
start stranger "$stranger_port" --role worker --cluster-secret-file "$work/other-secret"
start embedded "$embedded_port" --cluster-secret-file "$work/secret"
start coordinator "$coordinator_port" --role coordinator --cluster-secret-file "$work/secret" --worker-timeout 3000

sql() { psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$1" 2>&1 | sed "s/$worker1_port/W1/g; s/$worker2_port/W2/g"; }
on_worker1() { psql -X -q -h 127.0.0.1 -p "$worker1_port" -U tessera -d tessera -c "$1" 2>&1; }
prepared_on() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U tessera -d tessera -c "SELECT count(*) FROM pg_prepared_xacts" 2>&1; }
# Waits until neither worker holds a prepared transaction (the coordinator's resolver finished them).
wait_resolved() {
  for attempt in $(seq 150); do
    if [ "$(prepared_on "$worker1_port")" = 0 ] && [ "$(prepared_on "$worker2_port")" = 0 ]; then
      echo "no prepared transactions left on the workers"
      return 0
    fi
    sleep 0.1
  done
  echo "prepared transactions left: $(prepared_on "$worker1_port") and $(prepared_on "$worker2_port")"
}
# crash_during_insert FAULT KIND: restarts the coordinator to exit at FAULT during a two-worker INSERT of
# 41 rows of KIND, restarts it normally, waits for the resolver and counts the rows that made it.
crash_during_insert() {
  kill -9 "$pid_coordinator"
  wait "$pid_coordinator" 2>/dev/null || true
  fault=$1 start coordinator "$coordinator_port" --role coordinator --cluster-secret-file "$work/secret" --worker-timeout 3000
  sql "INSERT INTO events SELECT g, '$2', 0, NULL FROM generate_series(300, 340) g" >/dev/null
  wait "$pid_coordinator" 2>/dev/null && echo "coordinator still running" || echo "coordinator exited at $1"
  echo "prepared on the workers after the crash: $(prepared_on "$worker1_port") and $(prepared_on "$worker2_port")"
  fault="" start coordinator "$coordinator_port" --role coordinator --cluster-secret-file "$work/secret" --worker-timeout 3000
  wait_resolved
  sql "SELECT count(*) FROM events WHERE kind = '$2'"
}
placements="SELECT table_name, count(*) AS partitions, count(DISTINCT worker_id) AS workers FROM tessera.placements GROUP BY 1 ORDER BY 1"
shards_on_worker1="SELECT count(*) AS shard_tables FROM information_schema.tables WHERE table_schema = 'tessera_shards'"

{
  echo "=== roles"
  sql "SELECT tessera.node_role()"
  psql -X -q -h 127.0.0.1 -p "$worker1_port" -U tessera -d tessera -c "SELECT tessera.node_role()"
  echo "=== adding workers"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)"
  echo "=== refused: nothing listening, another secret, not a worker"
  sql "SELECT tessera.add_worker('127.0.0.1', $closed_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $stranger_port)"
  sql "SELECT tessera.add_worker('127.0.0.1', $embedded_port)"
  sql "SELECT worker_id, host, port, state FROM tessera.workers ORDER BY worker_id"
  echo "=== distributed tables: 8 partitions per worker, shard tables on the workers"
  sql "CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL, amount numeric(10,2), \"At\" timestamp)"
  sql "CREATE TABLE spread (a integer, b text)"
  sql "$placements"
  on_worker1 "$shards_on_worker1"
  on_worker1 "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'tessera_shards' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'tessera_shards' ORDER BY table_name LIMIT 1) ORDER BY ordinal_position"
  echo "=== rows routed to their partitions and read back from the workers"
  for id in 1 2 3 4 5 6 7 8; do sql "INSERT INTO events VALUES ($id, 'kind' || ($id % 3), $id * 1.25, TIMESTAMP '2024-01-01' + $id * INTERVAL '1 day')"; done
  sql "INSERT INTO spread VALUES (1, 'one')"
  sql "INSERT INTO events VALUES (3, 'again', 0, NULL)"
  sql "INSERT INTO events VALUES (9, NULL, 0, NULL)"
  sql "INSERT INTO events SELECT g, 'bulk', 0, NULL FROM generate_series(100, 199) g"
  sql "SELECT count(*), sum(amount), min(\"At\"), max(id) FROM events"
  sql "SELECT kind, count(*), sum(amount) FROM events WHERE id > 1 GROUP BY kind ORDER BY kind"
  sql "SELECT id, kind FROM events WHERE kind >= 'kind1' AND id < 7 AND \"At\" IS NOT NULL AND amount > 2 ORDER BY id"
  sql "EXPLAIN SELECT id FROM events WHERE id = 3"
  sql "SELECT id, kind, amount FROM events WHERE id = 3"
  sql "EXPLAIN SELECT id FROM events WHERE id = 3 OR id = 4"
  sql "SELECT e.id, f.kind FROM events e JOIN events f ON f.id = e.id + 1 WHERE e.id <= 3 ORDER BY e.id"
  sql "SELECT * FROM spread"
  echo "=== a unique key without the shard key (global), a shard key moved and back; refused: other uses"
  sql "CREATE TABLE keyed (id integer, code text UNIQUE) WITH (shard_key = 'id'); DROP TABLE keyed"
  sql "UPDATE events SET id = id + 1000 WHERE id = 1; UPDATE events SET id = id - 1000 WHERE id = 1001"
  sql "DELETE FROM events WHERE random() > 2"
  printf '10\tcopied\t1.50\t\\N\n' | sql "COPY events FROM STDIN"
  seq 20 60 | awk '{ printf "%d\tcopied\t1\t\\N\n", $1 }' | sql "COPY events FROM STDIN"
  seq 55 70 | awk '{ printf "%d\tcopied\t1\t\\N\n", $1 }' | sql "COPY events FROM STDIN"
  sql "COPY events TO STDOUT" | sort -n | awk '$2 != "bulk"' 
  sql "BEGIN; ALTER TABLE events ADD COLUMN extra integer; ROLLBACK"
  sql "BEGIN; CREATE TABLE later (a integer); ROLLBACK"
  sql "BEGIN; INSERT INTO events VALUES (50, 'x', 0, NULL); COMMIT"
  sql "SELECT tessera.remove_worker('127.0.0.1', $worker1_port)"
  sql "BEGIN; DROP TABLE events, spread; ROLLBACK"
  echo "=== DROP TABLE drops the shard tables"
  sql "CREATE TABLE tiny (a integer)"
  on_worker1 "$shards_on_worker1"
  sql "DROP TABLE tiny"
  sql "$placements"
  on_worker1 "$shards_on_worker1"
  echo "=== two-phase commit: rows for both workers commit together"
  prepared_on "$worker1_port"
  sql "INSERT INTO events SELECT g, 'pair', 2, NULL FROM generate_series(200, 219) g"
  sql "SELECT count(*), sum(amount) FROM events WHERE kind = 'pair'"
  sql "INSERT INTO events SELECT g, 'pair', 2, NULL FROM generate_series(215, 230) g"
  sql "SELECT count(*) FROM events WHERE kind = 'pair'"
  wait_resolved
  echo "=== the coordinator crashes between PREPARE and its decision: the resolver rolls back"
  crash_during_insert after-prepare lost
  echo "=== the coordinator crashes after its decision: the resolver commits"
  crash_during_insert after-decision kept
  echo "=== worker 1 killed and restarted: the coordinator's idle connections to it are replaced"
  sql "SELECT count(*), sum(amount) FROM events"
  kill -9 "$pid_worker1"
  wait "$pid_worker1" 2>/dev/null || true
  start worker1 "$worker1_port" --role worker --cluster-secret-file "$work/secret"
  sql "SELECT count(*), sum(amount) FROM events"
  echo "=== worker 2 stopped, then the coordinator killed and restarted"
  kill -9 "$pid_worker2"
  wait "$pid_worker2" 2>/dev/null || true
  kill -9 "$pid_coordinator"
  wait "$pid_coordinator" 2>/dev/null || true
  start coordinator "$coordinator_port" --role coordinator --cluster-secret-file "$work/secret" --worker-timeout 3000
  sql "SELECT worker_id, host, port, state FROM tessera.workers ORDER BY worker_id"
  sql "$placements"
  echo "=== a worker down: reads of its partitions, new tables refused; dropping leaves its shards"
  sql "SELECT count(*) FROM events"
  sql "CREATE TABLE later (a integer)"
  sql "SELECT count(*) FROM pg_class WHERE relname = 'later'"
  on_worker1 "$shards_on_worker1"
  sql "DROP TABLE events"
  sql "DROP TABLE spread"
  sql "$placements"
  on_worker1 "$shards_on_worker1"
  echo "=== removing an unreachable worker"
  sql "SELECT tessera.remove_worker('127.0.0.1', $worker2_port)"
  sql "SELECT tessera.remove_worker('127.0.0.1', $worker2_port)"
  sql "SELECT worker_id, host, port, state FROM tessera.workers ORDER BY worker_id"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
