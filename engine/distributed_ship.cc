// SPDX-License-Identifier: Apache-2.0
// Rows shipped for a pushed-down write (engine/distributed_ship.h).
#include "engine/distributed_ship.h"

#include <cstdio>
#include <set>
#include <span>

#include "engine/database.h"
#include "engine/deparse_expression.h"
#include "engine/distributed.h"
#include "engine/operator.h"
#include "engine/plan.h"
#include "engine/remote/connection_pool.h"

namespace tessera::engine {

// The types DeparseConstant leaves out of expressions (oid, name, bytea, interval, uuid, arrays ...) read
// their own text output back exactly as a literal too, whatever the worker's settings.
std::string ShippedLiteral(const Value& value, const LogicalType& type) {
  const Value typed = value.is_null() ? Value::Null(type) : value.WithType(type);
  if (std::optional<std::string> literal = DeparseConstant(typed)) return *literal;
  if (type.id == TypeId::kUnknown) {
    throw SqlError(SqlState::kFeatureNotSupported, "shipping values of unknown type to the workers is not supported yet");
  }
  if (typed.is_null()) return "NULL::" + FormatType(type);
  std::string quoted = "'";
  for (char c : typed.ToString()) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'::" + FormatType(type);
}

namespace {

// `rows` as `(VALUES (...), ...)`, or a SELECT of typed NULLs returning no row when there is none.
std::string ValuesSql(const Batch& rows, const std::vector<LogicalType>& types, size_t& total_bytes) {
  std::string sql;
  if (rows.num_rows == 0) {
    sql = "(SELECT ";
    for (size_t column = 0; column < types.size(); ++column) {
      sql += (column == 0 ? "" : ", ") + ShippedLiteral(Value::Null(types[column]), types[column]);
    }
    return sql + " WHERE false)";
  }
  sql = "(VALUES ";
  for (idx_t row = 0; row < rows.num_rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (size_t column = 0; column < types.size(); ++column) {
      sql += (column == 0 ? "" : ", ") + ShippedLiteral(rows.columns[column].GetValue(row), types[column]);
    }
    sql += ")";
    if (total_bytes + sql.size() > kMaxShippedBytes) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "shipping more than " + std::to_string(kMaxShippedBytes >> 20) +
                         " MB of rows to the workers for one statement is not supported yet");
    }
  }
  total_bytes += sql.size();
  return sql + ")";
}

// "(c1 integer, c2 text)" for a table with columns of `types`.
std::string ColumnDefinitions(const std::vector<LogicalType>& types) {
  std::string sql = "(";
  for (size_t column = 0; column < types.size(); ++column) {
    if (types[column].id == TypeId::kUnknown) {
      throw SqlError(SqlState::kFeatureNotSupported, "shipping values of unknown type to the workers is not supported yet");
    }
    sql += (column == 0 ? "c" : ", c") + std::to_string(column + 1) + " " + FormatType(types[column]);
  }
  return sql + ")";
}

}  // namespace

ShippedRows::ShippedRows(const PlanNode& node, ExecContext& context, std::vector<std::string> placeholders)
    : node_(node), context_(context), placeholders_(std::move(placeholders)) {}

ShippedRows::~ShippedRows() {
  if (made_on_.empty()) return;
  Database& database = *context_.database;
  for (uint32_t worker_id : made_on_) {
    try {
      const std::optional<WorkerInfo> worker = database.catalog().FindWorker(worker_id);
      if (!worker) continue;
      const auto timeout = WorkerTimeout(database.options());
      remote::RemoteConnection connection =
          database.worker_connections().Acquire(WorkerEndpoint(*worker, database.options()), timeout);
      std::string tables;
      for (const std::string& table : replacements_) tables += (tables.empty() ? "" : ", ") + table;
      connection.Execute("DROP TABLE IF EXISTS " + tables, timeout);
      database.worker_connections().Release(std::move(connection));
    } catch (const SqlError&) {
    }
  }
}

void ShippedRows::Ship(const std::vector<uint32_t>& workers) {
  std::vector<Batch> rows;
  for (const auto& child : node_.children) {
    std::unique_ptr<Operator> plan = CreateOperator(*child, context_);
    rows.push_back(Materialize(*plan, child->output_types, context_));
  }
  // A block's snapshot at REPEATABLE READ or SERIALIZABLE on a worker may predate the tables' rows.
  if (context_.worker_block != nullptr && context_.worker_block->isolation() != "read committed") {
    size_t total_bytes = 0;
    for (size_t index = 0; index < rows.size(); ++index) {
      replacements_.push_back(ValuesSql(rows[index], node_.children[index]->output_types, total_bytes));
    }
    return;
  }
  const std::string unique = RandomHexId();
  for (size_t index = 0; index < rows.size(); ++index) {
    replacements_.push_back("tessera_shards.shipped_" + unique + "_" + std::to_string(index));
  }
  Database& database = *context_.database;
  const auto timeout = WorkerTimeout(database.options());
  for (uint32_t worker_id : std::set<uint32_t>(workers.begin(), workers.end())) {
    context_.CheckCancel();
    const std::optional<WorkerInfo> worker = database.catalog().FindWorker(worker_id);
    if (!worker) {
      throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
    }
    remote::RemoteConnection connection = database.worker_connections().Acquire(WorkerEndpoint(*worker, database.options()), timeout);
    made_on_.push_back(worker_id);
    for (size_t index = 0; index < rows.size(); ++index) {
      connection.Execute("CREATE TABLE " + replacements_[index] + " " + ColumnDefinitions(node_.children[index]->output_types),
                         timeout);
      if (rows[index].num_rows > 0) {
        connection.CopyIn("COPY " + replacements_[index] + " FROM STDIN (FORMAT binary)", std::span(&rows[index], 1), timeout);
      }
    }
    database.worker_connections().Release(std::move(connection));
  }
}

std::string ReplacePlaceholders(std::string sql, const std::vector<std::string>& placeholders,
                                const std::vector<std::string>& replacements) {
  for (size_t index = 0; index < placeholders.size(); ++index) {
    for (size_t at = sql.find(placeholders[index]); at != std::string::npos;
         at = sql.find(placeholders[index], at + replacements[index].size())) {
      sql.replace(at, placeholders[index].size(), replacements[index]);
    }
  }
  return sql;
}

std::string ShippedRows::Replace(std::string sql) const {
  return ReplacePlaceholders(std::move(sql), placeholders_, replacements_);
}

}  // namespace tessera::engine
