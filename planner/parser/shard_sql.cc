// SPDX-License-Identifier: Apache-2.0
// ShardSql: parses a statement once, walks its protobuf tree generically (protobuf reflection) to find the
// table names and function calls, and deparses a renamed copy per partition.
#include "planner/parser/shard_sql.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <cctype>
#include <functional>
#include <set>

#include "base/error.h"
#include "pg_query.pb.h"
#include "planner/parser/transformer.h"

namespace tessera::planner {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Calls `visit` on `message` and every message below it, parents first.
void WalkMessages(Message& message, const std::function<void(Message&)>& visit) {
  visit(message);
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int index = 0; index < size; ++index) {
        WalkMessages(*reflection->MutableRepeatedMessage(&message, field, index), visit);
      }
    } else {
      WalkMessages(*reflection->MutableMessage(&message, field), visit);
    }
  }
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The WITH clause of `statement` itself (not of a subquery), or nullptr.
pg_query::WithClause* TopLevelWith(pg_query::Node& statement) {
  if (statement.has_update_stmt() && statement.update_stmt().has_with_clause()) {
    return statement.mutable_update_stmt()->mutable_with_clause();
  }
  if (statement.has_delete_stmt() && statement.delete_stmt().has_with_clause()) {
    return statement.mutable_delete_stmt()->mutable_with_clause();
  }
  if (statement.has_select_stmt() && statement.select_stmt().has_with_clause()) {
    return statement.mutable_select_stmt()->mutable_with_clause();
  }
  return nullptr;
}

// Parses `sql`, one statement the coordinator wrote, into its protobuf tree. Throws XX000 when it does
// not parse.
pg_query::Node ParseOne(const std::string& sql) {
  pg_query::ParseResult result;
  try {
    result = parser::ParseTree(sql);
  } catch (const SqlError&) {
    result.clear_stmts();
  }
  if (result.stmts_size() != 1) {
    throw SqlError(SqlState::kInternalError, "internal error: a pushed-down statement does not parse again");
  }
  return result.stmts(0).stmt();
}

// `statement` as SQL text. Throws 0A000 when libpg_query cannot deparse it.
std::string DeparseNode(const pg_query::Node& statement) {
  pg_query::ParseResult tree;
  *tree.add_stmts()->mutable_stmt() = statement;
  const std::string text = parser::DeparseTree(tree);
  if (text.empty()) throw SqlError(SqlState::kFeatureNotSupported, "deparsing this statement for a worker is not supported yet");
  return text;
}

}  // namespace

struct ShardSql::Tree {
  pg_query::Node statement;  // the statement to deparse (an EXPLAIN's inner one)
};

ShardSql::ShardSql(std::string_view sql) : tree_(std::make_unique<Tree>()) {
  tree_->statement = ParseOne(std::string(sql));
  if (tree_->statement.has_explain_stmt()) {
    pg_query::Node inner = tree_->statement.explain_stmt().query();
    tree_->statement = std::move(inner);
  }
  std::set<std::string> cte_names;
  if (pg_query::WithClause* with = TopLevelWith(tree_->statement)) {
    with_ = std::make_unique<pg_query::WithClause>(std::move(*with));
    if (tree_->statement.has_update_stmt()) tree_->statement.mutable_update_stmt()->clear_with_clause();
    if (tree_->statement.has_delete_stmt()) tree_->statement.mutable_delete_stmt()->clear_with_clause();
    if (tree_->statement.has_select_stmt()) tree_->statement.mutable_select_stmt()->clear_with_clause();
    for (const pg_query::Node& cte : with_->ctes()) cte_names.insert(cte.common_table_expr().ctename());
  }
  WalkMessages(tree_->statement, [this, &cte_names](Message& message) {
    if (auto* range_var = dynamic_cast<pg_query::RangeVar*>(&message)) {
      relation_locations_.push_back(range_var->location());
      table_names_[range_var->location()] = {range_var->schemaname(), range_var->relname()};
      if (range_var->has_alias() && range_var->alias().colnames_size() > 0) {
        column_alias_locations_.insert(range_var->location());
      }
      if (range_var->schemaname().empty() && cte_names.count(range_var->relname()) > 0) {
        cte_locations_.insert(range_var->location());
      }
    } else if (auto* call = dynamic_cast<pg_query::FuncCall*>(&message)) {
      std::string name;
      for (const std::string& part : parser::StringList(call->funcname())) name += (name.empty() ? "" : ".") + Lower(part);
      function_names_.push_back(std::move(name));
    } else if (dynamic_cast<pg_query::SQLValueFunction*>(&message) != nullptr) {
      uses_sql_value_function_ = true;
    } else if (dynamic_cast<pg_query::WithClause*>(&message) != nullptr) {
      uses_with_ = true;
    }
  });
}

ShardSql::~ShardSql() = default;

std::string ShardSql::WithCannotBeShipped() const {
  if (with_ == nullptr) return "";
  for (const pg_query::Node& cte : with_->ctes()) {
    if (!cte.common_table_expr().ctequery().has_select_stmt()) return "a data-modifying statement in WITH";
  }
  return "";
}

void ShardSql::ReturnFirst(const std::vector<std::string>& columns) {
  pg_query::UpdateStmt& update = *tree_->statement.mutable_update_stmt();
  const pg_query::RangeVar& target = update.relation();
  const std::string qualifier = target.has_alias() ? target.alias().aliasname() : target.relname();
  google::protobuf::RepeatedPtrField<pg_query::Node> returning;
  for (const std::string& column : columns) {
    pg_query::ColumnRef& ref = *returning.Add()->mutable_res_target()->mutable_val()->mutable_column_ref();
    ref.add_fields()->mutable_string()->set_sval(qualifier);
    ref.add_fields()->mutable_string()->set_sval(column);
  }
  for (const pg_query::Node& item : update.returning_list()) *returning.Add() = item;
  *update.mutable_returning_list() = std::move(returning);
}

std::string ShardSql::TableName(int location) const {
  const auto& [schema, table] = table_names_.at(location);
  return schema.empty() ? table : schema + "." + table;
}

bool ShardSql::NamesCte(int location) const { return cte_locations_.count(location) > 0; }

bool ShardSql::RenamesColumns(int location) const { return column_alias_locations_.count(location) > 0; }

std::string ShardSql::RowsQuery(int location) const {
  const auto& [schema, table] = table_names_.at(location);
  const std::string name = (schema.empty() ? "" : QuoteIdentifier(schema) + ".") + QuoteIdentifier(table);
  if (!NamesCte(location)) return "SELECT * FROM " + name;
  pg_query::Node query = ParseOne("SELECT * FROM " + name);
  *query.mutable_select_stmt()->mutable_with_clause() = *with_;
  return DeparseNode(query);
}

std::string ShardSql::Deparse(const std::map<int, ShardTableName>& tables,
                              const std::map<int, ShippedTableName>& shipped) const {
  pg_query::Node statement = tree_->statement;
  WalkMessages(statement, [&tables, &shipped](Message& message) {
    auto* range_var = dynamic_cast<pg_query::RangeVar*>(&message);
    if (range_var == nullptr) return;
    const auto ship = shipped.find(range_var->location());
    const auto found = tables.find(range_var->location());
    if (ship == shipped.end() && found == tables.end()) return;
    if (!range_var->has_alias()) range_var->mutable_alias()->set_aliasname(range_var->relname());
    range_var->set_catalogname("");
    if (ship != shipped.end()) {
      pg_query::Alias& alias = *range_var->mutable_alias();
      for (size_t column = alias.colnames_size(); column < ship->second.columns.size(); ++column) {
        alias.add_colnames()->mutable_string()->set_sval(ship->second.columns[column]);
      }
      range_var->set_schemaname("");
      range_var->set_relname(ship->second.placeholder);
    } else {
      range_var->set_schemaname(found->second.schema);
      range_var->set_relname(found->second.table);
    }
  });
  return DeparseNode(statement);
}

}  // namespace tessera::planner
