// SPDX-License-Identifier: Apache-2.0
// The DuckDB peer of scripts/bench (run by it with @duckdb/node-api installed beside this file's copy):
// loads the benchmark's trades CSV and vectors TSV (pgvector text form, cast to FLOAT[128]) into an
// in-memory database, runs every query of QUERIES_TSV (lines "id<TAB>sql") once unmeasured and RUNS
// times measured, writes the first run's rows to OUT_DIR/<id>.rows (fields joined by '|', NULL as NULL)
// and prints to stdout "version<TAB>v..", "load_s<TAB>seconds", then per query "<id><TAB><median ms>" or
// "<id><TAB>error<TAB><message>". Times are in-process (no client round trip).
// Usage: node duckdb-bench.mjs TRADES_CSV VECTORS_TSV|- QUERIES_TSV RUNS THREADS OUT_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const [tradesCsv, vectorsTsv, queriesTsv, runsText, threadsText, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node duckdb-bench.mjs TRADES_CSV VECTORS_TSV|- QUERIES_TSV RUNS THREADS OUT_DIR');
  process.exit(2);
}
const runs = Number(runsText);

const sqlString = (text) => `'${text.replaceAll("'", "''")}'`;
const cell = (value) => (value === null || value === undefined ? 'NULL' : String(value));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

const instance = await DuckDBInstance.create(':memory:', { threads: threadsText });
const connection = await instance.connect();
const version = (await connection.runAndReadAll('SELECT version()')).getRowsJS()[0][0];
console.log(`version\t${version}`);

const loadStart = performance.now();
await connection.run(
  `CREATE TABLE trades AS SELECT * FROM read_csv(${sqlString(tradesCsv)}, header = false, ` +
    `columns = {'symbol': 'INTEGER', 'price': 'DOUBLE', 'qty': 'INTEGER', 'ts': 'TIMESTAMP'})`);
if (vectorsTsv !== '-') {
  await connection.run(
    `CREATE TABLE vectors AS SELECT id, v::FLOAT[128] AS v FROM read_csv(${sqlString(vectorsTsv)}, ` +
      `delim = '\t', quote = '', header = false, columns = {'id': 'INTEGER', 'v': 'VARCHAR'})`);
}
console.log(`load_s\t${((performance.now() - loadStart) / 1000).toFixed(3)}`);

for (const line of readFileSync(queriesTsv, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const [id, sql] = line.split('\t');
  try {
    const rows = (await connection.runAndReadAll(sql)).getRowsJS();
    writeFileSync(join(outDir, `${id}.rows`), rows.map((row) => row.map(cell).join('|') + '\n').join(''));
    const times = [];
    for (let run = 0; run < runs; ++run) {
      const start = performance.now();
      await connection.runAndReadAll(sql);
      times.push(performance.now() - start);
    }
    console.log(`${id}\t${median(times).toFixed(3)}`);
  } catch (error) {
    console.log(`${id}\terror\t${String(error.message).split('\n')[0]}`);
  }
}
connection.closeSync();
