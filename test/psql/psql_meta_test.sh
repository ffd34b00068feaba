#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs psql's meta-commands against a fresh Tessera and compares their output with psql_meta.expected,
# which was produced by the same commands against PostgreSQL 15 (see its header for the differences).
#   psql_meta_test.sh TESSERA_BINARY EXPECTED_FILE   start a server, run, compare (the ctest)
#   psql_meta_test.sh --run HOST PORT                print the output (to regenerate the expected file)
set -eu
run_commands() {
  host=$1
  port=$2
  psql="psql -X -q -h $host -p $port -U postgres -d postgres"
  $psql -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA sales;
CREATE TABLE customers (id serial PRIMARY KEY, email varchar(100) NOT NULL, name text, balance numeric(10,2), created timestamp);
CREATE UNIQUE INDEX customers_email_key ON customers (email);
CREATE INDEX customers_name_idx ON customers (name);
CREATE TABLE sales.orders (order_id bigint PRIMARY KEY, customer_id integer NOT NULL UNIQUE, amount double precision, note char(4));
CREATE VIEW active_customers AS SELECT id, email FROM customers WHERE balance > 0;
SQL
  for command in '\d' '\dt' '\dv' '\di' '\ds' '\dn' '\d customers' '\d sales.orders' '\d active_customers' \
                 '\d customers_pkey' '\d customers_id_seq' '\df lower' '\d nosuchtable'; do
    echo "=== $command"
    $psql -c "$command" 2>&1 || true
  done
  echo "=== \\x"
  $psql -c '\x' -c "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position"
  echo "=== \\l"
  $psql -c '\l'
}

if [ "$1" = "--run" ]; then
  run_commands "$2" "$3"
  exit 0
fi

binary=$1
expected=$2
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for attempt in $(seq 50); do
  psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done
run_commands 127.0.0.1 "$port" >"$work/actual" 2>&1
grep -v '^#' "$expected" | diff -u - "$work/actual"
