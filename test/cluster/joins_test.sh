#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Reference tables and the join tiers (docs/CLUSTER.md) against real processes on 127.0.0.1: a coordinator
# with two workers, and an embedded server given the same tables and rows. Every join runs on both; the
# coordinator's rows are printed with whether they equal the embedded server's, and its EXPLAIN shows
# the tier each join got (reference, co-located, broadcast with its row estimate, repartition, or pull
# and why).
# Output is compared with joins.expected (SQLSTATEs only for errors: libpq's texts vary).
#   joins_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
start_two_workers_and_embedded 5000
worker3_port=$(free_port)

# Statements run after $session (settings), in one session each.
session=""
run_on() { psql -X -q -h 127.0.0.1 -p "$1" -U tessera -d tessera -v VERBOSITY=sqlstate -c "$session$2" 2>&1 || true; }
sql() { run_on "$coordinator_port" "$1"; }
# both SQL: runs SQL on the coordinator and the embedded server.
both() {
  run_on "$coordinator_port" "$1"
  run_on "$embedded_port" "$1" >/dev/null
}
# join SQL: prints the coordinator's result and whether the embedded server's is the same.
join() {
  echo "-- $1"
  run_on "$coordinator_port" "$1" >"$work/coordinator.out"
  run_on "$embedded_port" "$1" >"$work/embedded.out"
  cat "$work/coordinator.out"
  if cmp -s "$work/coordinator.out" "$work/embedded.out"; then echo "(same as embedded)"; else echo "(DIFFERS from embedded)"; fi
}
# tier SQL: the join lines of the coordinator's plan.
tier() { sql "EXPLAIN $1" | grep -E 'Join|Nested Loop|Distributed Scan|Filter' | sed 's/^ *//' || true; }

{
  sql "SELECT tessera.add_worker('127.0.0.1', $worker1_port) > 0 AS added"
  sql "SELECT tessera.add_worker('127.0.0.1', $worker2_port) > 0 AS added"
  echo "=== reference tables: a full copy per worker, written in one statement"
  both "CREATE TABLE regions (id integer PRIMARY KEY, name text) WITH (distribution = 'reference')"
  both "CREATE TABLE tags (id integer, tag text) WITH (distribution = 'reference')"
  both "CREATE TABLE nothing (id integer, note text) WITH (distribution = 'reference')"
  sql "SELECT table_name, partition, worker_id FROM tessera.placements WHERE table_name IN ('regions', 'tags') ORDER BY 1, 2"
  sql "INSERT INTO regions VALUES (1, 'north'), (2, 'south'), (3, NULL)"
  psql -X -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -c "INSERT INTO regions VALUES (4, 'east'), (5, 'west')" | tail -1
  run_on "$embedded_port" "INSERT INTO regions VALUES (1, 'north'), (2, 'south'), (3, NULL), (4, 'east'), (5, 'west')"
  printf '1\tred\n1\tred\n2\tblue\n\\N\tnull key\n9\tnowhere\n' | sql "COPY tags FROM STDIN"
  printf '1\tred\n1\tred\n2\tblue\n\\N\tnull key\n9\tnowhere\n' | run_on "$embedded_port" "COPY tags FROM STDIN"
  for partition in 0 1; do
    shard=$(psql -X -q -t -A -h 127.0.0.1 -p "$coordinator_port" -U tessera -d tessera -c "SELECT shard_table FROM tessera.placements WHERE table_name = 'regions' AND partition = $partition")
    port=$([ $partition = 0 ] && echo "$worker1_port" || echo "$worker2_port")
    echo "rows in worker $((partition + 1))'s copy of regions: $(psql -X -q -t -A -h 127.0.0.1 -p "$port" -U tessera -d tessera -c "SELECT count(*) FROM $shard")"
  done
  sql "INSERT INTO regions VALUES (2, 'again')"
  join "SELECT * FROM regions ORDER BY id"
  join "SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY tag"
  tier "SELECT * FROM regions"
  echo "=== refused: another distribution, a shard key with reference"
  sql "CREATE TABLE bad (id integer) WITH (distribution = 'hash')"
  sql "CREATE TABLE bad (id integer) WITH (distribution = 'reference', shard_key = 'id')"
  run_on "$embedded_port" "CREATE TABLE bad (id integer) WITH (distribution = 'reference', shard_key = 'id')"
  echo "=== distributed tables and their rows"
  both "CREATE TABLE orders (id integer, region integer, note text) WITH (shard_key = 'id')"
  both "CREATE TABLE lines (order_id integer, amount integer) WITH (shard_key = 'order_id')"
  both "CREATE TABLE spread (id integer, region integer)"
  both "CREATE TABLE empty_orders (id integer, region integer) WITH (shard_key = 'id')"
  both "INSERT INTO orders SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 6 END, 'note ' || g FROM generate_series(1, 40) g"
  both "INSERT INTO lines SELECT g % 25, g FROM generate_series(1, 60) g"
  both "INSERT INTO lines VALUES (NULL, 1000)"
  both "INSERT INTO spread SELECT g, g % 4 FROM generate_series(1, 12) g"
  echo "=== reference tier: each partition joined with the copy on its worker"
  q="SELECT o.id, o.note, r.name FROM orders o JOIN regions r ON o.region = r.id WHERE o.id > 5 AND r.name <> 'east' ORDER BY o.id"
  tier "$q"; join "$q"
  q="SELECT o.id, r.id, r.name FROM orders o LEFT JOIN regions r ON o.region = r.id AND r.name >= 'north' WHERE o.id <= 15 ORDER BY o.id"
  tier "$q"; join "$q"
  q="SELECT o.id, t.tag FROM orders o LEFT JOIN tags t ON o.region = t.id ORDER BY o.id, t.tag"
  tier "$q"; join "$q"
  q="SELECT t.tag, o.id FROM tags t JOIN orders o ON o.region = t.id AND o.note > t.tag ORDER BY 1, 2"
  tier "$q"; join "$q"
  q="SELECT o.*, r.* FROM orders o JOIN regions r ON o.region = r.id WHERE o.id = 8"
  tier "$q"; join "$q"
  q="SELECT count(*) FROM spread s CROSS JOIN regions r"
  tier "$q"; join "$q"
  q="SELECT count(*), count(n.id) FROM orders o LEFT JOIN nothing n ON o.id = n.id"
  tier "$q"; join "$q"
  q="SELECT count(*) FROM empty_orders e JOIN regions r ON e.region = r.id"
  tier "$q"; join "$q"
  q="SELECT r.name, t.tag FROM regions r JOIN tags t ON r.id = t.id ORDER BY 1, 2"
  tier "$q"; join "$q"
  echo "=== co-located tier: the same partition of two tables on their shard keys"
  q="SELECT o.id, sum(l.amount) FROM orders o JOIN lines l ON o.id = l.order_id WHERE l.amount % 2 = 0 GROUP BY o.id ORDER BY o.id"
  tier "$q"; join "$q"
  q="SELECT count(*), count(l.order_id), sum(l.amount) FROM orders o LEFT JOIN lines l ON l.order_id = o.id AND l.amount > 30"
  tier "$q"; join "$q"
  both "CREATE TABLE codes_a (code text PRIMARY KEY, n integer)"
  both "CREATE TABLE codes_b (code varchar, m integer) WITH (shard_key = 'code')"
  both "CREATE TABLE wide (id bigint, w integer) WITH (shard_key = 'id')"
  both "INSERT INTO codes_a SELECT 'c' || g, g FROM generate_series(1, 30) g"
  both "INSERT INTO codes_b SELECT 'c' || (g % 40), g FROM generate_series(1, 60) g"
  both "INSERT INTO wide SELECT g * 2, g FROM generate_series(1, 30) g"
  q="SELECT a.code, a.n, b.m FROM codes_a a JOIN codes_b b ON a.code = b.code WHERE b.m > 35 ORDER BY 1, 3"
  tier "$q"; join "$q"
  q="SELECT o.id, w.w FROM orders o JOIN wide w ON w.id = o.id ORDER BY 1"
  tier "$q"; join "$q"
  echo "=== broadcast tier: the smaller side read once and copied to each worker"
  q="SELECT o.id, s.id FROM orders o JOIN spread s ON o.region = s.region WHERE o.id < 6 ORDER BY 1, 2"
  tier "$q"; join "$q"
  q="SELECT s.id, o.id, o.note FROM spread s JOIN orders o ON o.region = s.region AND s.id > 8 WHERE o.id % 5 = 0 ORDER BY 1, 2"
  tier "$q"; join "$q"
  q="SELECT o.id, s.id FROM orders o LEFT JOIN spread s ON o.region = s.region AND s.id < 6 WHERE o.id > 30 ORDER BY 1, 2"
  tier "$q"; join "$q"
  q="SELECT s.id, count(o.id) FROM spread s LEFT JOIN orders o ON o.region = s.region GROUP BY s.id ORDER BY s.id"
  tier "$q"; join "$q"
  q="SELECT count(*), count(e.id) FROM orders o LEFT JOIN empty_orders e ON o.region = e.region"
  tier "$q"; join "$q"
  echo "a worker's error reaches the client with its SQLSTATE:"
  join "SELECT count(*) FROM orders o JOIN spread s ON o.region = s.region WHERE 10 / (o.id - 3) > 0"
  for port in "$worker1_port" "$worker2_port"; do
    echo "broadcast tables left on a worker: $(psql -X -q -t -A -h 127.0.0.1 -p "$port" -U tessera -d tessera -c "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'broadcast%'")"
  done
  echo "=== repartition tier: two large tables, rows sent between workers by the join key's hash"
  both "CREATE TABLE big_a (id integer, code integer, tag text) WITH (shard_key = 'id')"
  both "CREATE TABLE big_b (id bigint, code integer, tag varchar) WITH (shard_key = 'id')"
  both "INSERT INTO big_a SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE g % 5000 END, 't' || (g % 300) FROM generate_series(1, 10001) g"
  both "INSERT INTO big_b SELECT g, g * 7, 't' || (g % 50) FROM generate_series(1, 10001) g"
  tier "SELECT count(*) FROM big_a a JOIN big_b b ON a.code = b.code"
  session="SET tessera.repartition_joins = on; "
  q="SELECT count(*), sum(a.id), sum(b.id) FROM big_a a JOIN big_b b ON a.code = b.code WHERE a.id < 3000"
  tier "$q"; join "$q"
  q="SELECT count(*), count(b.id), sum(b.id) FROM big_a a LEFT JOIN big_b b ON a.code = b.code AND b.id % 2 = 0 WHERE a.id % 3 = 0"
  tier "$q"; join "$q"
  q="SELECT a.tag, count(*) FROM big_a a JOIN big_b b ON a.tag = b.tag WHERE a.id < 400 AND b.id < 100 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"
  tier "$q"; join "$q"
  join "SELECT count(*) FROM big_a a JOIN big_b b ON a.code = b.code WHERE 10 / (a.id - 7) > 0"
  for port in "$worker1_port" "$worker2_port"; do
    echo "repartition tables left on a worker: $(psql -X -q -t -A -h 127.0.0.1 -p "$port" -U tessera -d tessera -c "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'repartition%'")"
  done
  session=""
  echo "tessera.repartition refused to other users:"
  run_on "$worker1_port" "SELECT tessera.repartition('tessera_shards.x', '0', 0, '127.0.0.1:1', 'y')"
  echo "=== pull tier: the coordinator joins, EXPLAIN says why"
  q="SELECT count(*), sum(a.id) FROM big_a a JOIN big_b b ON a.code + 1 = b.code WHERE a.id < 3000"
  tier "$q"; join "$q"
  q="SELECT r.id, count(o.id) FROM regions r LEFT JOIN orders o ON o.region = r.id GROUP BY r.id ORDER BY r.id"
  tier "$q"; join "$q"
  q="SELECT count(*) FROM orders o FULL JOIN regions r ON o.region = r.id"
  tier "$q"; join "$q"
  echo "=== SET tessera.distributed_joins = off: every join pulls"
  q="SELECT o.id, s.id FROM orders o JOIN spread s ON o.region = s.region WHERE o.id < 6 ORDER BY 1, 2"
  sql "SET tessera.distributed_joins = off; EXPLAIN $q" | grep -E 'Join|Distributed' | sed 's/^ *//'
  sql "SET tessera.distributed_joins = off; $q" >"$work/pulled.out"
  sql "$q" | cmp -s - "$work/pulled.out" && echo "(same rows as the broadcast join)" || echo "(DIFFERS from the broadcast join)"
  echo "=== a filter that does not deparse stays on the coordinator, above the pushed-down join"
  q="SELECT o.id, r.name FROM orders o JOIN regions r ON o.region = r.id WHERE lower(r.name) = 'north' ORDER BY o.id"
  tier "$q"; join "$q"
  echo "=== three tables: the inner join runs on the workers"
  q="SELECT o.id, r.name, t.tag FROM orders o JOIN regions r ON o.region = r.id JOIN tags t ON t.id = r.id ORDER BY 1, 3"
  tier "$q"; join "$q"
  echo "=== a worker added later holds no copy of the reference tables: joins there pull"
  start worker3 "$worker3_port" --role worker
  sql "SELECT tessera.add_worker('127.0.0.1', $worker3_port) > 0 AS added"
  both "CREATE TABLE late (id integer, region integer) WITH (shard_key = 'id')"
  both "INSERT INTO late SELECT g, g % 5 FROM generate_series(1, 30) g"
  q="SELECT l.id, r.name FROM late l JOIN regions r ON l.region = r.id WHERE l.id < 12 ORDER BY 1"
  tier "$q"; join "$q"
  echo "=== dropping a reference table drops every copy"
  both "DROP TABLE nothing"
  sql "SELECT count(*) FROM tessera.placements WHERE table_name = 'nothing'"
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
