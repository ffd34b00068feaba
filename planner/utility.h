// SPDX-License-Identifier: Apache-2.0
// Utility statements (DDL, transactions, SET/SHOW, EXPLAIN) and session settings (private to planner/).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/exec_context.h"
#include "engine/plan.h"
#include "planner/ast.h"
#include "planner/copy.h"
#include "planner/session.h"
#include "planner/session_state.h"
#include "planner/settings.h"

namespace tessera::planner {

struct BoundStatement {
  std::shared_ptr<ast::Statement> statement;
  std::string tag;        // SELECT / INSERT / UPDATE / DELETE; empty for utility statements
  engine::PlanPtr plan;   // queries and DML
  std::vector<ResultColumn> columns;
  uint64_t catalog_version = 0;
  // COPY: what it copies; for COPY FROM, the slot the insert plan reads each batch of rows from.
  std::shared_ptr<CopySpec> copy;
  std::shared_ptr<std::vector<Batch>> copy_source;
};

struct UtilityResult {
  std::string tag;
  std::vector<Batch> batches;
};

std::vector<ResultColumn> UtilityResultColumns(const ast::Statement& statement);
// The schema CREATE puts `names` in: its qualifier, else the first schema of the search path.
std::string SchemaOf(Session& session, const std::vector<std::string>& names);
// Before CREATE of relation schema.name: true when the name is free; false, with PostgreSQL's "already
// exists, skipping" notice, when it is taken and `if_not_exists`; otherwise throws 42P07.
bool RelationNameIsFree(Session& session, const std::string& schema, const std::string& name, bool if_not_exists);
// Adds an action that undoes a change of the running statement (run on ROLLBACK, on ROLLBACK TO an
// earlier savepoint, and when the statement fails outside a transaction block). It should not throw; one
// that does becomes a warning (SessionState::UndoTo). `covered`: it restores only relations whose
// images SessionState::NoteRelation took, so PREPARE TRANSACTION can log how to undo it.
void RecordUndo(Session& session, std::function<void()> undo, bool covered = false);
// Catalog changes with their undo: CreateRelation publishes a new relation (ROLLBACK removes it);
// ReplaceRelation publishes `updated` in place of `previous`, same OID (ROLLBACK puts `previous` back);
// DropRelation drops one (ROLLBACK puts it back with its OID, rows, indexes and sequence state).
void CreateRelation(Session& session, std::shared_ptr<engine::RelationInfo> relation);
void ReplaceRelation(Session& session, engine::RelationPtr previous, std::shared_ptr<engine::RelationInfo> updated);
void DropRelation(Session& session, engine::RelationPtr relation);
// TRUNCATE (planner/truncate.cc).
void Truncate(Session& session, const ast::TruncateStatement& truncate);
// ANALYZE (planner/analyze.cc).
void Analyze(Session& session, const ast::MaintenanceStatement& statement);
// create_table_as.cc
UtilityResult CreateTableAs(Session& session, const ast::CreateTableStatement& create, engine::ExecContext& context);
// ALTER TABLE / ALTER VIEW / ALTER INDEX (planner/alter_table.cc).
void AlterTable(Session& session, const ast::AlterTableStatement& alter, engine::ExecContext& context);
// BEGIN, COMMIT, ROLLBACK, savepoints and two-phase commit (planner/transaction.cc); returns the
// command tag.
std::string RunTransactionStatement(Session& session, const ast::TransactionStatement& statement,
                                    const engine::ExecContext& context);
// The session's open transaction, started when there is none at the isolation level
// default_transaction_isolation names (planner/transaction.cc).
storage::Transaction& OpenTransaction(SessionState& state, storage::TransactionManager& manager);
// Commits or aborts the open transaction's row versions, if any, and forgets it.
void FinishTransaction(SessionState& state, bool commit);
// SET TRANSACTION ISOLATION LEVEL and BEGIN ISOLATION LEVEL: validates `level` (SERIALIZABLE is 0A000),
// and applies it to the open transaction block (25001 after its first query; a warning outside one).
void SetTransactionIsolation(SessionState& state, const std::string& level);
// Returns an isolation level in lower case; throws 22023 naming `setting` for an unknown level and 0A000
// for SERIALIZABLE.
std::string CheckIsolationLevel(const std::string& setting, const std::string& level);
UtilityResult RunUtility(Session& session, const ast::Statement& statement, engine::ExecContext& context);

}  // namespace tessera::planner
