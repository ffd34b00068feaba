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
#include "engine/prepared_catalog.h"
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
  // The undo actions of the open block's catalog changes (DDL): their positions in undo_log, and whether
  // a relation image in `relations_before` covers each. PREPARE TRANSACTION hands them to the prepared
  // transaction and refuses a block with uncovered ones (schemas, sequence positions). Trimmed by UndoTo.
  struct CatalogUndo {
    size_t position = 0;
    bool covered = false;
  };
  std::vector<CatalogUndo> catalog_undos;
  // Each relation the open block changed, as it was before its first change (nullptr: it did not exist),
  // with its storage's column ids then (ALTER TABLE changes a table's storage in place).
  struct RelationBefore {
    size_t position = 0;  // undo_log's size when noted
    uint32_t oid = 0;
    engine::RelationPtr before;
    std::vector<uint32_t> column_ids;
  };
  std::vector<RelationBefore> relations_before;
  // Told the images of `relations_before` whenever they change (empty: none left), so that checkpoints
  // keep what undoes an open block's DDL (engine::Durability::SetOpenCatalog). Set by Session.
  std::function<void(std::vector<engine::RelationImage>)> open_catalog_hook;
  // The key the hook files this session's images under.
  uint64_t OpenCatalogKey() const { return reinterpret_cast<uintptr_t>(this); }
  // Calls the hook with the images of relations_before.
  void PublishOpenCatalog() {
    if (!open_catalog_hook) return;
    std::vector<engine::RelationImage> images;
    for (const RelationBefore& noted : relations_before) images.push_back({noted.oid, noted.before, noted.column_ids});
    open_catalog_hook(std::move(images));
  }
  std::vector<ErrorInfo> notices;

  // Runs the undo actions recorded after the first `keep` ones, newest first, and forgets them. Never
  // throws: an action that fails (another session took a dropped table's name meanwhile, as there is no
  // isolation of the catalog) becomes a warning and the others still run.
  void UndoTo(size_t keep) {
    while (undo_log.size() > keep) {
      std::function<void()> undo = std::move(undo_log.back());
      undo_log.pop_back();
      try {
        undo();
      } catch (const SqlError& error) {
        notices.push_back(ErrorInfo{SqlState::kWarning, "could not undo a change: " + error.info().message});
      }
    }
    // After the undo actions ran, so that a checkpoint never sees the changes without their images.
    while (!catalog_undos.empty() && catalog_undos.back().position >= keep) catalog_undos.pop_back();
    const size_t noted = relations_before.size();
    while (!relations_before.empty() && relations_before.back().position >= keep) relations_before.pop_back();
    if (relations_before.size() != noted) PublishOpenCatalog();
  }

  // Forgets the undo actions: what they would undo is committed.
  void ForgetUndo() {
    undo_log.clear();
    catalog_undos.clear();
    if (relations_before.empty()) return;
    relations_before.clear();
    PublishOpenCatalog();
  }

  // Records that the undo action about to be added undoes a catalog change; `covered` when NoteRelation
  // noted the image of every relation it restores.
  void NoteCatalogChange(bool covered = false) { catalog_undos.push_back(CatalogUndo{undo_log.size(), covered}); }
  bool ChangedCatalog() const { return !catalog_undos.empty(); }
  // Notes `before` (nullptr: relation `oid` is being created) ahead of the block's first change of `oid`.
  void NoteRelation(uint32_t oid, engine::RelationPtr before) {
    for (const RelationBefore& noted : relations_before) {
      if (noted.oid == oid) return;
    }
    std::vector<uint32_t> column_ids;
    if (before && before->data) column_ids = before->data->column_ids();
    relations_before.push_back(RelationBefore{undo_log.size(), oid, std::move(before), std::move(column_ids)});
    PublishOpenCatalog();  // before the change is made
  }

  // The search path with pg_catalog first, as name lookups use it.
  std::vector<std::string> LookupPath() const {
    std::vector<std::string> path = {"pg_catalog"};
    for (const auto& schema : search_path) {
      if (schema != "pg_catalog") path.push_back(schema);
    }
    return path;
  }
};

// A coordinator's transaction block's worker transactions (SessionState::worker_block), made by the
// block's first statement that reaches a worker. Until one opens a worker, SET TRANSACTION may still
// change their isolation level.
engine::DistributedTransaction& WorkerBlock(SessionState& state, engine::Database& database);

}  // namespace tessera::planner
