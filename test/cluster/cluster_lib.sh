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
