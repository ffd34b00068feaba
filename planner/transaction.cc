// SPDX-License-Identifier: Apache-2.0
// Transaction control: BEGIN, COMMIT, ROLLBACK, savepoints and isolation levels. Table rows are versions
// of the session's storage::Transaction, which commits or aborts them; settings and DDL record undo
// actions in SessionState::undo_log. A savepoint remembers the write set's and the log's lengths, so
// ROLLBACK TO undoes the suffix after it and ROLLBACK undoes everything, as PostgreSQL's subtransactions do.
// PREPARE TRANSACTION hands the open transaction to the database's prepared transactions
// (engine/prepared_transactions.h), with its catalog changes (engine/prepared_catalog.h). On a
// coordinator the block's worker transactions (SessionState::worker_block) end with it, and savepoints
// go to them too.
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/fault_point.h"
#include "engine/prepared_transactions.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

void Notice(SessionState& state, SqlState code, std::string message) {
  state.notices.push_back(ErrorInfo{code, std::move(message)});
}

// Throws 25P01 for a savepoint command outside a transaction block.
void RequireTransactionBlock(const SessionState& state, const std::string& command) {
  if (state.transaction == TransactionState::kIdle) {
    throw SqlError(SqlState::kNoActiveSqlTransaction, command + " can only be used in transaction blocks");
  }
}

// The position of the latest savepoint called `name`; throws 3B001 when there is none.
size_t FindSavepoint(const SessionState& state, const std::string& name) {
  for (size_t position = state.savepoints.size(); position > 0; --position) {
    if (state.savepoints[position - 1].name == name) return position - 1;
  }
  throw SqlError(SqlState::kInvalidSavepointSpecification, "savepoint \"" + name + "\" does not exist");
}

// Ends the transaction block; `commit` keeps its changes, otherwise they are undone.
void EndTransaction(SessionState& state, bool commit) {
  try {
    FinishTransaction(state, commit);
  } catch (const SqlError&) {
    EndTransaction(state, false);  // the commit failed: what it did not commit is rolled back
    throw;
  }
  if (commit) {
    EndTransactionSettings(state);
    state.ForgetUndo();
  } else {
    state.UndoTo(0);
    EndTransactionSettings(state);
  }
  state.savepoints.clear();
  state.transaction = TransactionState::kIdle;
}

storage::IsolationLevel IsolationOf(const std::string& level) {
  return level == "repeatable read" ? storage::IsolationLevel::kRepeatableRead
                                    : storage::IsolationLevel::kReadCommitted;
}

std::string Begin(SessionState& state, const ast::TransactionStatement& statement) {
  if (!statement.isolation_level.empty()) CheckIsolationLevel("transaction_isolation", statement.isolation_level);
  if (state.transaction != TransactionState::kIdle) {
    Notice(state, SqlState::kActiveSqlTransaction, "there is already a transaction in progress");
  } else {
    state.transaction = TransactionState::kInBlock;
  }
  if (!statement.isolation_level.empty()) SetTransactionIsolation(state, statement.isolation_level);
  return statement.transaction_kind == ast::TransactionKind::kBegin ? "BEGIN" : "START TRANSACTION";
}

// COMMIT of a failed block rolls it back (and says so in its tag).
std::string Commit(SessionState& state) {
  if (state.transaction == TransactionState::kIdle) {
    Notice(state, SqlState::kNoActiveSqlTransaction, "there is no transaction in progress");
  }
  const bool failed = state.transaction == TransactionState::kFailed;
  EndTransaction(state, !failed);
  return failed ? "ROLLBACK" : "COMMIT";
}

std::string Rollback(SessionState& state) {
  if (state.transaction == TransactionState::kIdle) {
    Notice(state, SqlState::kNoActiveSqlTransaction, "there is no transaction in progress");
  }
  EndTransaction(state, false);
  return "ROLLBACK";
}

// SAVEPOINT name. A failed block never gets here (25P02 before any statement but ROLLBACK [TO]).
std::string SetSavepoint(SessionState& state, const std::string& name) {
  RequireTransactionBlock(state, "SAVEPOINT");
  const size_t write_position = state.txn ? state.txn->WritePosition() : 0;
  if (state.txn) state.txn->NoteSavepoint(write_position);  // what it may roll back is not logged ahead
  if (state.worker_block) state.worker_block->SetSavepoint(state.savepoints.size());
  state.savepoints.push_back(Savepoint{name, state.undo_log.size(), write_position});
  return "SAVEPOINT";
}

// RELEASE [SAVEPOINT] name: forgets the savepoint and the later ones; their changes stay.
std::string ReleaseSavepoint(SessionState& state, const std::string& name) {
  RequireTransactionBlock(state, "RELEASE SAVEPOINT");
  const size_t position = FindSavepoint(state, name);
  if (state.worker_block) state.worker_block->ReleaseSavepoint(position);
  state.savepoints.resize(position);
  return "RELEASE";
}

// ROLLBACK TO [SAVEPOINT] name: undoes everything after the savepoint, forgets the later savepoints but
// keeps this one, and leaves a failed block usable again.
std::string RollbackToSavepoint(SessionState& state, const std::string& name) {
  RequireTransactionBlock(state, "ROLLBACK TO SAVEPOINT");
  const size_t position = FindSavepoint(state, name);
  if (state.worker_block) state.worker_block->RollbackToSavepoint(position);  // first: it may fail
  if (state.txn) state.txn->RollbackTo(state.savepoints[position].write_position);
  state.UndoTo(state.savepoints[position].undo_size);
  state.savepoints.resize(position + 1);
  state.transaction = TransactionState::kInBlock;
  return "ROLLBACK";
}

// The catalog changes of the block being prepared: the images of the relations it changed (checked to
// be loggable) and an action that runs its catalog undo actions (copies: a failed PREPARE still runs
// them through the undo log). Throws 0A000 for changes PREPARE cannot log.
struct CatalogUndo {
  std::vector<engine::RelationImage> images;
  std::function<void()> undo;
};

CatalogUndo TakeCatalogUndo(Session& session) {
  const SessionState& state = session.state();
  auto refuse = [](const std::string& what) {
    return SqlError(SqlState::kFeatureNotSupported, "PREPARE TRANSACTION of a transaction that " + what + " is not supported yet");
  };
  CatalogUndo taken;
  std::vector<std::function<void()>> actions;
  for (const SessionState::CatalogUndo& change : state.catalog_undos) {
    if (!change.covered) throw refuse("created or dropped a schema or restarted a sequence");
    actions.push_back(state.undo_log[change.position]);
  }
  for (const SessionState::RelationBefore& noted : state.relations_before) {
    engine::RelationImage image{noted.oid, noted.before, noted.column_ids};
    const std::string unloggable = engine::UnloggableImage(session.database().catalog(), image);
    if (!unloggable.empty()) throw refuse(unloggable);
    taken.images.push_back(std::move(image));
  }
  taken.undo = [actions = std::move(actions)] {
    for (auto action = actions.rbegin(); action != actions.rend(); ++action) {
      try {
        (*action)();
      } catch (const SqlError&) {
        // As SessionState::UndoTo: another session took a dropped relation's name meanwhile.
      }
    }
  };
  return taken;
}

// PREPARE TRANSACTION 'gid'. Outside a block PostgreSQL warns and answers ROLLBACK; a failed block is
// rolled back. Otherwise the writes become a prepared transaction, settings stay as at COMMIT, and the
// session leaves the block; an error aborts the transaction (as PostgreSQL's does).
std::string PrepareTransaction(Session& session, const std::string& gid, int64_t prepared_at) {
  SessionState& state = session.state();
  if (state.transaction != TransactionState::kInBlock) {
    if (state.transaction == TransactionState::kIdle) {
      Notice(state, SqlState::kNoActiveSqlTransaction, "there is no transaction in progress");
    }
    EndTransaction(state, false);
    return "ROLLBACK";
  }
  try {
    if (state.worker_block && state.worker_block->touched_workers()) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "PREPARE TRANSACTION of a transaction that used distributed tables is not supported yet");
    }
    CatalogUndo catalog_undo;
    if (state.ChangedCatalog()) catalog_undo = TakeCatalogUndo(session);
    storage::Transaction& txn = OpenTransaction(state, session.database().transactions());
    engine::FaultPoint("worker-before-prepare");
    session.database().prepared().Prepare(txn, engine::PreparedInfo{gid, state.user, state.database, prepared_at},
                                          std::move(catalog_undo.images), std::move(catalog_undo.undo),
                                          state.OpenCatalogKey());
    engine::FaultPoint("worker-after-prepare");
  } catch (...) {
    EndTransaction(state, false);
    throw;
  }
  state.txn.reset();  // empty: its writes belong to the prepared transaction now
  EndTransaction(state, true);
  return "PREPARE TRANSACTION";
}

// COMMIT PREPARED 'gid' (`commit`) or ROLLBACK PREPARED 'gid', from any session outside a block.
std::string FinishPrepared(Session& session, const std::string& gid, bool commit) {
  SessionState& state = session.state();
  const std::string command = commit ? "COMMIT PREPARED" : "ROLLBACK PREPARED";
  if (state.transaction != TransactionState::kIdle) {
    throw SqlError(SqlState::kActiveSqlTransaction, command + " cannot run inside a transaction block");
  }
  if (commit) engine::FaultPoint("worker-before-commit-prepared");
  session.database().prepared().Finish(gid, commit);
  // After a rollback too: one that undid catalog changes is made durable by a checkpoint.
  if (state.commit_hook) state.commit_hook();
  return command;
}

}  // namespace

std::string CheckIsolationLevel(const std::string& setting, const std::string& level) {
  std::string lower = level;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "read uncommitted" && lower != "read committed" && lower != "repeatable read" &&
      lower != "serializable") {
    throw SqlError(SqlState::kInvalidParameterValue,
                   "invalid value for parameter \"" + setting + "\": \"" + level + "\"");
  }
  if (lower == "serializable") {
    throw SqlError(SqlState::kFeatureNotSupported, "SERIALIZABLE isolation is not supported yet");
  }
  return lower;
}

storage::Transaction& OpenTransaction(SessionState& state, storage::TransactionManager& manager) {
  if (!state.txn) {
    state.txn = std::make_unique<storage::Transaction>(manager);
    state.settings["transaction_isolation"] = state.settings["default_transaction_isolation"];
  }
  if (!state.txn->has_snapshot()) state.txn->set_isolation(IsolationOf(state.settings["transaction_isolation"]));
  return *state.txn;
}

void FinishTransaction(SessionState& state, bool commit) {
  std::unique_ptr<engine::DistributedTransaction> workers = std::move(state.worker_block);
  std::unique_ptr<storage::Transaction> txn = std::move(state.txn);
  if (commit) {
    try {
      if (workers) workers->Commit();  // first: when it fails nothing commits
    } catch (const SqlError&) {
      workers.reset();
      if (txn) txn->Abort();
      throw;
    }
    if (txn) txn->Commit();
    txn.reset();  // its snapshot no longer holds back the flusher
    // Committed: the checkpoint below must not keep the images that would undo its DDL.
    if (!state.relations_before.empty() && state.open_catalog_hook) state.open_catalog_hook({});
    if (state.commit_hook) state.commit_hook();
  } else if (txn) {
    txn->Abort();
  }
}

void SetTransactionIsolation(SessionState& state, const std::string& level) {
  const std::string lower = CheckIsolationLevel("transaction_isolation", level);
  if (state.transaction == TransactionState::kIdle) {
    Notice(state, SqlState::kNoActiveSqlTransaction, "SET TRANSACTION can only be used in transaction blocks");
    return;
  }
  if (state.txn && state.txn->has_snapshot() && lower != state.settings["transaction_isolation"]) {
    throw SqlError(SqlState::kActiveSqlTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query");
  }
  ApplySetting(state, "transaction_isolation", lower, true);
}

std::string RunTransactionStatement(Session& session, const ast::TransactionStatement& statement,
                                    const engine::ExecContext& context) {
  SessionState& state = session.state();
  switch (statement.transaction_kind) {
    case ast::TransactionKind::kBegin:
    case ast::TransactionKind::kStart:
      return Begin(state, statement);
    case ast::TransactionKind::kCommit:
      return Commit(state);
    case ast::TransactionKind::kRollback:
      return Rollback(state);
    case ast::TransactionKind::kSavepoint:
      return SetSavepoint(state, statement.savepoint_name);
    case ast::TransactionKind::kRelease:
      return ReleaseSavepoint(state, statement.savepoint_name);
    case ast::TransactionKind::kRollbackTo:
      return RollbackToSavepoint(state, statement.savepoint_name);
    case ast::TransactionKind::kPrepare:
      return PrepareTransaction(session, statement.savepoint_name, context.statement_timestamp);
    case ast::TransactionKind::kCommitPrepared:
      return FinishPrepared(session, statement.savepoint_name, true);
    case ast::TransactionKind::kRollbackPrepared:
      return FinishPrepared(session, statement.savepoint_name, false);
  }
  throw SqlError(SqlState::kInternalError, "unknown transaction statement");
}

}  // namespace tessera::planner
