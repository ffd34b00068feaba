// SPDX-License-Identifier: Apache-2.0
// ParseSql: runs libpg_query over the text, decodes its protobuf tree and transforms each statement.
#include "planner/parser/parser.h"

#include <google/protobuf/io/coded_stream.h>
#include <pg_query.h>

#include <memory>
#include <string>

#include "base/error.h"
#include "pg_query.pb.h"
#include "planner/parser/transformer.h"

namespace tessera::planner {
namespace {

// Protobuf nesting allowed when decoding. Each expression level costs two message levels, so this admits
// every tree the Transformer accepts (Transformer::kMaxDepth) and bounds the decoder's recursion.
constexpr int kProtobufRecursionLimit = 4000;

// Owns the C result of pg_query_parse_protobuf and frees it on every path out.
class PgQueryParse {
 public:
  // REQUIRES: sql holds no NUL character (libpg_query reads a C string).
  explicit PgQueryParse(const std::string& sql) : result_(pg_query_parse_protobuf(sql.c_str())) {}
  ~PgQueryParse() { pg_query_free_protobuf_parse_result(result_); }
  PgQueryParse(const PgQueryParse&) = delete;
  PgQueryParse& operator=(const PgQueryParse&) = delete;

  const PgQueryError* error() const { return result_.error; }
  const PgQueryProtobuf& tree() const { return result_.parse_tree; }

 private:
  PgQueryProtobufParseResult result_;
};

// Turns a libpg_query error into the SqlError PostgreSQL would report. libpg_query gives no SQLSTATE;
// everything its raw parser rejects is a syntax error, except running out of stack and the window frame
// checks the grammar makes ("frame start cannot be UNBOUNDED FOLLOWING"), which are windowing errors.
[[noreturn]] void ThrowParseError(const PgQueryError& error) {
  std::string message = error.message != nullptr ? error.message : "syntax error";
  SqlState state = SqlState::kSyntaxError;
  if (message == "stack depth limit exceeded") state = SqlState::kStatementTooComplex;
  if (message.rfind("frame ", 0) == 0) state = SqlState::kWindowingError;
  SqlError sql_error(state, std::move(message));
  if (error.cursorpos > 0) throw std::move(sql_error).WithPosition(error.cursorpos);
  throw sql_error;
}

pg_query::ParseResult DecodeTree(const PgQueryProtobuf& tree) {
  pg_query::ParseResult result;
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(tree.data),
                                                static_cast<int>(tree.len));
  stream.SetRecursionLimit(kProtobufRecursionLimit);
  if (!result.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    throw SqlError(SqlState::kStatementTooComplex, "stack depth limit exceeded")
        .WithHint("Simplify the statement: it nests too deeply.");
  }
  return result;
}

}  // namespace

namespace parser {

pg_query::ParseResult ParseTree(const std::string& sql) {
  PgQueryParse parse(sql);
  if (parse.error() != nullptr) ThrowParseError(*parse.error());
  return DecodeTree(parse.tree());
}

std::string DeparseTree(const pg_query::ParseResult& tree) {
  std::string bytes;
  tree.SerializeToString(&bytes);
  PgQueryProtobuf protobuf{bytes.size(), bytes.data()};
  PgQueryDeparseResult result = pg_query_deparse_protobuf(protobuf);
  std::string text = result.error == nullptr && result.query != nullptr ? result.query : "";
  pg_query_free_deparse_result(result);
  return text;
}

}  // namespace parser

std::vector<ast::StatementPtr> ParseSql(std::string_view sql) {
  std::string text(sql);
  if (text.find('\0') != std::string::npos) {
    throw SqlError(SqlState::kCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x00");
  }
  pg_query::ParseResult tree = parser::ParseTree(text);

  parser::Transformer transformer(sql);
  auto source = std::make_shared<const std::string>(std::move(text));
  std::vector<ast::StatementPtr> statements;
  statements.reserve(tree.stmts_size());
  for (const pg_query::RawStmt& raw : tree.stmts()) {
    ast::StatementPtr statement = transformer.TransformStatement(raw.stmt(), raw.stmt_location(), raw.stmt_len());
    statement->source = source;
    if (statement->kind == ast::StmtKind::kExplain) {
      auto& explain = static_cast<ast::ExplainStatement&>(*statement);
      if (explain.statement) explain.statement->source = source;
    }
    statements.push_back(std::move(statement));
  }
  return statements;
}

}  // namespace tessera::planner
