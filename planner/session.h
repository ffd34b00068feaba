// SPDX-License-Identifier: Apache-2.0
// Session: the SQL front door that protocol/ talks to, one per client connection. It parses, binds, plans
// and executes statements against the Database, and keeps the connection's settings, transaction state
// and notices.
//
// Call order for one statement: Prepare() (parse + bind; parameter and result types known) -> Execute()
// (with parameter values) -> Cursor::Next() until false -> Cursor::CommandTag(). A simple Query message
// with several statements calls Split() and then Prepare/Execute each in turn, so that later statements
// see the effects of earlier ones. On any SqlError from these calls, protocol/ calls HandleError().
//
// Thread safety: a Session is used by one thread at a time (protocol/ serialises a connection's work);
// RequestCancel() alone may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/value.h"
#include "base/vector.h"
#include "planner/copy.h"

namespace tessera::engine {
class Database;
struct ExecContext;
}

namespace tessera::planner {

struct SessionState;
struct BoundStatement;
namespace ast {
struct Statement;
}

// One column of a result: what RowDescription says about it.
struct ResultColumn {
  std::string name;
  LogicalType type;
  uint32_t table_oid = 0;      // source table's OID when the column is a plain table column
  int16_t column_number = 0;   // its attribute number (1-based), else 0
};

// A parsed and bound statement. Re-binds itself on Execute when the catalog changed since Prepare.
class PreparedStatement {
 public:
  ~PreparedStatement();
  // Types of $1..$n: as given to Prepare() where given (non-zero OID), else inferred from use.
  const std::vector<LogicalType>& parameter_types() const { return parameter_types_; }
  // Result columns; empty for statements that return no rows (INSERT without RETURNING, DDL, ...).
  const std::vector<ResultColumn>& result_columns() const { return result_columns_; }
  bool returns_rows() const { return !result_columns_.empty(); }
  // The statement's text.
  const std::string& sql() const { return sql_; }
  // True for an empty statement (only comments/whitespace): answered with EmptyQueryResponse.
  bool is_empty() const { return empty_; }
  // For COPY statements, what is copied and how; nullptr otherwise. COPY TO runs through Execute (its
  // rows are the copied columns); COPY FROM through Session::BeginCopyFrom.
  const CopySpec* copy() const { return copy_.get(); }

 private:
  friend class Session;
  PreparedStatement() = default;
  std::string sql_;
  bool empty_ = false;
  std::vector<LogicalType> parameter_types_;
  std::vector<ResultColumn> result_columns_;
  std::shared_ptr<const CopySpec> copy_;
  std::shared_ptr<BoundStatement> bound_;
};

// A running statement. Rows come out in batches whose columns match PreparedStatement::result_columns().
class Cursor {
 public:
  virtual ~Cursor() = default;
  // Fills `batch` with the next rows (num_rows > 0) and returns true, or returns false at the end.
  // Throws SqlError (57014 when the session was cancelled).
  virtual bool Next(Batch* batch) = 0;
  // The CommandComplete tag ("SELECT 5", "INSERT 0 3", "CREATE TABLE"); valid after Next() returned false.
  virtual std::string CommandTag() const = 0;
};

class Session {
 public:
  // `options` are the StartupMessage's parameters (user, database, application_name, options, ...).
  Session(engine::Database& database, std::map<std::string, std::string> options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Splits a simple query's text into statement texts (libpg_query's splitter; syntax errors throw 42601).
  // Whitespace/comments only -> empty vector (answer EmptyQueryResponse).
  std::vector<std::string> Split(std::string_view sql);

  // Parses and binds one statement. `parameter_type_oids[i]` is the type of $i+1 or 0 to infer.
  // Throws 42601 when `sql` holds more than one statement ("cannot insert multiple commands into a
  // prepared statement").
  std::unique_ptr<PreparedStatement> Prepare(std::string_view sql,
                                             const std::vector<uint32_t>& parameter_type_oids = {});

  // Starts executing. `parameters` must have one value per parameter type (NULLs typed or untyped).
  // Statements that return no rows may run to completion here; their cursor then yields no batch.
  std::unique_ptr<Cursor> Execute(PreparedStatement& statement, std::vector<Value> parameters = {});

  // Starts COPY FROM: rows handed to the inserter are inserted as one statement (the failed-transaction
  // check, the undo log and HandleError work as for INSERT). REQUIRES: statement.copy()->from.
  std::unique_ptr<CopyInserter> BeginCopyFrom(PreparedStatement& statement);

  // Converts a parameter sent in text format to a Value of `type` (throws 22P02 and friends).
  Value ParseParameterText(const LogicalType& type, std::string_view text) const;
  // Text form of one result cell as PostgreSQL prints it (honours the session's TimeZone etc.).
  // REQUIRES: !column.IsNull(row).
  std::string FormatText(const Vector& column, idx_t row);

  // Called by protocol/ after any error in Prepare/Execute/Next: inside a transaction block the
  // transaction becomes failed (25P02 until ROLLBACK).
  void HandleError();
  // Extended-query Sync: ends an implicit transaction.
  void Sync();

  // 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
  char TransactionStatus() const;

  // ParameterStatus values to send after authentication (server_version, server_encoding, ...).
  std::vector<std::pair<std::string, std::string>> ReportedParameters() const;
  // Reported parameters changed by SET/RESET since the last call (send as ParameterStatus).
  std::vector<std::pair<std::string, std::string>> TakeChangedParameters();
  // Notices raised since the last call (send as NoticeResponse).
  std::vector<ErrorInfo> TakeNotices();

  // Asks the running statement to stop with 57014 at its next batch boundary. Any thread.
  void RequestCancel() { cancel_requested_.store(true, std::memory_order_relaxed); }
  // Clears a pending cancel; protocol/ calls it before starting each new statement.
  void ClearCancel() { cancel_requested_.store(false, std::memory_order_relaxed); }
  bool cancel_requested() const { return cancel_requested_.load(std::memory_order_relaxed); }

  SessionState& state() { return *state_; }
  engine::Database& database() { return database_; }
  // Binds a parsed statement (internal; used by Prepare and re-binding).
  std::shared_ptr<BoundStatement> Bind(std::shared_ptr<ast::Statement> statement, std::vector<LogicalType>& parameter_types);
  // A context for one statement in the session's open transaction (started if none is). `query`: the
  // statement reads tables with its own snapshot (under REPEATABLE READ the transaction's first);
  // otherwise it takes a fresh one without fixing the transaction's.
  std::unique_ptr<engine::ExecContext> MakeContext(std::vector<Value> parameters, bool query = false);

 private:
  engine::Database& database_;
  std::unique_ptr<SessionState> state_;
  std::atomic<bool> cancel_requested_{false};
};

}  // namespace tessera::planner
