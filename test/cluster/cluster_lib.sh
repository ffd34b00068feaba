# SPDX-License-Identifier: Apache-2.0
# Shared by the cluster tests (sourced after they set `binary`): processes on 127.0.0.1 in a scratch
# directory `$work`, killed and removed when the test exits.
#   start NAME PORT ARGS...   starts "$binary" with its own data directory and the cluster secret and waits
#                             until it answers; with `fault` set, under TESSERA_FAULT_2PC and
#                             TESSERA_FAULT_MOVE=$fault (their point names differ: engine/fault_point.h,
#                             planner/partition_move.cc)
#   start_two_workers_and_embedded COORDINATOR_WORKER_TIMEOUT_MS
#                             starts worker1, worker2, an embedded server (the oracle) and a coordinator
#                             on fresh ports ($worker1_port, $worker2_port, $embedded_port,
#                             $coordinator_port); the workers are not registered yet
#   start_two_workers_and_coordinator WORKER_TIMEOUT_MS
#                             starts worker1, worker2 and a coordinator (--worker-timeout) on fresh
#                             ports; the workers are not registered yet. Then:
#   restart_worker2 [FAULT]   stops worker 2 and starts it again (with TESSERA_FAULT_2PC=FAULT)
#   prepared_on PORT          the count of prepared transactions on the node at PORT
#   wait_resolved             waits (15 s at most) until neither worker holds a prepared transaction
#                             (the coordinator's resolver finished them) and says whether they did
#   start_three_workers_and_mover_coordinator
#                             starts worker1..worker3 and a coordinator whose partition moves pause
#                             (TESSERA_FAULT_MOVE=slow, --worker-timeout 3000) on fresh ports; the
#                             workers are not registered yet. Then:
#   restart_coordinator [FAULT]  kill -9 of the coordinator, started again (TESSERA_FAULT_MOVE=FAULT)
#   sql SQL / value SQL       run SQL on the coordinator: psql's output with SQLSTATEs and worker ports as
#                             W1..W3 / the bare value
#   on PORT SQL               SQL's rows on PORT, unaligned, SQLSTATEs for errors
#   both SQL                  SQL on the coordinator (its output) and on $embedded_port
#   same LABEL SQL            "same: LABEL (N rows)" when SQL answers alike on the coordinator and on
#                             $embedded_port, else "DIFFERENT" and the diff
work=$(mktemp -d)
pids=""
trap 'for pid in $pids; do kill -9 $pid 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
echo "cluster-test-secret" >"$work/secret"

start() {
  name=$1
  port=$2
  shift 2
  env TESSERA_FAULT_2PC="${fault:-}" TESSERA_FAULT_MOVE="${fault:-}" "$binary" --port "$port" --data-dir "$work/$name" \
    --cluster-secret-file "$work/secret" "$@" >>"$work/$name.log" 2>&1 &
  eval "pid_$name=$!"
  pids="$pids $!"
  for attempt in $(seq 100); do
    psql -X -q -h 127.0.0.1 -p "$port" -U tessera -d tessera -c 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$name did not start" >&2
  exit 1
}

start_two_workers_and_embedded() {
  coordinator_port=$(free_port)
  worker1_port=$(free_port)
  worker2_port=$(free_port)
  embedded_port=$(free_port)
  start worker1 "$worker1_port" --role worker
  start worker2 "$worker2_port" --role worker
  start embedded "$embedded_port"
  start coordinator "$coordinator_port" --role coordinator --worker-timeout "$1"
}

start_three_workers_and_mover_coordinator() {
  coordinator_port=$(free_port)
  worker1_port=$(free_port)
  worker2_port=$(free_port)
  worker3_port=$(free_port)
  start worker1 "$worker1_port" --role worker
  start worker2 "$worker2_port" --role worker
  start worker3 "$worker3_port" --role worker
  fault=slow start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
}
restart_coordinator() {
  kill -9 "$pid_coordinator" 2>/dev/null || true
  wait "$pid_coordinator" 2>/dev/null || true
  fault=${1:-} start coordinator "$coordinator_port" --role coordinator --worker-timeout 3000
}
sql() {
  psql -X -q -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$1" 2>&1 |
    sed "s/$worker1_port/W1/g; s/$worker2_port/W2/g; s/${worker3_port:-W3}/W3/g"
}
value() { psql -X -q -t -A -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -c "$1" 2>&1; }
on() { psql -X -q -A -t -h 127.0.0.1 -p "$1" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$2" 2>&1 || true; }
# both SQL: SQL on the coordinator (its output) and on the embedded server.
both() {
  on "$coordinator_port" "$1"
  on "$embedded_port" "$1" >/dev/null
}
# same LABEL QUERY: the query's answer on the cluster and on the embedded server.
same() {
  on "$coordinator_port" "$2" >"$work/cluster.out"
  on "$embedded_port" "$2" >"$work/embedded.out"
  if cmp -s "$work/cluster.out" "$work/embedded.out" && [ -s "$work/cluster.out" ]; then
    echo "same: $1 ($(wc -l <"$work/cluster.out") rows)"
  else
    echo "DIFFERENT: $1"
    diff "$work/embedded.out" "$work/cluster.out" | head -20
  fi
}

start_two_workers_and_coordinator() {
  coordinator_port=$(free_port)
  worker1_port=$(free_port)
  worker2_port=$(free_port)
  start worker1 "$worker1_port" --role worker
  start worker2 "$worker2_port" --role worker
  start coordinator "$coordinator_port" --role coordinator --worker-timeout "$1"
}
restart_worker2() {
  kill "$pid_worker2" 2>/dev/null || true
  wait "$pid_worker2" 2>/dev/null || true
  fault=${1:-} start worker2 "$worker2_port" --role worker
}
prepared_on() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U tessera -d tessera -c "SELECT count(*) FROM pg_prepared_xacts" 2>&1; }
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
