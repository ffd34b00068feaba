#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Statement pushdown on a coordinator with two workers (docs/CLUSTER.md): UPDATE and DELETE of
# distributed tables run on the partitions' shard tables (one partition when the shard key pins it, else
# all, in one transaction per worker, two-phase commit across workers), RETURNING, shard key assignment,
# other tables shipped from the coordinator, refusals (volatile and coordinator-only functions), an error on one
# worker rolling back every worker, router SELECTs and EXPLAIN. Every result the coordinator gives is
# compared with an embedded server's over the same data: a difference prints MISMATCH.
# Output is compared with pushdown.expected (SQLSTATEs only for errors).
#   pushdown_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
start_two_workers_and_embedded 3000

# run PORT SQL: the statement's rows (unaligned), its command tag or its SQLSTATE.
run() { psql -X -A -t -h 127.0.0.1 -p "$1" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$2" 2>&1; }
# coordinator SQL: on the coordinator only (EXPLAIN, what only a cluster refuses, with its message);
# table OIDs hidden.
coordinator() {
  psql -X -A -t -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -v VERBOSITY=verbose -c "$1" 2>&1 |
    grep -v '^LOCATION' | sed -E 's/t[0-9]+_p/tOID_p/g'
}
# both SQL: on the coordinator and the embedded server; prints the coordinator's answer, and MISMATCH with
# the embedded server's when they differ.
# Rows are sorted: partitions answer in any order.
both() {
  run "$coordinator_port" "$1" | sort >"$work/cluster.out"
  run "$embedded_port" "$1" | sort >"$work/embedded.out"
  cat "$work/cluster.out"
  cmp -s "$work/cluster.out" "$work/embedded.out" || { echo "MISMATCH; embedded:"; cat "$work/embedded.out"; }
}
pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
# Pinned by parameters: a SELECT whose answer is checked (a wrong one divides by zero: pgbench fails), an
# UPDATE and a DELETE.
cat >"$work/parameters.pgbench" <<'SCRIPT'
\set id 12
SELECT count(*) AS found FROM accounts WHERE id = :id AND owner = 'owner12' \gset
\if :found != 1
\set fail 1 / 0
\endif
\set id 6
UPDATE accounts SET balance = balance + 0.5 WHERE id = :id;
\set id 34
DELETE FROM accounts WHERE id = :id - 1;
SCRIPT
total="SELECT count(*), sum(balance), string_agg(owner, ',' ORDER BY id) FROM accounts"

{
  run "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker1_port)" >/dev/null
  run "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker2_port)" >/dev/null
  echo "=== tables and rows"
  both "CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(10,2))"
  both "CREATE TABLE notes (id integer PRIMARY KEY, note text)"
  both "CREATE TABLE loose (a integer, b text)"
  both "INSERT INTO accounts SELECT g, 'owner' || g, g * 10 FROM generate_series(1, 40) g"
  both "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 40, 3) g"
  both "INSERT INTO loose SELECT g % 5, 'b' || g FROM generate_series(1, 30) g"
  echo "=== UPDATE pinned to one partition, on every partition, with RETURNING"
  both "UPDATE accounts SET balance = balance + 1 WHERE id = 3"
  both "UPDATE accounts SET balance = balance + 1 WHERE id = 3 AND balance > 1000"
  both "UPDATE accounts SET owner = upper(owner) WHERE id = 5 RETURNING id, owner, balance"
  both "UPDATE accounts SET balance = balance * 2 WHERE balance > 300"
  both "UPDATE accounts AS a SET balance = a.balance - 1 WHERE a.owner LIKE '%1' RETURNING a.id, a.balance"
  both "UPDATE loose SET b = b || '!' WHERE a = 1 RETURNING *"
  both "UPDATE accounts a SET owner = a.owner || '/' || n.note FROM notes n WHERE a.id = 7 AND n.id = 7 RETURNING a.owner"
  both "UPDATE accounts SET balance = (SELECT balance + 1 FROM accounts WHERE id = 2) WHERE id = 2 RETURNING balance"
  both "$total"
  echo "=== DELETE pinned, on every partition, with RETURNING"
  both "DELETE FROM accounts WHERE id = 40"
  both "DELETE FROM accounts WHERE id = 40"
  both "DELETE FROM accounts WHERE balance > 700 RETURNING id, owner"
  both "DELETE FROM loose WHERE b LIKE '%!'"
  both "DELETE FROM notes n USING accounts a WHERE n.id = 10 AND a.id = 10 AND a.balance > 0 RETURNING n.note"
  both "$total"
  both "SELECT a, count(*) FROM loose GROUP BY a"
  echo "=== an error on one worker rolls back every worker"
  both "UPDATE accounts SET balance = balance / (id - 8)"
  both "UPDATE accounts SET owner = NULL WHERE id > 30"
  both "DELETE FROM accounts WHERE 1 / (id - 30) > 0"
  both "$total"
  echo "=== refused on a cluster: volatile and coordinator-only functions"
  coordinator "UPDATE accounts SET balance = random() WHERE id = 1"
  coordinator "DELETE FROM accounts WHERE id = 2 AND now() < '2000-01-01'"
  coordinator "UPDATE accounts SET owner = current_user WHERE id = 2"
  echo "=== other tables' rows shipped from the coordinator, the shard key moving rows"
  both "UPDATE accounts SET id = id + 100 WHERE id = 1"
  both "UPDATE accounts SET id = id - 100 WHERE id = 101"
  both "DELETE FROM accounts WHERE id = (SELECT count(*) FROM pg_class WHERE false)"
  both "DELETE FROM notes n USING accounts a WHERE n.id = a.id AND a.balance < 0"
  both "BEGIN; UPDATE accounts a SET balance = (SELECT max(balance) FROM accounts b WHERE b.id < a.id) WHERE id > 30 RETURNING id, balance; ROLLBACK"
  both "BEGIN; DELETE FROM accounts WHERE id = 3 AND balance < (SELECT avg(balance) FROM accounts) RETURNING id; ROLLBACK"
  both "UPDATE accounts a SET balance = n.id FROM notes n WHERE a.id = 4 AND n.id = 5"
  both "BEGIN; UPDATE accounts SET balance = 0 WHERE id = 1; COMMIT"
  both "$total"
  echo "=== router SELECT"
  both "SELECT owner, balance FROM accounts WHERE id = 4"
  both "SELECT a.owner, n.note FROM accounts a JOIN notes n ON n.id = a.id WHERE a.id = 4 AND n.id = 4"
  both "SELECT a.owner, n.note FROM accounts a, notes n WHERE n.id = a.id AND a.id = 4 AND n.id = 4"
  both "SELECT a.owner, (SELECT note FROM notes WHERE id = 13) FROM accounts a WHERE a.id = 13"
  both "SELECT owner FROM accounts WHERE id = 4 AND id = 5"
  both "SELECT count(*), max(b) FROM loose WHERE a = 2"
  echo "=== the session's settings: sent with writes, reads under other settings keep the pull tier"
  both "SET TimeZone = 'America/New_York'; UPDATE notes SET note = TIMESTAMPTZ '2024-01-01 12:00+00'::text WHERE id = 1 RETURNING note"
  both "SET DateStyle = 'German'; SET TimeZone = 'Asia/Tokyo'; SELECT note, DATE '2024-03-05'::text, TIMESTAMPTZ '2024-01-01 12:00+00'::text FROM notes WHERE id = 1"
  coordinator "SET extra_float_digits = 0; EXPLAIN SELECT note FROM notes WHERE id = 1"
  echo "=== parameters of the extended protocol (pgbench), unnamed and prepared statements"
  for port in "$coordinator_port" "$embedded_port"; do
    for mode in extended prepared; do
      "$pgbench" -n -M "$mode" -t 2 -f "$work/parameters.pgbench" -h 127.0.0.1 -p "$port" -U tessera tessera \
        >"$work/pgbench.out" 2>&1 && echo "pgbench -M $mode: ok" || { echo "pgbench -M $mode failed:"; cat "$work/pgbench.out"; }
    done
  done
  both "$total"
  echo "=== EXPLAIN"
  coordinator "EXPLAIN SELECT owner FROM accounts WHERE id = 4"
  coordinator "EXPLAIN SELECT a.owner, n.note FROM accounts a, notes n WHERE n.id = a.id AND a.id = 4 AND n.id = 4"
  coordinator "EXPLAIN SELECT a.owner, n.note FROM accounts a, notes n WHERE n.id = a.id AND a.id = 4 AND n.id = 5"
  coordinator "EXPLAIN SELECT a.owner, (SELECT note FROM notes WHERE id = 13) FROM accounts a WHERE a.id = 13"
  coordinator "EXPLAIN UPDATE accounts SET balance = 0 WHERE id = 4"
  coordinator "EXPLAIN DELETE FROM accounts WHERE balance < 0"
  coordinator "EXPLAIN UPDATE accounts a SET balance = n.id FROM notes n WHERE a.owner = n.note AND a.id = 4"
  coordinator "EXPLAIN UPDATE accounts SET id = id + 100 WHERE balance < 0"
  coordinator "EXPLAIN SELECT owner FROM accounts WHERE id = 4 AND random() < 2"
  both "SELECT * FROM accounts ORDER BY id"
  echo "=== no transaction left prepared on the workers"
  run "$worker1_port" "SELECT count(*) FROM pg_prepared_xacts"
  run "$worker2_port" "SELECT count(*) FROM pg_prepared_xacts"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
