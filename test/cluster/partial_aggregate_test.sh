#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Partial aggregation and top-N pushdown on a coordinator (docs/CLUSTER.md, planner/distributed_pushdown.cc)
# against real processes on 127.0.0.1: two workers and a coordinator, and an embedded server holding the
# same rows as the oracle. Every query runs on both; the output shows "same" or both answers. Then the
# tier EXPLAIN chooses (worker SQL, or why it pulls, the estimated rows) and EXPLAIN ANALYZE's
# per-partition rows.
# Output is compared with partial_aggregate.expected.
#   partial_aggregate_test.sh TESSERA_BINARY EXPECTED_FILE
set -eu
binary=$1
expected=$2
. "$(dirname "$0")/cluster_lib.sh"
start_two_workers_and_embedded 5000

explain() {
  on "$coordinator_port" "EXPLAIN $1" | sed 's/t[0-9]*_p[0-9]*/tOID_pN/g'
}

{
  on "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker1_port) > 0"
  on "$coordinator_port" "SELECT tessera.add_worker('127.0.0.1', $worker2_port) > 0"
  echo "=== data: the same rows on the cluster (16 partitions on 2 workers) and the embedded server"
  both "CREATE TABLE t (id integer PRIMARY KEY, g integer, s text, n numeric(10,2), f double precision, r real, b bigint, ts timestamp, tz timestamptz)"
  both "INSERT INTO t SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 7 END,
          CASE WHEN i % 13 = 0 THEN NULL ELSE chr(97 + i % 5) || (i % 17)::text END,
          (i % 101) * 1.25, (i % 37) * 0.25, (i % 9) * 0.5, i::bigint * 1000000000,
          timestamp '2024-01-01' + (i % 50) * interval '7 hours', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute'
        FROM generate_series(1, 3000) AS i"
  both "CREATE TABLE empty (id integer PRIMARY KEY, g integer, x integer, f double precision)"
  both "CREATE TABLE spread (k integer, v integer, w text)"
  both "INSERT INTO spread SELECT i % 40, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 23 END, chr(97 + i % 4) FROM generate_series(1, 2000) AS i"
  echo "=== aggregates pushed: each partition's partials, combined on the coordinator"
  same "every split aggregate, no GROUP BY" "SELECT count(*), count(s), count(g), sum(id), sum(b), sum(n), sum(f), sum(r), avg(id), avg(b), avg(n), avg(f), avg(r), min(s), max(s), min(ts), max(ts), min(n), max(f), min(tz), max(tz) FROM t"
  same "GROUP BY with a NULL group" "SELECT g, count(*), sum(id), avg(id), avg(n), avg(f), min(s), max(ts) FROM t GROUP BY g ORDER BY g"
  same "GROUP BY text, several keys" "SELECT s, g, count(*), sum(n) FROM t GROUP BY s, g ORDER BY s, g"
  same "GROUP BY expressions" "SELECT g % 3, s IS NULL, date_trunc('day', ts), count(*), avg(f) FROM t GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
  same "bool_and, bool_or, every" "SELECT g, bool_and(f > 1), bool_or(s LIKE 'a%'), every(id > 5) FROM t GROUP BY g ORDER BY g"
  same "a derived table with filters inside and outside" "SELECT g, count(*), sum(d) FROM (SELECT id, f * 2 AS d, g FROM t WHERE g > 0) AS s WHERE d < 30 GROUP BY g ORDER BY g"
  same "HAVING" "SELECT g, sum(id), count(*) FROM t GROUP BY g HAVING sum(id) > 584000 AND count(*) > 3 ORDER BY g"
  same "WHERE on timestamps, LIKE, and FILTER" "SELECT g, count(*), count(*) FILTER (WHERE f > 4), avg(n) FILTER (WHERE s LIKE 'a%') FROM t WHERE ts >= '2024-01-05' AND s LIKE '_1%' GROUP BY g ORDER BY g"
  same "aggregates in expressions, ORDER BY an aggregate, LIMIT" "SELECT g, sum(id) * 2 + count(*), max(n) - min(n) FROM t GROUP BY g ORDER BY 2 DESC, 1 LIMIT 3"
  same "router: the shard key pins one partition" "SELECT count(*), sum(n), avg(f) FROM t WHERE id = 77"
  same "empty table, no GROUP BY" "SELECT count(*), count(x), sum(x), avg(x), avg(f), min(x), max(f) FROM empty"
  same "empty table, GROUP BY" "SELECT g, count(*) FROM empty GROUP BY g UNION ALL SELECT -1, 0"
  same "a guard before a division, pushed whole" "SELECT count(*), sum(10 / g) FROM t WHERE g <> 0 AND 10 / g > 1"
  same "no rows pass the filter" "SELECT count(*), sum(id), avg(n) FROM t WHERE g = 99"
  echo "=== DISTINCT aggregates pushed: per partition when the shard key keeps values apart, else merged sets"
  same "DISTINCT over the shard key, no GROUP BY" "SELECT count(DISTINCT id), sum(DISTINCT id), avg(DISTINCT id), min(DISTINCT id), max(DISTINCT id), count(*) FROM t"
  same "DISTINCT over the shard key, grouped" "SELECT g, count(DISTINCT id), avg(DISTINCT id), sum(n) FROM t GROUP BY g ORDER BY g"
  same "GROUP BY the shard key, DISTINCT over another column" "SELECT id, count(DISTINCT g), sum(DISTINCT f), avg(DISTINCT r) FROM t WHERE id < 30 GROUP BY id ORDER BY id"
  same "DISTINCT over a column with NULLs, no GROUP BY" "SELECT count(DISTINCT g), sum(DISTINCT g), avg(DISTINCT g), count(DISTINCT s) FROM t"
  same "DISTINCT mixed with plain aggregates, grouped" "SELECT g, count(DISTINCT s), count(*), count(s), sum(n), avg(f), min(ts), max(DISTINCT s) FROM t GROUP BY g ORDER BY g"
  same "several DISTINCT arguments" "SELECT g % 3, count(DISTINCT s), count(DISTINCT r), sum(DISTINCT r), avg(DISTINCT n), count(*) FROM t GROUP BY 1 ORDER BY 1"
  same "DISTINCT of expressions and types" "SELECT count(DISTINCT g * 2), count(DISTINCT date_trunc('day', ts)), avg(DISTINCT f), sum(DISTINCT b % 7), count(DISTINCT lower(s)) FROM t"
  same "DISTINCT with HAVING, ORDER BY an aggregate, LIMIT" "SELECT s, count(DISTINCT g) AS c, sum(id) FROM t GROUP BY s HAVING count(DISTINCT g) > 2 ORDER BY c DESC, s LIMIT 5"
  same "DISTINCT with a WHERE and FILTER on a plain aggregate" "SELECT g, count(DISTINCT r), count(*) FILTER (WHERE f > 4) FROM t WHERE s LIKE 'a%' GROUP BY g ORDER BY g"
  same "a table without a shard key" "SELECT k % 4, count(DISTINCT v), sum(DISTINCT v), avg(DISTINCT v), count(DISTINCT w), count(*) FROM spread GROUP BY 1 ORDER BY 1"
  same "a table without a shard key, no GROUP BY" "SELECT count(DISTINCT k), count(DISTINCT v), count(v), count(*) FROM spread"
  same "DISTINCT in a derived table" "SELECT count(DISTINCT d), count(*) FROM (SELECT g * 10 AS d FROM t WHERE id > 100) AS s"
  same "DISTINCT, no rows pass the filter" "SELECT count(DISTINCT g), sum(DISTINCT g), avg(DISTINCT g), count(*), count(g), sum(id) FROM t WHERE id < 0"
  same "DISTINCT, no rows pass the filter, grouped" "SELECT g, count(DISTINCT s) FROM t WHERE id < 0 GROUP BY g UNION ALL SELECT -1, 0"
  same "DISTINCT over an empty table" "SELECT count(DISTINCT x), sum(DISTINCT x), avg(DISTINCT f), count(*), count(x) FROM empty"
  same "DISTINCT over an empty table, shard key" "SELECT count(DISTINCT id), avg(DISTINCT id), count(*) FROM empty"
  same "DISTINCT over the shard key with FILTER" "SELECT g, count(DISTINCT id) FILTER (WHERE f > 2), avg(DISTINCT id) FILTER (WHERE s IS NULL), count(*) FROM t GROUP BY g ORDER BY g"
  same "DISTINCT, router" "SELECT count(DISTINCT g), count(DISTINCT id) FROM t WHERE id = 77"
  echo "=== top-N pushed: each partition's first limit + offset rows, merged on the coordinator"
  same "ORDER BY LIMIT OFFSET, ties broken by id" "SELECT id, s, f FROM t ORDER BY f DESC, id LIMIT 7 OFFSET 3"
  same "NULLs first, text keys" "SELECT s, id FROM t ORDER BY s NULLS FIRST, id DESC LIMIT 5 OFFSET 10"
  same "ORDER BY an expression, with a filter" "SELECT id, n * 2 FROM t WHERE g = 3 ORDER BY n * 2, id LIMIT 4"
  same "a negative LIMIT is the coordinator's error" "SELECT id FROM t ORDER BY id LIMIT -1"
  same "LIMIT 0" "SELECT count(*) FROM (SELECT id FROM t ORDER BY id LIMIT 0) AS none UNION ALL SELECT 1"
  echo "=== kept in the pull tier (never a wrong answer)"
  same "DISTINCT with FILTER" "SELECT g, count(DISTINCT s) FILTER (WHERE f > 2) FROM t GROUP BY g ORDER BY g"
  same "bool_and(DISTINCT)" "SELECT g, bool_and(DISTINCT f > 1), bool_or(DISTINCT s LIKE 'a%') FROM t GROUP BY g ORDER BY g"
  same "string_agg with ORDER BY" "SELECT g, string_agg(s, ',' ORDER BY s, id) FROM t WHERE id < 40 GROUP BY g ORDER BY g"
  same "a filter with a subquery" "SELECT count(*), sum(id) FROM t WHERE g = (SELECT 2)"
  same "a guard that stays on the coordinator keeps the division there too" "SELECT count(*) FROM t WHERE g <> (SELECT 0) AND 10 / g > 1"
  same "a function on timestamptz" "SELECT date_trunc('day', tz), count(*) FROM t GROUP BY 1 ORDER BY 1"
  echo "=== EXPLAIN: the tier and why, and the estimated rows (after ANALYZE: groups by the columns' distinct values)"
  on "$coordinator_port" "ANALYZE t"
  explain "SELECT g, avg(f), count(*) FROM t WHERE ts >= '2024-01-02' GROUP BY g"
  explain "SELECT id, s FROM t ORDER BY s DESC, id LIMIT 5 OFFSET 2"
  explain "SELECT count(*) FROM t WHERE id = 77"
  explain "SELECT count(*), sum(d) FROM (SELECT id, f * 2 AS d FROM t WHERE g > 0) AS s WHERE d < 30"
  explain "SELECT count(DISTINCT g) FROM t"
  explain "SELECT g, count(DISTINCT id), sum(n) FROM t GROUP BY g"
  explain "SELECT id, count(DISTINCT g) FROM t GROUP BY id"
  explain "SELECT g, count(DISTINCT s), avg(DISTINCT f), count(*) FROM t GROUP BY g"
  explain "SELECT count(DISTINCT s) FILTER (WHERE f > 2) FROM t"
  explain "SELECT a.id, b.s FROM t a JOIN t b ON a.id = b.id WHERE a.g = 1"
  explain "SELECT avg(f) FROM t WHERE g = (SELECT 2)"
  echo "=== SET tessera.distributed_pushdown = off keeps the pull tier"
  on "$coordinator_port" "SET tessera.distributed_pushdown = off; EXPLAIN SELECT g, count(*) FROM t GROUP BY g"
  echo "=== EXPLAIN ANALYZE: rows per partition, or per read of several partitions merged on a worker"
  on "$coordinator_port" "EXPLAIN ANALYZE SELECT id FROM t WHERE g < 3" | grep 'Partition' | sed 's/time=[0-9.]* ms/time=T/'
  on "$coordinator_port" "EXPLAIN ANALYZE SELECT s, count(*) FROM t GROUP BY s" | grep 'Partition' | sed 's/time=[0-9.]* ms/time=T/'
} >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
