#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The conformance corpus on a cluster (docs/CLUSTER.md), a fast sample: test/sql/cluster and a few corpus
# files chosen for DDL, views, joins, subqueries and set operations run through tessera_slt --cluster 3
# (a fresh coordinator and 3 workers per file, every table distributed). Each file's pass counts must
# equal those in corpus_sample.expected, which are PostgreSQL 15's (MANIFEST).
#   corpus_sample_test.sh TESSERA_SLT TESSERA_BINARY SOURCE_DIR EXPECTED_FILE
# Exits 77 (ctest: skipped) when the corpus (../shared/conformance/slt next to the source tree or its
# parent) is missing.
set -eu
slt=$1
binary=$2
root=$3
expected=$4

corpus=""
for candidate in "$root/../shared/conformance/slt" "$root/../../shared/conformance/slt"; do
  if [ -f "$candidate/MANIFEST" ]; then
    corpus=$candidate
    break
  fi
done
if [ -z "$corpus" ]; then
  echo "corpus_sample_test: no ../shared/conformance/slt next to $root: skipped"
  exit 77
fi

files="
duckdb/test/sql/alter/rename_view/test_rename_view.test
duckdb/test/sql/catalog/view/test_view_alias.test
duckdb/test/sql/cte/test_cte.test
duckdb/test/sql/index/art/create_drop/test_art_drop_index.test
duckdb/test/sql/join/inner/test_using_join.test
duckdb/test/sql/setops/test_pg_union.test
duckdb/test/sql/subquery/scalar/test_update_subquery.test
duckdb/test/sql/subquery/test_neumann.test
duckdb/test/sql/transactions/test_stacked_schema_change.test
duckdb/test/sql/transactions/test_transaction_local_data.test
duckdb/test/sql/update/test_update_from.test
sqlite/test/evidence/in1.test
sqlite/test/evidence/slt_lang_createview.test
sqlite/test/evidence/slt_lang_dropindex.test
sqlite/test/evidence/slt_lang_droptable.test
sqlite/test/select1.test
"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086 # the file list splits on white space
"$slt" --server "$binary" --cluster 3 --root "$root" --corpus "$corpus" --jobs 2 --max-failures-shown 20 \
  --files "$root/test/sql/cluster" $files >"$work/output" 2>&1 || true
grep -E '^[^ ]+ [0-9]+ passed, ' "$work/output" | sed "s|^$root/||" | sort >"$work/actual"
if ! diff -u "$expected" "$work/actual"; then
  cat "$work/output"
  exit 1
fi
