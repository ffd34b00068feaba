#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# COPY through psql against a fresh Tessera, compared with copy.expected, which is this script's output
# against PostgreSQL 15 (see its header for the documented differences). COPY data cannot live in
# test/sql/*.test (the runner speaks libpqxx), so this drives the real client: COPY FROM STDIN inline,
# psql's \copy, pipes in and out, binary round trips (with the bytes shown), errors and transactions.
#   copy_test.sh TESSERA_BINARY EXPECTED_FILE   start a server, run, compare (the ctest)
#   copy_test.sh --run HOST PORT                print the output (to regenerate the expected file)
set -eu

run_commands() {
  host=$1
  port=$2
  work=$3
  psql="psql -X -q -h $host -p $port -U postgres -d postgres"
  $psql <<'SQL' 2>&1
DROP TABLE IF EXISTS t, u, b1, b2, c1, c2, c3, s1, s, p, cc, bn, big, late CASCADE;
DROP VIEW IF EXISTS sv;
CREATE TABLE t (a int, b text, c varchar(3));
COPY t FROM STDIN;
1	hello	abc
2	\N	x\ty
3	tab\there	
4	esc \\ \b\f\n\r\v \101\x42 \q	q
\.
SELECT a, b, c, length(b) FROM t ORDER BY a;
COPY t TO STDOUT;
COPY t (b, a) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT a, b FROM t WHERE a < 3 ORDER BY a) TO STDOUT CSV;
COPY (SELECT 1 AS x, NULL::text AS y, '' AS z) TO STDOUT WITH (FORMAT text, HEADER true, NULL 'nil', DELIMITER '|');
-- errors name the line and column; nothing of a failed COPY stays
COPY t FROM STDIN;
5	ok	ok
6	x	abcd
\.
COPY t FROM STDIN;
5	x
\.
COPY t FROM STDIN;
5	x	y	z
\.
COPY t FROM STDIN;
x	x	x
\.
COPY t FROM STDIN;
9	before the marker	x\.
10	ignored	x
\.
COPY t FROM STDIN;
\.x
\.
SELECT count(*) FROM t;
-- CSV
COPY t FROM STDIN CSV;
6,"q""uote",
7,,""
8,"multi
line",a,b
\.
COPY t FROM STDIN CSV;
6,"q""uote",
7,,""
8,"multi
line","a,b"
\.
COPY t TO STDOUT CSV FORCE QUOTE *;
COPY t TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (b), NULL 'NULL');
COPY t TO STDOUT WITH (FORMAT csv, QUOTE '''', ESCAPE '\', DELIMITER ';');
COPY t FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\');
9,'it\'s',z
\.
SELECT b FROM t WHERE a = 9;
-- constraints
CREATE TABLE u (id int PRIMARY KEY, v text NOT NULL);
COPY u FROM STDIN;
1	a
2	b
1	c
\.
COPY u FROM STDIN;
1	a
2	\N
\.
COPY u (id) FROM STDIN;
3
\.
SELECT count(*) FROM u;
COPY u FROM STDIN;
1	a
2	b
\.
COPY u TO STDOUT;
-- options
COPY t FROM STDIN WITH (FORMAT binary, DELIMITER ',');
COPY t FROM STDIN (FORMAT xml);
COPY t (zz) FROM STDIN;
COPY t (a, a) FROM STDIN;
COPY t FROM STDIN (FORMAT text, QUOTE '"');
COPY t TO STDOUT (FORMAT csv, FORCE_NOT_NULL (b));
COPY t FROM STDIN (FORMAT csv, FORCE_QUOTE (b));
COPY t FROM STDIN (FORMAT csv, FORCE_NULL (nosuch));
COPY t FROM STDIN (DELIMITER 'ab');
COPY t FROM STDIN (DELIMITER 'x');
COPY t FROM STDIN (FORMAT csv, DELIMITER ',', QUOTE ',');
COPY t FROM STDIN (NULL 'a	b');
COPY t FROM STDIN (FORMAT csv, HEADER match, HEADER true);
COPY t TO STDOUT (HEADER match);
COPY t FROM STDIN (FORMAT binary, HEADER);
COPY t FROM STDIN (BOGUS 1);
SQL
  echo "=== CREATE TABLE AS, SELECT INTO, transactions, HEADER MATCH, FORCE_NULL"
  $psql <<'SQL' 2>&1
CREATE TABLE c1 AS SELECT a AS i, b AS t FROM t WHERE a < 3;
\echo :ROW_COUNT
SELECT * FROM c1 ORDER BY i;
CREATE TABLE c2 (x, y) AS SELECT 1 AS a, 'q' AS b, 2.5 AS c;
SELECT * FROM c2;
CREATE TABLE c3 AS SELECT * FROM t WITH NO DATA;
SELECT count(*) FROM c3;
CREATE TABLE IF NOT EXISTS c3 AS SELECT 1;
SELECT a, c INTO s1 FROM t WHERE a = 1;
SELECT * FROM s1;
CREATE TABLE c1 AS SELECT 1;
CREATE TABLE c4 (a, b, c) AS SELECT 1, 2;
BEGIN;
COPY c1 FROM STDIN;
5	five
\.
COPY c1 FROM STDIN;
6	six
x	bad
\.
SELECT 1;
ROLLBACK;
SELECT * FROM c1 ORDER BY i;
BEGIN;
COPY c1 FROM STDIN;
7	seven
\.
COMMIT;
COPY c1 FROM STDIN (FORMAT csv, HEADER match);
i,t
9,nine
\.
COPY c1 FROM STDIN (FORMAT csv, HEADER match);
i,x
9,nine
\.
COPY c1 FROM STDIN (FORMAT csv, HEADER match);
i
9,nine
\.
COPY c1 FROM STDIN (FORMAT text, HEADER);
this line is skipped
10	ten
\.
COPY c1 FROM STDIN WITH CSV HEADER;
i,t
11,"eleven, ""quoted""
line"
\.
COPY c1 FROM STDIN WITH CSV FORCE NOT NULL t;
12,
\.
COPY c1 FROM STDIN WITH (FORMAT csv, FORCE_NULL (t));
13,""
14,"x"
\.
SELECT i, t IS NULL AS null_t FROM c1 WHERE i > 11 ORDER BY i;
COPY c1 FROM STDIN WITH (FORMAT csv, NULL 'N', FORCE_NOT_NULL (t));
18,N
19,
N,x
\.
COPY c1 FROM STDIN WITH (FORMAT csv, NULL 'N', FORCE_NOT_NULL (t));
20,N
21,
\.
COPY c1 FROM STDIN WITH (FORMAT text, NULL '');
22	
\N	\N
\.
SELECT i, t, t IS NULL AS null_t FROM c1 WHERE i IS NULL OR i > 17 ORDER BY i;
COPY c1 FROM STDIN WITH DELIMITER '|' NULL 'NUL';
15|NUL
16|a\|b
\.
COPY c1 TO STDOUT WITH DELIMITER '|' NULL 'NUL';
COPY c1 TO STDOUT CSV;
COPY c1 FROM STDIN CSV;
17,"unterminated
\.
SQL
  echo "=== binary round trip"
  $psql <<'SQL' 2>&1
CREATE TABLE b1 (i int, s smallint, g bigint, f float8, r real, n numeric(10,2), t text, v varchar(5), d date,
                 ts timestamp, tz timestamptz, bo bool, by bytea, iv interval);
SET timezone = 'UTC';
INSERT INTO b1 VALUES (1, -2, 3000000000, 1.5, 2.5, -12.34, 'x y', 'abc', '2024-01-02', '2024-01-02 03:04:05.5',
                       '2024-01-02 03:04:05+00', true, '\x0102ff', '1 day 2 hours'),
                      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE b2 (i int, s smallint, g bigint, f float8, r real, n numeric(10,2), t text, v varchar(5), d date,
                 ts timestamp, tz timestamptz, bo bool, by bytea, iv interval);
SQL
  $psql -c "COPY b1 TO STDOUT (FORMAT binary)" >"$work/b1.bin"
  od -An -tx1 "$work/b1.bin"
  $psql -c "COPY b2 FROM STDIN (FORMAT binary)" <"$work/b1.bin"
  $psql -c '\copy b2 from '"'$work/b1.bin'"' with (format binary)'
  $psql -c "SET timezone = 'UTC'" -c "COPY b2 TO STDOUT"
  head -c 15 "$work/b1.bin" | $psql -c "COPY b2 FROM STDIN BINARY" 2>&1 || true
  printf 'PGCOPY\n' | $psql -c "COPY b2 FROM STDIN BINARY" 2>&1 || true
  (cat "$work/b1.bin"; printf 'x') | $psql -c "COPY b2 FROM STDIN BINARY" 2>&1 || true
  head -c 40 "$work/b1.bin" | $psql -c "COPY b2 FROM STDIN BINARY" 2>&1 || true
  $psql -c "COPY (SELECT i, t FROM b1) TO STDOUT BINARY" | $psql -c "COPY b2 FROM STDIN BINARY" 2>&1 || true
  $psql -c "SELECT count(*) FROM b2"
  # binary fields get the column's length, precision and scale as typrecv applies the typmod
  $psql -c "CREATE TABLE bn (v varchar(3), n numeric(6,2), ts timestamp(0))"
  $psql -c "COPY (SELECT 'ab'::text, 1.005::numeric, '2024-01-01 10:00:00.7'::timestamp(3)) TO STDOUT BINARY" |
    $psql -c "COPY bn FROM STDIN BINARY"
  $psql -c "COPY (SELECT 'abcdef'::text, 1::numeric, NULL::timestamp) TO STDOUT BINARY" | $psql -c "COPY bn FROM STDIN BINARY" 2>&1 || true
  $psql -c "COPY (SELECT 'ab', 123456.7, NULL::timestamp) TO STDOUT BINARY" | $psql -c "COPY bn FROM STDIN BINARY" 2>&1 || true
  $psql -c "COPY bn TO STDOUT"
  echo "=== psql's copy command and pipes"
  printf '1,one\n2,two\n' >"$work/in.csv"
  $psql -c "CREATE TABLE p (id int, name text)"
  $psql -c '\copy p from '"'$work/in.csv'"' csv'
  printf '3\tthree\n4\tfour' | $psql -c '\copy p (id, name) from pstdin'
  printf '5\tfive\n' | $psql -c 'COPY p FROM STDIN'
  $psql -c '\copy p to stdout csv header'
  $psql -c '\copy (select name from p where id > 2 order by id) to stdout'
  $psql -c "COPY p FROM '/tmp/nonexistent.csv'" 2>&1 || true
  $psql -c "COPY p TO '/tmp/copy_out.csv'" 2>&1 || true
  echo "=== serial defaults, views, line endings"
  $psql <<'SQL' 2>&1
CREATE TABLE s (id serial, v text, f float8, b bool);
COPY s (v, f, b) FROM STDIN;
a	1.1	true
b	1e100	f
\.
CREATE VIEW sv AS SELECT * FROM s;
COPY sv TO STDOUT;
COPY sv FROM STDIN;
this line is data for the failed COPY, not SQL
\.
COPY s TO STDOUT (FORMAT text, HEADER);
COPY s FROM STDIN (FORMAT csv, ESCAPE '\');
9,"a\"b\\c",1,t
\.
COPY s (v) TO STDOUT CSV;
SQL
  printf '10,crlf,1,t\r\n11,two,2,f\r\n' | $psql -c "COPY s FROM STDIN CSV"
  printf '12\tcr\t1\tt\r13\tcr\t2\tf\r' | $psql -c "COPY s FROM STDIN"
  printf '14\tcrlf\t1\tt\r\n15\ttwo\t2\tf\n' | $psql -c "COPY s FROM STDIN" 2>&1 || true
  printf '16\tnl\t1\tt\n17\ttwo\t2\tf\r\n' | $psql -c "COPY s FROM STDIN" 2>&1 || true
  printf '' | $psql -c "COPY s FROM STDIN"
  $psql -c "SELECT count(*) FROM s"
  echo "=== SQLSTATEs of the errors"
  $psql <<'SQL' 2>&1
\set VERBOSITY sqlstate
CREATE TABLE cc (a int primary key, b text not null, c varchar(2));
COPY cc FROM STDIN WITH (FORMAT binary, DELIMITER ',');
COPY cc FROM STDIN (FORMAT xml);
COPY cc (zz) FROM STDIN;
COPY cc (a, a) FROM STDIN;
COPY cc FROM STDIN (FORMAT text, QUOTE '"');
COPY cc TO STDOUT (FORMAT csv, FORCE_NOT_NULL (b));
COPY cc FROM STDIN (FORMAT csv, FORCE_QUOTE (b));
COPY cc FROM STDIN (FORMAT csv, FORCE_NULL (nosuch));
COPY cc (a) FROM STDIN (FORMAT csv, FORCE_NULL (b));
COPY cc FROM STDIN (DELIMITER 'ab');
COPY cc FROM STDIN (DELIMITER 'x');
COPY cc FROM STDIN (FORMAT csv, DELIMITER ',', QUOTE ',');
COPY cc FROM STDIN (NULL 'a	b');
COPY cc FROM STDIN (FORMAT csv, HEADER match, HEADER true);
COPY cc TO STDOUT (HEADER match);
COPY cc FROM STDIN (HEADER maybe);
COPY cc FROM STDIN (FORMAT binary, HEADER);
COPY cc FROM STDIN (BOGUS 1);
COPY cc FROM STDIN (FORMAT binary, NULL 'x');
COPY cc FROM STDIN (FORMAT csv, QUOTE 'ab');
COPY cc FROM STDIN (FORMAT csv, ESCAPE 'ab');
COPY cc FROM STDIN (ESCAPE 'a');
COPY cc FROM STDIN (FREEZE maybe);
COPY cc FROM STDIN (FORMAT csv, NULL '"');
COPY cc FROM STDIN;
1	\N	x
\.
COPY cc FROM STDIN;
1	x	xyz
\.
COPY cc FROM STDIN;
1	x	xy
1	x	xy
\.
COPY cc FROM STDIN;
1
\.
COPY cc FROM STDIN;
z	x	x
\.
COPY cc FROM STDIN BINARY;
nonsense
\.
SQL
  echo "=== a large COPY streams"
  $psql -c "CREATE TABLE big (id int PRIMARY KEY, payload text)"
  seq 1 100000 | awk '{ printf "%d\tpayload number %d with some padding text\n", $1, $1 }' | $psql -c "COPY big FROM STDIN"
  $psql -c "SELECT count(*), sum(id), max(length(payload)) FROM big"
  $psql -c "COPY big TO STDOUT" | wc -l
  (seq 1 50000; echo 17) | awk '{ printf "%d\tagain\n", $1 + 100000 }' >"$work/dup.txt"
  $psql -c "COPY big FROM STDIN" <"$work/dup.txt" 2>&1 || true
  $psql -c "SELECT count(*) FROM big"
  echo "=== errors in later batches name their line; an earlier line's error comes first; nothing is kept"
  $psql -c "CREATE TABLE late (a int, b float8, c timestamp, d text)"
  row='{ printf "%d,%d.5,2024-01-02 03:04:05,\"text %d\"\n", $1, $1, $1 }'
  seq 1 10000 | awk "$row" | sed '7000s/^7000,/x7000,/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$row" | sed -e '10s/^10,/x10,/' -e '3000s/$/,extra/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$row" | sed '9999s/2024-01-02/2024-13-02/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$row" | sed '4097s/$/,extra/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  $psql -c "SELECT count(*) FROM late"
  seq 1 10000 | awk "$row" | $psql -c "COPY late FROM STDIN CSV"
  $psql -c "SELECT count(*), sum(a), sum(b), min(c), max(d) FROM late"
  echo "=== plain lines (no quotes, escapes or non-ASCII bytes) mixed with others, in later batches"
  plain='{ printf "%d,%d.25,2024-01-02 03:04:%02d,t%d\n", $1, $1, $1 % 60, $1 }'
  seq 1 10000 | awk "$plain" | sed -e '100s/t100$/"two\nlines"/' -e '3000s/^3000,/x3000,/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$plain" | sed -e '5000s/$/,extra/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$plain" | sed -e '6000s/,t6000$//' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$plain" | sed -e '7000s/$/\r/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  seq 1 10000 | awk "$plain" | sed -e '8000s/t8000/\xff/' | $psql -c "COPY late FROM STDIN CSV" 2>&1 || true
  $psql -c "SELECT count(*) FROM late"
  seq 1 10000 | awk "$plain" | sed -e '2s/t2$//' -e '3s/t3$/"q,""x"""/' -e '4s/t4$/caf\xc3\xa9/' -e '5s/^5,/,/' \
    -e '4100s/t4100$/"multi\nline"/' | $psql -c "COPY late FROM STDIN CSV"
  $psql -c "SELECT count(*), sum(a), sum(b), min(c), max(c), count(d), sum(length(d)) FROM late WHERE a > 10000 OR a IS NULL OR d NOT LIKE 't%' OR a < 6"
  seq 1 5000 | awk '{ printf "%d\tv%d\n", $1, $1 }' | sed -e '10s/v10$/nil/' -e '20s/v20$/a\\tb/' -e '4500s/v4500$//' |
    $psql -c "COPY p FROM STDIN (NULL 'nil')"
  $psql -c "SELECT count(*), count(name), sum(length(name)), max(name) FROM p WHERE id <= 5000"
  seq 1 3000 | awk '{ printf "%d|v%d\n", $1, $1 }' | sed '2500s/^2500|/x|/' | $psql -c "COPY p FROM STDIN (DELIMITER '|')" 2>&1 || true
}

if [ "$1" = "--run" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  run_commands "$2" "$3" "$work"
  exit 0
fi

binary=$1
expected=$2
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# One partition keeps a table's rows in insertion order, which COPY t TO STDOUT shows as PostgreSQL does.
"$binary" --port "$port" --partitions 1 --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for attempt in $(seq 50); do
  psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done
run_commands 127.0.0.1 "$port" "$work" >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
