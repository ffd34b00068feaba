// SPDX-License-Identifier: Apache-2.0
// Transforms utility statements: transactions, SET, EXPLAIN, COPY, PREPARE/EXECUTE, DISCARD, VACUUM/ANALYZE.
#include <cctype>
#include <string>

#include "base/error.h"
#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

ast::TransactionKind TransactionKindOf(pg_query::TransactionStmtKind kind) {
  switch (kind) {
    case pg_query::TRANS_STMT_START: return ast::TransactionKind::kStart;
    case pg_query::TRANS_STMT_COMMIT: return ast::TransactionKind::kCommit;
    case pg_query::TRANS_STMT_ROLLBACK: return ast::TransactionKind::kRollback;
    case pg_query::TRANS_STMT_SAVEPOINT: return ast::TransactionKind::kSavepoint;
    case pg_query::TRANS_STMT_RELEASE: return ast::TransactionKind::kRelease;
    case pg_query::TRANS_STMT_ROLLBACK_TO: return ast::TransactionKind::kRollbackTo;
    case pg_query::TRANS_STMT_PREPARE: return ast::TransactionKind::kPrepare;
    case pg_query::TRANS_STMT_COMMIT_PREPARED: return ast::TransactionKind::kCommitPrepared;
    case pg_query::TRANS_STMT_ROLLBACK_PREPARED: return ast::TransactionKind::kRollbackPrepared;
    default: return ast::TransactionKind::kBegin;
  }
}

// Returns the value of a transaction mode as SET would spell it: the grammar writes READ ONLY and
// DEFERRABLE as integer constants 1/0.
std::string TransactionModeText(const pg_query::DefElem& mode) {
  std::string text = DefElemText(mode, "");
  if (mode.defname() == "transaction_read_only" || mode.defname() == "transaction_deferrable") {
    return text == "0" ? "off" : "on";
  }
  return text;
}

// Reads an EXPLAIN option as PostgreSQL's defGetBoolean does: no argument means true.
bool BooleanOption(const pg_query::DefElem& option) {
  std::string text = DefElemText(option, "true");
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "true" || text == "on" || text == "1") return true;
  if (text == "false" || text == "off" || text == "0") return false;
  throw SqlError(SqlState::kSyntaxError, option.defname() + " requires a Boolean value");
}

}  // namespace

ast::StatementPtr Transformer::TransformTransaction(const pg_query::TransactionStmt& transaction) {
  if (transaction.chain()) ThrowUnsupported("AND CHAIN", -1);
  auto out = std::make_unique<ast::TransactionStatement>();
  out->transaction_kind = TransactionKindOf(transaction.kind());
  // Savepoint commands name a savepoint; two-phase commands a global transaction id.
  out->savepoint_name =
      transaction.savepoint_name().empty() ? transaction.gid() : transaction.savepoint_name();
  for (const pg_query::Node& node : transaction.options()) {
    const pg_query::DefElem& mode = node.def_elem();
    if (mode.defname() == "transaction_isolation") out->isolation_level = DefElemText(mode, "");
    if (mode.defname() == "transaction_read_only") out->read_only = TransactionModeText(mode) == "on";
  }
  return out;
}

ast::StatementPtr Transformer::TransformVariableSet(const pg_query::VariableSetStmt& set) {
  auto out = std::make_unique<ast::SetStatement>();
  out->name = set.name();
  out->is_local = set.is_local();
  switch (set.kind()) {
    case pg_query::VAR_SET_VALUE:
      out->action = set.is_local() ? ast::SetStatement::Action::kSetLocal : ast::SetStatement::Action::kSet;
      for (const pg_query::Node& arg : set.args()) out->values.push_back(ConstantText(arg));
      break;
    case pg_query::VAR_SET_DEFAULT: out->action = ast::SetStatement::Action::kSetDefault; break;
    case pg_query::VAR_RESET: out->action = ast::SetStatement::Action::kReset; break;
    case pg_query::VAR_RESET_ALL: out->action = ast::SetStatement::Action::kResetAll; break;
    case pg_query::VAR_SET_MULTI: {
      // SET TRANSACTION sets transaction_*; SET SESSION CHARACTERISTICS AS TRANSACTION the defaults.
      std::string prefix;
      if (set.name() == "SESSION CHARACTERISTICS") {
        prefix = "default_";
      } else if (set.name() != "TRANSACTION") {
        ThrowUnsupported("SET " + set.name(), -1);
      }
      out->action = ast::SetStatement::Action::kSet;
      out->name.clear();
      for (const pg_query::Node& node : set.args()) {
        const pg_query::DefElem& mode = node.def_elem();
        if (out->name.empty()) {
          out->name = prefix + mode.defname();
          out->values.push_back(TransactionModeText(mode));
        } else {
          out->more_settings.emplace_back(prefix + mode.defname(), TransactionModeText(mode));
        }
      }
      break;
    }
    case pg_query::VAR_SET_CURRENT: ThrowUnsupported("SET ... FROM CURRENT", -1);
    default: ThrowUnsupported("this kind of SET", -1);
  }
  return out;
}

ast::StatementPtr Transformer::TransformExplain(const pg_query::ExplainStmt& explain) {
  auto out = std::make_unique<ast::ExplainStatement>();
  out->format = "text";
  for (const pg_query::Node& node : explain.options()) {
    const pg_query::DefElem& option = node.def_elem();
    if (option.defname() == "analyze") out->analyze = BooleanOption(option);
    if (option.defname() == "verbose") out->verbose = BooleanOption(option);
    if (option.defname() == "costs") out->costs = BooleanOption(option);
    if (option.defname() == "format") {
      out->format = DefElemText(option, "text");
      for (char& c : out->format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  // The explained statement shares the EXPLAIN's text bounds.
  const int location = statement_location_;
  const int length = statement_length_;
  out->statement = TransformStatement(explain.query(), location, length);
  return out;
}

ast::StatementPtr Transformer::TransformCopy(const pg_query::CopyStmt& copy) {
  if (copy.is_program()) ThrowUnsupported("COPY ... PROGRAM", -1);
  if (copy.has_where_clause()) ThrowUnsupported("COPY FROM ... WHERE", -1);
  auto out = std::make_unique<ast::CopyStatement>();
  if (copy.has_relation()) out->table = RangeVarNames(copy.relation());
  out->columns = StringList(copy.attlist());
  if (copy.has_query()) {
    if (!copy.query().has_select_stmt()) ThrowUnsupported("COPY of a data-modifying statement", -1);
    out->query = TransformQuery(copy.query(), -1);
  }
  out->is_from = copy.is_from();
  out->filename = copy.filename();
  for (const pg_query::Node& node : copy.options()) {
    const pg_query::DefElem& option = node.def_elem();
    std::string value;
    if (option.has_arg() && option.arg().has_list()) {
      // Column lists (FORCE_QUOTE (a, b), FORCE_NOT_NULL ...) become "a,b".
      for (const pg_query::Node& item : option.arg().list().items()) {
        if (!value.empty()) value += ',';
        value += StringValue(item);
      }
    } else if (option.has_arg() && option.arg().has_a_star()) {
      value = "*";
    } else {
      value = DefElemText(option, "true");
    }
    out->options.push_back(ast::TableOption{option.defname(), std::move(value), CharacterPosition(option.location())});
  }
  return out;
}

ast::StatementPtr Transformer::TransformPrepare(const pg_query::PrepareStmt& prepare) {
  auto out = std::make_unique<ast::PrepareStatement>();
  out->name = prepare.name();
  for (const pg_query::Node& type : prepare.argtypes()) {
    out->parameter_types.push_back(TransformTypeName(type.type_name()));
  }
  const int location = statement_location_;
  const int length = statement_length_;
  out->statement = TransformStatement(prepare.query(), location, length);
  return out;
}

ast::StatementPtr Transformer::TransformExecute(const pg_query::ExecuteStmt& execute) {
  auto out = std::make_unique<ast::ExecuteStatement>();
  out->name = execute.name();
  out->params = TransformExprList(execute.params());
  return out;
}

ast::StatementPtr Transformer::TransformDiscard(const pg_query::DiscardStmt& discard) {
  auto out = std::make_unique<ast::DiscardStatement>();
  switch (discard.target()) {
    case pg_query::DISCARD_PLANS: out->target = "plans"; break;
    case pg_query::DISCARD_SEQUENCES: out->target = "sequences"; break;
    case pg_query::DISCARD_TEMP: out->target = "temp"; break;
    default: out->target = "all"; break;
  }
  return out;
}

ast::StatementPtr Transformer::TransformVacuum(const pg_query::VacuumStmt& vacuum) {
  auto out = std::make_unique<ast::MaintenanceStatement>(vacuum.is_vacuumcmd() ? ast::StmtKind::kVacuum
                                                                               : ast::StmtKind::kAnalyze);
  // Options (VERBOSE, FULL, ...) and ANALYZE's column lists only tune the work; all columns are analyzed.
  out->analyze = !vacuum.is_vacuumcmd();
  for (const pg_query::Node& option : vacuum.options()) {
    if (option.has_def_elem() && option.def_elem().defname() == "analyze") out->analyze = true;
  }
  for (const pg_query::Node& node : vacuum.rels()) {
    out->tables.push_back(RangeVarNames(node.vacuum_relation().relation()));
  }
  return out;
}

}  // namespace tessera::planner::parser
