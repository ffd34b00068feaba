#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Transaction blocks on a coordinator with two workers (docs/CLUSTER.md, engine/distributed_transaction.h):
# blocks writing several workers then COMMIT, ROLLBACK, an error then ROLLBACK, savepoints; reading their
# own writes (pull-tier scan, router read, UPDATE after INSERT); REPEATABLE READ keeping its snapshot
# while another session commits; a session killed mid-block leaving nothing; and readers that never see
# part of a two-phase commit. Blocks run statement by statement (psql -f) on the coordinator and on an
# embedded server: a difference prints MISMATCH. Output is compared with transaction_block.expected.
#   transaction_block_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
start_two_workers_and_embedded 5000

connect() { echo "-X -A -t -h 127.0.0.1 -p $1 -U tessera -d tessera -v VERBOSITY=sqlstate"; }
# run PORT SQL: one statement's rows, command tag or SQLSTATE.
run() { psql $(connect "$1") -c "$2" 2>&1; }
# script PORT: runs stdin statement by statement (as a client typing them), printing each answer.
script() { psql $(connect "$1") -f - 2>&1 | sed -E 's/^psql:[^ ]* //'; }
# both: runs the script on stdin on the coordinator and the embedded server; prints the coordinator's
# answers, and MISMATCH with the embedded server's when they differ.
both() {
  cat >"$work/script.sql"
  script "$coordinator_port" <"$work/script.sql" >"$work/cluster.out"
  script "$embedded_port" <"$work/script.sql" >"$work/embedded.out"
  cat "$work/cluster.out"
  cmp -s "$work/cluster.out" "$work/embedded.out" || { echo "MISMATCH; embedded:"; cat "$work/embedded.out"; }
}
total="SELECT count(*), sum(balance), min(owner), max(owner) FROM accounts;"

# stable PORT: a REPEATABLE READ block counts twice around another session's insert spanning both
# workers (it must not see it), then after COMMIT (it must). A READ COMMITTED block sees it at once.
stable() {
  mkfifo "$work/session.fifo"
  psql $(connect "$1") -f "$work/session.fifo" >"$work/session.out" 2>&1 &
  session=$!
  exec 3>"$work/session.fifo"
  echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM accounts;" >&3
  wait_lines 2
  run "$1" "INSERT INTO accounts SELECT g, 'late' || g, 1 FROM generate_series(500, 519) g" >/dev/null
  echo "SELECT count(*) FROM accounts; SELECT owner FROM accounts WHERE id = 505; COMMIT;" >&3
  echo "SELECT count(*) FROM accounts;" >&3
  echo "BEGIN; SELECT count(*) FROM accounts;" >&3
  wait_lines 7
  run "$1" "DELETE FROM accounts WHERE id >= 500" >/dev/null
  echo "SELECT count(*) FROM accounts; COMMIT;" >&3
  exec 3>&-
  wait $session
  cat "$work/session.out"
  rm -f "$work/session.fifo"
}
wait_lines() {
  for attempt in $(seq 100); do
    [ "$(wc -l <"$work/session.out")" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "the session did not answer"
}

pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
# Atomic visibility: a writer inserts batches of 10 rows over both workers (two-phase commit) while a
# reader counts; a count that is not a multiple of 10 saw part of a commit and fails the reader.
cat >"$work/writer.pgbench" <<'SCRIPT'
INSERT INTO batches SELECT g FROM generate_series(1, 10) g;
SCRIPT
cat >"$work/reader.pgbench" <<'SCRIPT'
SELECT count(*) % 10 AS torn FROM batches \gset
\if :torn != 0
\set fail 1 / 0
\endif
SCRIPT

{
  run "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker1_port)" >/dev/null
  run "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker2_port)" >/dev/null
  echo "=== tables"
  both <<'SQL'
CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(10,2));
CREATE TABLE loose (a integer, b text);
CREATE TABLE batches (n integer);
INSERT INTO accounts SELECT g, 'owner' || g, g * 10 FROM generate_series(1, 40) g;
SQL
  echo "=== a block writing both workers, reading its writes, then COMMIT"
  both <<'SQL'
BEGIN;
INSERT INTO accounts SELECT g, 'new' || g, g FROM generate_series(41, 60) g;
SELECT count(*), sum(balance) FROM accounts;
SELECT owner, balance FROM accounts WHERE id = 45;
UPDATE accounts SET balance = balance + 100 WHERE id = 45;
UPDATE accounts SET owner = upper(owner) WHERE id > 55;
SELECT owner, balance FROM accounts WHERE id = 45;
DELETE FROM accounts WHERE id <= 5;
INSERT INTO loose SELECT g % 3, 'b' || g FROM generate_series(1, 12) g;
SELECT a, count(*) FROM loose GROUP BY a ORDER BY a;
COPY accounts FROM STDIN;
70	copied	7
71	copied	7
\.
SELECT count(*) FROM accounts WHERE owner = 'copied';
COMMIT;
SQL
  both <<SQL
$total
SELECT count(*) FROM loose;
SQL
  echo "=== ROLLBACK, a failed block's ROLLBACK and COMMIT"
  both <<SQL
BEGIN;
INSERT INTO accounts SELECT g, 'gone' || g, 0 FROM generate_series(100, 130) g;
DELETE FROM accounts WHERE id < 20;
UPDATE accounts SET balance = 0;
SELECT count(*), sum(balance) FROM accounts;
ROLLBACK;
$total
BEGIN;
INSERT INTO accounts SELECT g, 'gone' || g, 0 FROM generate_series(100, 130) g;
INSERT INTO accounts VALUES (7, 'duplicate', 0);
SELECT count(*) FROM accounts;
ROLLBACK;
BEGIN;
UPDATE accounts SET balance = balance / (id - 30);
SELECT 1;
COMMIT;
$total
SQL
  echo "=== savepoints: workers joining after one roll back to it too"
  both <<SQL
BEGIN;
INSERT INTO accounts VALUES (200, 'kept', 1);
SAVEPOINT one;
INSERT INTO accounts SELECT g, 'undone' || g, 2 FROM generate_series(201, 220) g;
UPDATE accounts SET balance = -1 WHERE id < 30;
SAVEPOINT two;
INSERT INTO accounts VALUES (200, 'duplicate', 3);
ROLLBACK TO SAVEPOINT two;
SELECT count(*) FROM accounts WHERE balance = -1;
ROLLBACK TO SAVEPOINT one;
SELECT count(*) FROM accounts WHERE balance = -1 OR id > 200;
SAVEPOINT three;
INSERT INTO accounts VALUES (230, 'released', 4);
RELEASE SAVEPOINT three;
COMMIT;
$total
SQL
  echo "=== refused in a block that used workers"
  run "$coordinator_port" "SELECT 1" >/dev/null
  script "$coordinator_port" <<'SQL'
BEGIN;
INSERT INTO accounts VALUES (300, 'prepared', 1);
PREPARE TRANSACTION 'txnblock';
SELECT count(*) FROM accounts WHERE id = 300;
BEGIN;
CREATE TABLE inside (a integer);
ROLLBACK;
SQL
  echo "=== REPEATABLE READ keeps its snapshot while another session commits"
  stable "$coordinator_port" >"$work/stable.cluster"
  stable "$embedded_port" >"$work/stable.embedded"
  cat "$work/stable.cluster"
  cmp -s "$work/stable.cluster" "$work/stable.embedded" || { echo "MISMATCH; embedded:"; cat "$work/stable.embedded"; }
  echo "=== a session killed mid-block leaves nothing"
  mkfifo "$work/killed.fifo"
  psql $(connect "$coordinator_port") -f "$work/killed.fifo" >"$work/killed.out" 2>&1 &
  killed=$!
  exec 4>"$work/killed.fifo"
  echo "BEGIN; INSERT INTO accounts SELECT g, 'killed', 0 FROM generate_series(400, 420) g;" >&4
  for attempt in $(seq 100); do grep -q INSERT "$work/killed.out" && break; sleep 0.05; done
  kill -9 $killed
  exec 4>&-
  wait $killed 2>/dev/null || true
  for attempt in $(seq 50); do
    [ "$(run "$coordinator_port" "SELECT count(*) FROM accounts WHERE owner = 'killed'")" = 0 ] && break
    sleep 0.1
  done
  run "$coordinator_port" "SELECT count(*) FROM accounts WHERE owner = 'killed'"
  echo "=== readers never see part of a two-phase commit"
  "$pgbench" -n -h 127.0.0.1 -p "$coordinator_port" -U tessera -c 1 -t 40 -f "$work/writer.pgbench" tessera \
    >"$work/writer.log" 2>&1 &
  writer=$!
  if "$pgbench" -n -h 127.0.0.1 -p "$coordinator_port" -U tessera -c 2 -t 150 -f "$work/reader.pgbench" tessera \
    >"$work/reader.log" 2>&1; then echo "readers: ok"; else echo "readers: FAILED"; tail -5 "$work/reader.log"; fi
  wait $writer && echo "writer: ok" || { echo "writer: FAILED"; tail -5 "$work/writer.log"; }
  run "$coordinator_port" "SELECT count(*) FROM batches"
  echo "=== no transaction left prepared on the workers"
  run "$worker1_port" "SELECT count(*) FROM pg_prepared_xacts"
  run "$worker2_port" "SELECT count(*) FROM pg_prepared_xacts"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
