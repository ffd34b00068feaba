// SPDX-License-Identifier: Apache-2.0
// Rows shipped inside a pushed-down write's text (engine/distributed_ship.h).
#include "engine/distributed_ship.h"

#include <optional>

#include "engine/deparse_expression.h"
#include "engine/operator.h"
#include "engine/plan.h"

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

std::string RowsSql(const Batch& rows, const std::vector<LogicalType>& types, size_t& total_bytes) {
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

}  // namespace

std::vector<std::string> ShipRows(const PlanNode& node, ExecContext& context) {
  std::vector<std::string> shipped;
  size_t total_bytes = 0;
  for (const auto& child : node.children) {
    std::unique_ptr<Operator> rows = CreateOperator(*child, context);
    shipped.push_back(RowsSql(Materialize(*rows, child->output_types, context), child->output_types, total_bytes));
  }
  return shipped;
}

std::string ReplaceShipped(std::string sql, const std::vector<std::string>& placeholders,
                           const std::vector<std::string>& rows_sql) {
  for (size_t index = 0; index < placeholders.size(); ++index) {
    for (size_t at = sql.find(placeholders[index]); at != std::string::npos;
         at = sql.find(placeholders[index], at + rows_sql[index].size())) {
      sql.replace(at, placeholders[index].size(), rows_sql[index]);
    }
  }
  return sql;
}

}  // namespace tessera::engine
