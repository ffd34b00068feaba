// SPDX-License-Identifier: Apache-2.0
// ExecContext: what a running statement's operators and functions may read: the session's settings, the
// statement's parameters and start time, the cancel flag, and the outer rows of correlated subqueries.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/datetime.h"
#include "base/error.h"
#include "base/value.h"
#include "base/vector.h"
#include "storage/vector_sketch.h"
#include "storage/version_stamp.h"

namespace tessera::storage {
class Transaction;
}

namespace tessera::engine {

class Database;
class DistributedTransaction;
class PlanProfile;
struct PlanNode;

struct ExecContext {
  Database* database = nullptr;
  // EXPLAIN ANALYZE: where operators count their rows and time (engine/plan_profile.h); null otherwise.
  std::shared_ptr<PlanProfile> profile;
  // Session settings that change how values are computed or printed.
  datetime::TimeZone time_zone;
  datetime::DateTimeStyle datetime_style;  // DateStyle and IntervalStyle
  bool bytea_escape = false;               // bytea_output = escape
  int extra_float_digits = 1;
  // The session's settings by name, as SHOW prints them (current_setting, set_config); installed by the
  // planner. `read_setting` returns nullopt for an unknown name; `write_setting` applies a value (throws
  // 42704 for an unknown name, 22023 for a bad value) and returns the new value.
  std::function<std::optional<std::string>(const std::string& name)> read_setting;
  std::function<std::string(const std::string& name, const std::string& value, bool is_local)> write_setting;
  std::string user = "tessera";
  std::string database_name = "tessera";
  std::string search_path_first = "public";
  // The schemas unqualified names are looked up in, pg_catalog first.
  std::vector<std::string> search_path = {"pg_catalog", "public"};
  // Catalog lookups for the reg* types (regclass, regnamespace, ...), set where a catalog is at hand
  // (engine/system_tables.h, InstallCatalogResolvers). `resolve_object` maps a name to its OID (nullopt:
  // no such object); `object_name` prints an OID (nullopt: unknown OID, printed as a number).
  std::function<std::optional<int64_t>(uint32_t flavour, std::string_view name)> resolve_object;
  std::function<std::optional<std::string>(uint32_t flavour, int64_t oid)> object_name;
  // Values of $1..$n.
  std::vector<Value> parameters;
  // Statement start (statement_timestamp()) in microseconds since 2000-01-01 UTC.
  int64_t statement_timestamp = 0;
  // Transaction start (now(), current_timestamp, current_date): the same for every statement of a block.
  int64_t transaction_timestamp = 0;
  // Set by another thread to stop the statement; checked once per batch.
  const std::atomic<bool>* cancel_flag = nullptr;
  // Parallel tasks (engine/parallel.h): set when a sibling task failed; checked with cancel_flag.
  const std::atomic<bool>* sibling_failed = nullptr;
  // Parallel tasks: the one partition this task's table scan reads (-1: all). A parallel section holds
  // no subqueries, and one scan or a UNION ALL of chains over scans; there a task reads `only_scan`'s
  // arm alone (UNION ALL builds no operator for the others), so the setting reaches only that scan.
  int only_partition = -1;
  const PlanNode* only_scan = nullptr;
  // Scans below a top-N by a vector distance (engine/top_n.cc): the nearest rows each may narrow to
  // (storage/vector_sketch.h), set before the scans' operators are made; parallel tasks copy them.
  std::map<const PlanNode*, storage::NearestRows> nearest_rows;
  // Correlated subqueries: the current outer rows, innermost last. An outer reference (depth d, column c)
  // reads outer_rows[outer_rows.size() - d] column c.
  std::vector<std::vector<Value>> outer_rows;
  std::mt19937_64 random{std::random_device{}()};
  // Results of uncorrelated subqueries, computed once per statement (keyed by the subquery's plan).
  std::map<const void*, std::vector<Batch>> subquery_cache;
  // Distributed scans inside correlated subqueries (engine/distributed.cc): the rows each remote read
  // returned, keyed by its SQL, so that re-running the subquery for the next outer row reads no worker.
  std::map<std::string, std::vector<Batch>> remote_reads;
  size_t remote_read_values = 0;  // values held in remote_reads, bounded by the scan
  // WITH RECURSIVE: the rows of the previous iteration, keyed by the query's WorkTableState (engine/plan.h).
  // Set by the recursive union operator while its recursive term runs.
  std::map<const void*, const std::vector<Batch>*> work_tables;
  // The row versions scans see (storage/version_stamp.h): the statement's snapshot. The default sees
  // every finished commit, for contexts outside a session.
  storage::Snapshot snapshot;
  // Whether the statement runs inside BEGIN ... COMMIT (functions that cannot be undone refuse to).
  bool in_transaction_block = false;
  // The transaction the statement's writes belong to (owned by the session); nullptr: reads only.
  storage::Transaction* transaction = nullptr;
  // Coordinators: the worker transactions of the session's transaction block, which every read and write
  // of a distributed table in the block goes through (engine/distributed_transaction.h); nullptr outside.
  DistributedTransaction* worker_block = nullptr;
  // Coordinators, outside a block: the statement's read transactions on the workers (one snapshot across
  // them when it sends more than one read), made by the first distributed scan built.
  std::shared_ptr<DistributedTransaction> statement_reads;
  // Actions that undo this statement's writes (run in reverse on ROLLBACK); nullptr = not recorded.
  std::vector<std::function<void()>>* undo_log = nullptr;

  bool IsCanceled() const {
    return (cancel_flag != nullptr && cancel_flag->load(std::memory_order_relaxed)) ||
           (sibling_failed != nullptr && sibling_failed->load(std::memory_order_relaxed));
  }
  // Throws 57014 when cancellation was requested.
  void CheckCancel() const {
    if (IsCanceled()) throw SqlError(SqlState::kQueryCanceled, "canceling statement due to user request");
  }
};

}  // namespace tessera::engine
