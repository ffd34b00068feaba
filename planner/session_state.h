// SPDX-License-Identifier: Apache-2.0
// SessionState: a connection's settings, transaction state and pending notices (private to planner/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/datetime.h"
#include "base/error.h"
#include "engine/distributed_transaction.h"
#include "storage/transaction.h"

namespace tessera::planner {

enum class TransactionState { kIdle, kInBlock, kFailed };

// A SET LOCAL of the open transaction block: the setting and how to put its earlier value back.
struct LocalSetting {
  std::string name;
  std::function<void()> restore;
};

// A SAVEPOINT of the open transaction block: ROLLBACK TO runs the undo actions recorded after it and
// un-stamps the row versions written after it.
struct Savepoint {
  std::string name;
  size_t undo_size = 0;       // undo_log's size when the savepoint was set
  size_t write_position = 0;  // the transaction's write set size then
};

struct SessionState {
  std::string user = "tessera";
  std::string database = "tessera";
  // Settings by lower-case name (SET/SHOW); values as PostgreSQL prints them.
  std::map<std::string, std::string> settings;
  // The values RESET restores (the defaults with the startup packet's settings applied).
  std::map<std::string, std::string> reset_settings;
  // What SET LOCAL replaced, put back at COMMIT (ROLLBACK undoes SET LOCAL through the undo log).
  std::vector<LocalSetting> local_restore;
  // The values of the ParameterStatus settings last sent to the client.
  std::map<std::string, std::string> reported_values;
  std::vector<std::string> search_path = {"public"};
  // Parsed forms of the settings that change how values are read and printed.
  datetime::TimeZone time_zone;
  datetime::DateTimeStyle datetime_style;
  bool bytea_escape = false;
  int extra_float_digits = 1;
  TransactionState transaction = TransactionState::kIdle;
  // When the current transaction started (microseconds since 2000-01-01 UTC): set by each statement run
  // outside a block, so BEGIN's own time is kept for the whole block, as now() in PostgreSQL.
  int64_t transaction_timestamp = 0;
  // The open transaction's row versions (storage/transaction.h): started by the first statement after
  // the last one ended, committed or aborted with the block, or at Sync for an implicit transaction.
  std::unique_ptr<storage::Transaction> txn;
  // On a coordinator, the block's worker transactions (engine/distributed_transaction.h): made by the
  // block's first statement, committed or rolled back with `txn`.
  std::unique_ptr<engine::DistributedTransaction> worker_block;
  // Runs after every commit, with or without row writes (the database checkpoints after DDL).
  std::function<void()> commit_hook;
  // Undo actions of the open transaction block (run in reverse on ROLLBACK). Settings and DDL record
  // theirs here (table rows are versions of `txn`), so undoing a suffix puts the session back to any
  // earlier point.
  std::vector<std::function<void()>> undo_log;
  // Savepoints of the open transaction block, oldest first (a name may repeat; the latest wins).
  std::vector<Savepoint> savepoints;
  // The position in undo_log of the open block's first catalog change (DDL), SIZE_MAX when none: PREPARE
  // TRANSACTION refuses those. Reset by BEGIN and by undoing past it.
  size_t first_catalog_change = SIZE_MAX;
  std::vector<ErrorInfo> notices;

  // Runs the undo actions recorded after the first `keep` ones, newest first, and forgets them. Never
  // throws: an action that fails (another session took a dropped table's name meanwhile, as there is no
  // isolation of the catalog) becomes a warning and the others still run.
  void UndoTo(size_t keep) {
    if (first_catalog_change >= keep) first_catalog_change = SIZE_MAX;
    while (undo_log.size() > keep) {
      std::function<void()> undo = std::move(undo_log.back());
      undo_log.pop_back();
      try {
        undo();
      } catch (const SqlError& error) {
        notices.push_back(ErrorInfo{SqlState::kWarning, "could not undo a change: " + error.info().message});
      }
    }
  }

  // Records that the undo action about to be added undoes a catalog change.
  void NoteCatalogChange() { first_catalog_change = std::min(first_catalog_change, undo_log.size()); }
  bool ChangedCatalog() const { return first_catalog_change < undo_log.size(); }

  // The search path with pg_catalog first, as name lookups use it.
  std::vector<std::string> LookupPath() const {
    std::vector<std::string> path = {"pg_catalog"};
    for (const auto& schema : search_path) {
      if (schema != "pg_catalog") path.push_back(schema);
    }
    return path;
  }
};

}  // namespace tessera::planner
