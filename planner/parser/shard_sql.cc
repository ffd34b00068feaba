// SPDX-License-Identifier: Apache-2.0
// ShardSql: parses a statement once, walks its protobuf tree generically (protobuf reflection) to find the
// table names and function calls, and deparses a renamed copy per partition.
#include "planner/parser/shard_sql.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <pg_query.h>

#include <cctype>
#include <functional>

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

}  // namespace

struct ShardSql::Tree {
  pg_query::Node statement;  // the statement to deparse (an EXPLAIN's inner one)
};

ShardSql::ShardSql(std::string_view sql) : tree_(std::make_unique<Tree>()) {
  const std::string text(sql);
  PgQueryProtobufParseResult parsed = pg_query_parse_protobuf(text.c_str());
  pg_query::ParseResult result;
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(parsed.parse_tree.data),
                                                static_cast<int>(parsed.parse_tree.len));
  stream.SetRecursionLimit(4000);
  const bool ok = parsed.error == nullptr && result.ParseFromCodedStream(&stream) && result.stmts_size() == 1;
  pg_query_free_protobuf_parse_result(parsed);
  if (!ok) throw SqlError(SqlState::kInternalError, "internal error: a pushed-down statement does not parse again");
  tree_->statement = result.stmts(0).stmt();
  if (tree_->statement.has_explain_stmt()) {
    pg_query::Node inner = tree_->statement.explain_stmt().query();
    tree_->statement = std::move(inner);
  }
  WalkMessages(tree_->statement, [this](Message& message) {
    if (auto* range_var = dynamic_cast<pg_query::RangeVar*>(&message)) {
      relation_locations_.push_back(range_var->location());
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

std::string ShardSql::Deparse(const std::map<int, ShardTableName>& tables) const {
  pg_query::ParseResult tree;
  pg_query::Node& statement = *tree.add_stmts()->mutable_stmt();
  statement = tree_->statement;
  WalkMessages(statement, [&tables](Message& message) {
    auto* range_var = dynamic_cast<pg_query::RangeVar*>(&message);
    if (range_var == nullptr) return;
    const auto found = tables.find(range_var->location());
    if (found == tables.end()) return;
    if (!range_var->has_alias()) range_var->mutable_alias()->set_aliasname(range_var->relname());
    range_var->set_catalogname("");
    range_var->set_schemaname(found->second.schema);
    range_var->set_relname(found->second.table);
  });
  std::string bytes;
  tree.SerializeToString(&bytes);
  PgQueryProtobuf protobuf{bytes.size(), bytes.data()};
  PgQueryDeparseResult result = pg_query_deparse_protobuf(protobuf);
  std::string text = result.error == nullptr && result.query != nullptr ? result.query : "";
  pg_query_free_deparse_result(result);
  if (text.empty()) throw SqlError(SqlState::kFeatureNotSupported, "deparsing this statement for a worker is not supported yet");
  return text;
}

}  // namespace tessera::planner
