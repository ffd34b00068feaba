#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Global unique indexes (unique without the shard key, engine/global_unique.h) under concurrent writers on
# a coordinator with two workers: a second writer of the same key waits for the first one's block and
# then fails with 23505; two clients inserting the same keys at once leave each key once; COPY with a key
# already held elsewhere fails whole; two blocks waiting for each other's table: one gets 40P01.
# Output is compared with global_unique.expected.
#   global_unique_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
start_two_workers_and_coordinator 5000

connect() { echo "-X -A -t -h 127.0.0.1 -p $coordinator_port -U tessera -d tessera -v VERBOSITY=sqlstate"; }
run() { psql $(connect) -c "$1" 2>&1 || true; }
# open NAME: a session reading statements from a fifo ($work/NAME.fifo, on descriptor given by the caller).
open_session() {
  mkfifo "$work/$1.fifo"
  psql $(connect) -f "$work/$1.fifo" >"$work/$1.out" 2>&1 &
  eval "session_$1=$!"
}
# wait_for FILE PATTERN: until FILE has a line matching PATTERN.
wait_for() {
  for attempt in $(seq 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "no '$2' in $1"
}

{
  run "SELECT tessera.add_worker('127.0.0.1', $worker1_port)" >/dev/null
  run "SELECT tessera.add_worker('127.0.0.1', $worker2_port)" >/dev/null
  run "CREATE TABLE codes (id integer PRIMARY KEY, code text UNIQUE)"
  run "CREATE TABLE other (id integer PRIMARY KEY, code text UNIQUE)"

  echo "=== a second writer of the key waits for the first block, then fails"
  open_session first
  exec 3>"$work/first.fifo"
  echo "BEGIN; INSERT INTO codes VALUES (1, 'same'); SELECT 'inserted';" >&3
  wait_for "$work/first.out" inserted
  run "INSERT INTO codes VALUES (2, 'same')" >"$work/second.out" &
  second=$!
  sleep 0.5
  [ -s "$work/second.out" ] && echo "second did not wait" || echo "second waits"
  echo "COMMIT;" >&3
  exec 3>&-
  wait $session_first $second || true
  cat "$work/first.out" "$work/second.out"
  run "SELECT id, code FROM codes ORDER BY id"

  echo "=== two clients insert the same 40 keys at once: each key once"
  clients=""
  for client in 1 2; do
    (for key in $(seq 1 40); do
      run "INSERT INTO codes VALUES ($client * 1000 + $key, 'k' || $key)" >/dev/null
    done) &
    clients="$clients $!"
  done
  wait $clients || true
  run "SELECT count(*), count(DISTINCT code) FROM codes WHERE code LIKE 'k%'"

  echo "=== COPY with a key another partition holds fails whole"
  printf '3\tc3\n4\tk7\n5\tc5\n' | psql $(connect) -c "COPY codes FROM STDIN" 2>&1 || true
  run "SELECT count(*) FROM codes WHERE id BETWEEN 3 AND 5"

  echo "=== two blocks waiting for each other's table: one deadlock"
  open_session left
  exec 4>"$work/left.fifo"
  open_session right
  exec 5>"$work/right.fifo"
  echo "BEGIN; INSERT INTO codes VALUES (10, 'left'); SELECT 'left holds codes';" >&4
  wait_for "$work/left.out" "left holds"
  echo "BEGIN; INSERT INTO other VALUES (10, 'right'); SELECT 'right holds other';" >&5
  wait_for "$work/right.out" "right holds"
  echo "INSERT INTO other VALUES (11, 'left');" >&4
  sleep 1
  echo "INSERT INTO codes VALUES (11, 'right'); ROLLBACK;" >&5
  exec 5>&-
  echo "COMMIT;" >&4
  exec 4>&-
  wait $session_left $session_right || true
  sed -E 's/^psql:[^ ]* //' "$work/left.out" "$work/right.out"
  run "SELECT code FROM codes WHERE id >= 10 AND id < 20 UNION ALL SELECT code FROM other ORDER BY 1"
} >"$work/actual" 2>&1
diff -u "$expected" "$work/actual"
