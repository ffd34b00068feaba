#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Two-phase commit when a worker dies at each phase (engine/distributed.h, docs/CLUSTER.md): a coordinator
# and two workers; an INSERT whose rows reach both workers runs while worker 2 exits as kill -9 would
# (TESSERA_FAULT_2PC, engine/fault_point.h) on receiving PREPARE TRANSACTION, right after preparing, or on
# receiving COMMIT PREPARED. Worker 2 is restarted and the coordinator's resolver finishes what was left
# prepared. Each INSERT must end all or nothing: nothing when the client got an error, everything when it
# got INSERT (the decision was logged before worker 2 died). The coordinator's own crashes between the
# phases are tested in worker_registry_test.sh.
#   twophase_crash_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"

start_two_workers_and_coordinator 3000

sql() { psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$1" 2>&1 || true; }

# worker2_dies_at FAULT FIRST_ID: an INSERT of 40 rows reaching both workers while worker 2 exits at FAULT.
worker2_dies_at() {
  restart_worker2 "$1"
  if outcome=$(psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate \
    -c "INSERT INTO events SELECT g, '$1' FROM generate_series($2, $2 + 39) g" 2>&1); then
    echo "the client got INSERT 0 40"
  else
    echo "the client got $outcome"
  fi
  wait "$pid_worker2" 2>/dev/null && echo "worker 2 still running" || echo "worker 2 exited at $1"
  restart_worker2
  wait_resolved
  sql "SELECT count(*) AS rows_of_the_insert, count(DISTINCT id) AS distinct_ids FROM events WHERE kind = '$1'"
}

{
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port)" >/dev/null
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port)" >/dev/null
  sql "CREATE TABLE events (id integer PRIMARY KEY, kind text)"
  sql "INSERT INTO events SELECT g, 'before' FROM generate_series(1, 40) g"
  sql "SELECT count(*) FROM tessera.placements WHERE table_name = 'events' GROUP BY worker_id ORDER BY worker_id"
  echo "=== worker 2 dies on PREPARE: the client gets an error, worker 1's prepared part is rolled back"
  worker2_dies_at worker-before-prepare 1000
  echo "=== worker 2 dies having prepared: an error, and the resolver rolls back its part after its restart"
  worker2_dies_at worker-after-prepare 2000
  echo "=== worker 2 dies on COMMIT PREPARED: decided, so the client gets INSERT; the resolver commits its part"
  worker2_dies_at worker-before-commit-prepared 3000
  echo "=== everything else untouched; the coordinator restarted sees the same"
  sql "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind"
  kill -9 "$pid_coordinator"
  wait "$pid_coordinator" 2>/dev/null || true
  start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
  sql "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
