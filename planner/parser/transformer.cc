// SPDX-License-Identifier: Apache-2.0
// Statement dispatch, error positions and small helpers over protobuf nodes shared by the transform_*.cc.
#include "planner/parser/transformer.h"

#include <string>

#include "base/error.h"

namespace tessera::planner::parser {

Transformer::DepthGuard::DepthGuard(Transformer* transformer) : transformer_(transformer) {
  if (++transformer_->depth_ > kMaxDepth) {
    --transformer_->depth_;
    throw SqlError(SqlState::kStatementTooComplex, "stack depth limit exceeded")
        .WithHint("Simplify the statement: it nests too deeply.");
  }
}

void Transformer::ThrowUnsupported(std::string_view construct, int location) const {
  SqlError error(SqlState::kFeatureNotSupported, std::string(construct) + " is not supported");
  int position = CharacterPosition(location);
  if (position > 0) throw std::move(error).WithPosition(position);
  throw error;
}

int Transformer::CharacterPosition(int location) const {
  if (location < 0 || static_cast<size_t>(location) > sql_.size()) return 0;
  // PostgreSQL counts characters, not bytes: count the UTF-8 lead bytes before the offset.
  int characters = 0;
  for (int offset = 0; offset < location; ++offset) {
    if ((static_cast<unsigned char>(sql_[offset]) & 0xC0) != 0x80) ++characters;
  }
  return characters + 1;
}

ast::StatementPtr Transformer::TransformStatement(const pg_query::Node& node, int location, int length) {
  statement_location_ = location;
  statement_length_ = length;
  ast::StatementPtr statement;
  switch (node.node_case()) {
    case pg_query::Node::kSelectStmt: statement = TransformSelectStatement(node.select_stmt()); break;
    case pg_query::Node::kInsertStmt: statement = TransformInsert(node.insert_stmt()); break;
    case pg_query::Node::kUpdateStmt: statement = TransformUpdate(node.update_stmt()); break;
    case pg_query::Node::kDeleteStmt: statement = TransformDelete(node.delete_stmt()); break;
    case pg_query::Node::kCreateStmt: statement = TransformCreateTable(node.create_stmt()); break;
    case pg_query::Node::kCreateTableAsStmt:
      statement = TransformCreateTableAs(node.create_table_as_stmt());
      break;
    case pg_query::Node::kViewStmt: statement = TransformCreateView(node.view_stmt()); break;
    case pg_query::Node::kCreateSchemaStmt:
      statement = TransformCreateSchema(node.create_schema_stmt());
      break;
    case pg_query::Node::kIndexStmt: statement = TransformCreateIndex(node.index_stmt()); break;
    case pg_query::Node::kCreateSeqStmt: statement = TransformCreateSequence(node.create_seq_stmt()); break;
    case pg_query::Node::kDropStmt: statement = TransformDrop(node.drop_stmt()); break;
    case pg_query::Node::kTruncateStmt: statement = TransformTruncate(node.truncate_stmt()); break;
    case pg_query::Node::kAlterTableStmt: statement = TransformAlterTable(node.alter_table_stmt()); break;
    case pg_query::Node::kRenameStmt: statement = TransformRename(node.rename_stmt()); break;
    case pg_query::Node::kTransactionStmt: statement = TransformTransaction(node.transaction_stmt()); break;
    case pg_query::Node::kVariableSetStmt: statement = TransformVariableSet(node.variable_set_stmt()); break;
    case pg_query::Node::kVariableShowStmt: {
      auto show = std::make_unique<ast::ShowStatement>();
      show->name = node.variable_show_stmt().name();
      statement = std::move(show);
      break;
    }
    case pg_query::Node::kExplainStmt: statement = TransformExplain(node.explain_stmt()); break;
    case pg_query::Node::kCopyStmt: statement = TransformCopy(node.copy_stmt()); break;
    case pg_query::Node::kPrepareStmt: statement = TransformPrepare(node.prepare_stmt()); break;
    case pg_query::Node::kExecuteStmt: statement = TransformExecute(node.execute_stmt()); break;
    case pg_query::Node::kDeallocateStmt: {
      auto deallocate = std::make_unique<ast::DeallocateStatement>();
      deallocate->name = node.deallocate_stmt().name();
      statement = std::move(deallocate);
      break;
    }
    case pg_query::Node::kDiscardStmt: statement = TransformDiscard(node.discard_stmt()); break;
    case pg_query::Node::kVacuumStmt: statement = TransformVacuum(node.vacuum_stmt()); break;
    case pg_query::Node::kCheckPointStmt: statement = std::make_unique<ast::CheckpointStatement>(); break;
    case pg_query::Node::kCommentStmt: statement = std::make_unique<ast::CommentStatement>(); break;
    default: {
      auto unsupported = std::make_unique<ast::UnsupportedStatement>();
      unsupported->unsupported_name = UnsupportedStatementName(node);
      statement = std::move(unsupported);
      break;
    }
  }
  statement->location = location;
  statement->length = length;
  return statement;
}

std::string StringValue(const pg_query::Node& node) {
  return node.has_string() ? node.string().sval() : std::string();
}

std::vector<std::string> StringList(const NodeList& nodes) {
  std::vector<std::string> names;
  names.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) names.push_back(StringValue(node));
  return names;
}

std::vector<std::string> RangeVarNames(const pg_query::RangeVar& range_var) {
  std::vector<std::string> names;
  if (!range_var.catalogname().empty()) names.push_back(range_var.catalogname());
  if (!range_var.schemaname().empty()) names.push_back(range_var.schemaname());
  names.push_back(range_var.relname());
  return names;
}

namespace {

std::string JoinNames(const NodeList& nodes) {
  std::string text;
  for (const pg_query::Node& node : nodes) {
    if (!text.empty()) text += '.';
    text += StringValue(node);
  }
  return text;
}

}  // namespace

std::string ConstantText(const pg_query::Node& node) {
  switch (node.node_case()) {
    case pg_query::Node::kInteger: return std::to_string(node.integer().ival());
    case pg_query::Node::kFloat: return node.float_().fval();
    case pg_query::Node::kBoolean: return node.boolean().boolval() ? "true" : "false";
    case pg_query::Node::kString: return node.string().sval();
    case pg_query::Node::kBitString: return node.bit_string().bsval();
    case pg_query::Node::kTypeName: return JoinNames(node.type_name().names());
    case pg_query::Node::kList: return JoinNames(node.list().items());
    case pg_query::Node::kAConst: {
      const pg_query::A_Const& constant = node.a_const();
      switch (constant.val_case()) {
        case pg_query::A_Const::kIval: return std::to_string(constant.ival().ival());
        case pg_query::A_Const::kFval: return constant.fval().fval();
        case pg_query::A_Const::kBoolval: return constant.boolval().boolval() ? "true" : "false";
        case pg_query::A_Const::kSval: return constant.sval().sval();
        case pg_query::A_Const::kBsval: return constant.bsval().bsval();
        case pg_query::A_Const::VAL_NOT_SET: return "";
      }
      return "";
    }
    case pg_query::Node::kTypeCast: return ConstantText(node.type_cast().arg());
    default: return "";
  }
}

std::string DefElemText(const pg_query::DefElem& option, std::string_view when_missing) {
  if (!option.has_arg()) return std::string(when_missing);
  return ConstantText(option.arg());
}

std::string ObjectTypeWords(pg_query::ObjectType type) {
  switch (type) {
    case pg_query::OBJECT_ACCESS_METHOD: return "ACCESS METHOD";
    case pg_query::OBJECT_AGGREGATE: return "AGGREGATE";
    case pg_query::OBJECT_CAST: return "CAST";
    case pg_query::OBJECT_COLUMN: return "COLUMN";
    case pg_query::OBJECT_COLLATION: return "COLLATION";
    case pg_query::OBJECT_CONVERSION: return "CONVERSION";
    case pg_query::OBJECT_DATABASE: return "DATABASE";
    case pg_query::OBJECT_DOMAIN: return "DOMAIN";
    case pg_query::OBJECT_DOMCONSTRAINT: return "DOMAIN CONSTRAINT";
    case pg_query::OBJECT_EVENT_TRIGGER: return "EVENT TRIGGER";
    case pg_query::OBJECT_EXTENSION: return "EXTENSION";
    case pg_query::OBJECT_FDW: return "FOREIGN DATA WRAPPER";
    case pg_query::OBJECT_FOREIGN_SERVER: return "SERVER";
    case pg_query::OBJECT_FOREIGN_TABLE: return "FOREIGN TABLE";
    case pg_query::OBJECT_FUNCTION: return "FUNCTION";
    case pg_query::OBJECT_INDEX: return "INDEX";
    case pg_query::OBJECT_LANGUAGE: return "LANGUAGE";
    case pg_query::OBJECT_LARGEOBJECT: return "LARGE OBJECT";
    case pg_query::OBJECT_MATVIEW: return "MATERIALIZED VIEW";
    case pg_query::OBJECT_OPCLASS: return "OPERATOR CLASS";
    case pg_query::OBJECT_OPERATOR: return "OPERATOR";
    case pg_query::OBJECT_OPFAMILY: return "OPERATOR FAMILY";
    case pg_query::OBJECT_POLICY: return "POLICY";
    case pg_query::OBJECT_PROCEDURE: return "PROCEDURE";
    case pg_query::OBJECT_PUBLICATION: return "PUBLICATION";
    case pg_query::OBJECT_ROLE: return "ROLE";
    case pg_query::OBJECT_ROUTINE: return "ROUTINE";
    case pg_query::OBJECT_RULE: return "RULE";
    case pg_query::OBJECT_SCHEMA: return "SCHEMA";
    case pg_query::OBJECT_SEQUENCE: return "SEQUENCE";
    case pg_query::OBJECT_SUBSCRIPTION: return "SUBSCRIPTION";
    case pg_query::OBJECT_STATISTIC_EXT: return "STATISTICS";
    case pg_query::OBJECT_TABCONSTRAINT: return "CONSTRAINT";
    case pg_query::OBJECT_TABLE: return "TABLE";
    case pg_query::OBJECT_TABLESPACE: return "TABLESPACE";
    case pg_query::OBJECT_TRANSFORM: return "TRANSFORM";
    case pg_query::OBJECT_TRIGGER: return "TRIGGER";
    case pg_query::OBJECT_TSCONFIGURATION: return "TEXT SEARCH CONFIGURATION";
    case pg_query::OBJECT_TSDICTIONARY: return "TEXT SEARCH DICTIONARY";
    case pg_query::OBJECT_TSPARSER: return "TEXT SEARCH PARSER";
    case pg_query::OBJECT_TSTEMPLATE: return "TEXT SEARCH TEMPLATE";
    case pg_query::OBJECT_TYPE: return "TYPE";
    case pg_query::OBJECT_USER_MAPPING: return "USER MAPPING";
    case pg_query::OBJECT_VIEW: return "VIEW";
    default: return "OBJECT";
  }
}

}  // namespace tessera::planner::parser
