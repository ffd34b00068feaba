// SPDX-License-Identifier: Apache-2.0
// Tests ParallelFor (engine/parallel.h) and parallel query plans against serial ones.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/memory_tracker.h"
#include "engine/database.h"
#include "engine/parallel.h"
#include "engine/task_pool.h"
#include "planner/session.h"

namespace tessera::engine {
namespace {

std::vector<std::string> Run(planner::Session& session, const std::string& sql) {
  auto statement = session.Prepare(sql);
  auto cursor = session.Execute(*statement);
  std::vector<std::string> rows;
  Batch batch;
  while (cursor->Next(&batch)) {
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      std::string text;
      for (const auto& column : batch.columns) {
        text += (column.IsNull(row) ? "NULL" : session.FormatText(column, row)) + "|";
      }
      rows.push_back(text);
    }
  }
  session.Sync();
  return rows;
}

TEST_SUITE("parallel") {
  TEST_CASE("ParallelFor runs every index once") {
    TaskPool pool(3);
    std::atomic<bool> cancel{false};
    std::vector<std::atomic<int>> runs(100);
    ParallelFor(pool, 3, 100, cancel, [&](int index) { runs[index].fetch_add(1); });
    for (const auto& count : runs) CHECK(count.load() == 1);
    CHECK_FALSE(cancel.load());
  }

  TEST_CASE("ParallelFor runs tasks, on pool threads too, under the caller's memory flag") {
    TaskPool pool(3);
    for (bool caller_may_fail : {true, false, true}) {
      CAPTURE(caller_may_fail);
      memory::MayFailScope caller(caller_may_fail);
      std::atomic<bool> cancel{false};
      std::mutex mutex;
      std::vector<std::pair<std::thread::id, bool>> seen;
      ParallelFor(pool, 4, 64, cancel, [&](int) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // lets the helpers take tasks
        std::lock_guard lock(mutex);
        seen.emplace_back(std::this_thread::get_id(), memory::MayFail());
      });
      REQUIRE(seen.size() == 64);
      int on_caller_thread = 0;
      for (const auto& [thread, may_fail] : seen) {
        CHECK(may_fail == caller_may_fail);
        on_caller_thread += thread == std::this_thread::get_id();
      }
      CHECK(on_caller_thread < 64);  // some ran on the pool
    }
  }

  TEST_CASE("ParallelFor rethrows the first error and cancels the rest") {
    TaskPool pool(2);
    std::atomic<bool> cancel{false};
    std::atomic<int> started{0};
    CHECK_THROWS_AS(ParallelFor(pool, 2, 1000, cancel,
                                [&](int index) {
                                  started.fetch_add(1);
                                  if (index == 3) throw std::runtime_error("task 3 failed");
                                  std::this_thread::sleep_for(std::chrono::microseconds(200));
                                }),
                    std::runtime_error);
    CHECK(cancel.load());
    CHECK(started.load() < 1000);
  }

  TEST_CASE("ParallelFor finishes when every pool thread is busy") {
    TaskPool pool(2);
    std::mutex mutex;
    std::condition_variable release;
    bool released = false;
    // Occupy both pool threads until the caller's work is done.
    for (int blocker = 0; blocker < 2; ++blocker) {
      pool.Submit([&] {
        std::unique_lock lock(mutex);
        release.wait(lock, [&] { return released; });
      });
    }
    std::atomic<bool> cancel{false};
    std::atomic<int> total{0};
    ParallelFor(pool, 2, 8, cancel, [&](int index) { total.fetch_add(index); });
    CHECK(total.load() == 28);
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    release.notify_all();
  }

  TEST_CASE("ParallelFor nested inside tasks finishes") {
    TaskPool pool(2);
    std::atomic<bool> cancel{false};
    std::atomic<int> total{0};
    ParallelFor(pool, 2, 4, cancel, [&](int) {
      std::atomic<bool> inner_cancel{false};
      ParallelFor(pool, 2, 4, inner_cancel, [&](int) { total.fetch_add(1); });
    });
    CHECK(total.load() == 16);
  }

  TEST_CASE("parallel plans return what serial plans return") {
    Database serial_database(DatabaseOptions{"", 4, 1, "tessera"});
    Database parallel_database(DatabaseOptions{"", 4, 2, "tessera"});
    planner::Session serial(serial_database, {});
    planner::Session parallel(parallel_database, {});
    const std::string create = "CREATE TABLE t (id INT, g INT, v BIGINT, n NUMERIC, s TEXT)";
    const std::string fill = "INSERT INTO t SELECT x, x % 37, x * 3, x / 4.0, 's' || x % 11 FROM generate_series(1, 120000) x";
    for (auto* session : {&serial, &parallel}) {
      Run(*session, create);
      Run(*session, fill);
    }
    const std::string grouped = "SELECT g, count(*), sum(v), avg(n), min(s), max(id) FROM t GROUP BY g";
    CHECK(Run(parallel, "EXPLAIN " + grouped)[2].find("Workers: 2") != std::string::npos);
    CHECK(Run(serial, "EXPLAIN " + grouped)[2].find("Workers") == std::string::npos);
    for (const std::string& query : {
             grouped,
             std::string("SELECT count(*), sum(v), bool_and(id > 0) FROM t WHERE s <> 's3'"),
             std::string("SELECT id, s FROM t WHERE g = 5 AND id % 100 = 0"),
             std::string("SELECT g, sum(v) FROM t WHERE id > 1000 GROUP BY g HAVING count(*) > 10 ORDER BY g"),
         }) {
      CAPTURE(query);
      // Same rows in the same order: partial aggregates merge and gathers replay in partition order.
      CHECK(Run(serial, query) == Run(parallel, query));
    }
    CHECK_THROWS_AS(Run(parallel, "SELECT sum(v / (g - 20)) FROM t"), SqlError);
  }

  TEST_CASE("parallel aggregates over UNION ALL return what serial plans return") {
    Database serial_database(DatabaseOptions{"", 4, 1, "tessera"});
    Database parallel_database(DatabaseOptions{"", 4, 2, "tessera"});
    planner::Session serial(serial_database, {});
    planner::Session parallel(parallel_database, {});
    for (auto* session : {&serial, &parallel}) {
      Run(*session, "CREATE TABLE a (g INT, v BIGINT, s TEXT)");
      Run(*session, "CREATE TABLE b (g INT, v BIGINT, s TEXT)");
      Run(*session, "INSERT INTO a SELECT x % 37, x, 's' || x % 11 FROM generate_series(1, 60000) x");
      Run(*session, "INSERT INTO b SELECT x % 41, -x, 't' || x % 7 FROM generate_series(1, 50000) x");
    }
    // Two tables of 4 partitions each: 8 pieces, 4 tasks.
    const std::string grouped = "SELECT g, count(*), sum(v), min(s) FROM (SELECT * FROM a UNION ALL SELECT * FROM b) u GROUP BY g";
    // The plan lines that mention `text`.
    auto lines = [](const std::vector<std::string>& plan, const std::string& text) {
      int count = 0;
      for (const std::string& line : plan) count += line.find(text) != std::string::npos;
      return count;
    };
    const std::vector<std::string> plan = Run(parallel, "EXPLAIN " + grouped);
    CHECK(plan[2].find("Workers: 2") != std::string::npos);
    CHECK(lines(plan, "Workers") == 1);
    CHECK(lines(plan, "Parallel Seq Scan") == 2);
    CHECK(lines(Run(serial, "EXPLAIN " + grouped), "Workers") == 0);
    // UNION (not ALL) needs every row in one place, and float variances do not combine: serial.
    CHECK(lines(Run(parallel, "EXPLAIN SELECT g, count(*) FROM (SELECT g FROM a UNION SELECT g FROM b) u GROUP BY g"),
                "Workers") == 0);
    CHECK(lines(Run(parallel, "EXPLAIN SELECT variance(v::float8) FROM (SELECT v FROM a UNION ALL SELECT v FROM b) u"),
                "Workers") == 0);
    CHECK(lines(Run(parallel, "EXPLAIN SELECT sum(v::float8) FROM (SELECT v FROM a UNION ALL SELECT v FROM b) u"),
                "Workers") == 1);
    for (const std::string& query : {
             grouped,
             std::string("SELECT count(*), sum(v) FROM (SELECT v FROM a WHERE g < 5 UNION ALL SELECT v FROM b UNION ALL "
                         "SELECT v * 2 FROM a WHERE s = 's3') u"),
             std::string("SELECT s, sum(v) FROM (SELECT s, v FROM a UNION ALL SELECT s, v FROM b) u WHERE v % 3 = 0 GROUP BY s"),
             std::string("SELECT g, count(*) FROM (SELECT g FROM a UNION ALL SELECT g FROM b WHERE v > -100) u GROUP BY g"),
         }) {
      CAPTURE(query);
      // Same rows in the same order: tasks take runs of adjacent partitions and merge in order.
      CHECK(Run(serial, query) == Run(parallel, query));
    }
    CHECK_THROWS_AS(Run(parallel, "SELECT sum(v / (g - 20)) FROM (SELECT * FROM b UNION ALL SELECT * FROM a) u"), SqlError);
  }

  TEST_CASE("aggregates of frozen row groups by key code return what decoded rows give") {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-encoded-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    struct Cleanup {
      std::string path;
      ~Cleanup() { std::filesystem::remove_all(path); }
    } cleanup{pattern};
    Database frozen_database(DatabaseOptions{pattern, 4, 2, "tessera"});
    frozen_database.OpenStorage().ThrowIfError();
    Database memory_database(DatabaseOptions{"", 4, 2, "tessera"});
    planner::Session frozen(frozen_database, {});
    planner::Session memory(memory_database, {});
    for (auto* session : {&frozen, &memory}) {
      Run(*session, "CREATE TABLE t (k INT, d DATE, x BIGINT, v INT, w BIGINT, f FLOAT8)");
      Run(*session, "CREATE TABLE r (k INT, v INT) WITH (sort_key = 'v')");
      Run(*session,
          "INSERT INTO t SELECT (i::bigint * i * 7 + i * 13) % 500, DATE '2024-01-01' + ((i::bigint * i) % 50)::int, ((i::bigint * i) % 9) * "
          "10000000000, i % 1000, i::bigint * 1000000000000, (i % 8) * 0.25 FROM generate_series(1, 200000) i");
      Run(*session, "INSERT INTO r SELECT (i::bigint * i) % 300, (i::bigint * 7919) % 200000 FROM generate_series(1, 200000) i");
    }
    Run(frozen, "CHECKPOINT");
    const std::vector<std::string> queries = {
        "SELECT k, count(*), count(v), sum(v), avg(v), min(v), max(v), sum(w), avg(w), avg(f), min(f), max(f) FROM t "
        "GROUP BY k ORDER BY k",
        "SELECT d, count(*), sum(v), max(f) FROM t GROUP BY d ORDER BY d",
        "SELECT x, count(*), max(w), min(d) FROM t GROUP BY x ORDER BY x",
        "SELECT k, count(*), sum(v) FROM t WHERE v < 300 GROUP BY k ORDER BY k",
        "SELECT k, count(*), sum(v) FROM r GROUP BY k ORDER BY k",
        // UNION ALLs of scans (a worker's partial aggregate over its shard tables): an arm's columns in
        // another order, an arm with a filter, and arms that are not bare columns or convert a type.
        "SELECT b, count(*), sum(a), min(c), max(a) FROM (SELECT v AS a, k AS b, v AS c FROM t UNION ALL SELECT v, k, k "
        "FROM r WHERE v < 5000 UNION ALL SELECT v, k, v FROM t WHERE f >= 0 AND k >= 0) u GROUP BY b ORDER BY b",
        "SELECT k, count(*), sum(v) FROM (SELECT k, v FROM t UNION ALL SELECT k, v + 1 FROM r) u GROUP BY k ORDER BY k",
        "SELECT x, count(*) FROM (SELECT x FROM t UNION ALL SELECT k FROM r) u GROUP BY x ORDER BY x",
    };
    auto same = [&] {
      for (const std::string& query : queries) {
        CAPTURE(query);
        CHECK(Run(frozen, query) == Run(memory, query));
      }
    };
    // EXPLAIN ANALYZE's count of the rows aggregated by key code; -1 when the plan does not read codes.
    auto by_code = [](planner::Session& session, const std::string& query) -> long {
      for (const std::string& line : Run(session, "EXPLAIN ANALYZE " + query)) {
        const size_t end = line.find(" by code");
        if (end == std::string::npos) continue;
        const size_t begin = line.rfind("rows: ", end);
        return std::stol(line.substr(begin + 6, end - begin - 6));
      }
      return -1;
    };
    CHECK(by_code(frozen, queries[0]) > 190000);  // the last, partial row groups stay in memory
    CHECK(by_code(frozen, queries[2]) > 190000);  // a dictionary chunk
    CHECK(by_code(frozen, queries[3]) > 0);
    CHECK(by_code(memory, queries[0]) == 0);
    CHECK(by_code(frozen, "SELECT k, sum(v + 1) FROM t GROUP BY k") == -1);  // an argument that is no column
    CHECK(by_code(frozen, queries[5]) > 2 * 190000);
    CHECK(by_code(frozen, queries[6]) == -1);
    CHECK(by_code(frozen, queries[7]) == -1);
    same();
    // Deleted and updated rows of frozen row groups, of reordered ones (r) too.
    for (auto* session : {&frozen, &memory}) {
      Run(*session, "DELETE FROM t WHERE v % 7 = 1");
      Run(*session, "UPDATE t SET v = v + 1 WHERE v % 11 = 0");
      Run(*session, "DELETE FROM r WHERE v % 5 = 2");
    }
    same();
    // A transaction's own deletes.
    for (auto* session : {&frozen, &memory}) {
      Run(*session, "BEGIN");
      Run(*session, "DELETE FROM t WHERE k < 100");
      Run(*session, "DELETE FROM r WHERE k > 200");
    }
    same();
    for (auto* session : {&frozen, &memory}) Run(*session, "ROLLBACK");
    same();
  }
}

}  // namespace
}  // namespace tessera::engine
