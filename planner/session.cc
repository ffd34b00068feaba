// SPDX-License-Identifier: Apache-2.0
// Session: statement preparation and execution, transactions, settings.
#include "planner/session.h"

#include <algorithm>
#include <chrono>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/durability.h"
#include "engine/function/array_text.h"
#include "engine/function/cast_kernels.h"
#include "engine/operator.h"
#include "base/memory_tracker.h"
#include "base/text_format.h"
#include "engine/system_tables.h"
#include "planner/binder.h"
#include "planner/copy_internal.h"
#include "planner/distributed_estimates.h"
#include "planner/distributed_pushdown.h"
#include "planner/distributed_statement.h"
#include "planner/distributed_joins.h"
#include "planner/parallel_selection.h"
#include "planner/parser/parser.h"
#include "planner/session_state.h"
#include "planner/settings.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

int64_t NowMicros() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t unix_micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return unix_micros - 946684800LL * 1000000LL;
}

// Runs a query's operators. Their allocations may be refused under --memory-limit (the statement then
// fails with std::bad_alloc, 53200); the session's own work around them (commit, error handling) may not.
class QueryCursor : public Cursor {
 public:
  QueryCursor(std::shared_ptr<BoundStatement> bound, std::unique_ptr<engine::ExecContext> context)
      : bound_(std::move(bound)), context_(std::move(context)) {
    memory::MayFailScope query_memory(true);
    op_ = engine::CreateOperator(*bound_->plan, *context_);
  }
  bool Next(Batch* batch) override {
    memory::MayFailScope query_memory(true);
    if (done_) return false;
    while (op_->Next(batch)) {
      if (batch->num_rows == 0) continue;
      rows_ += static_cast<int64_t>(batch->num_rows);
      return true;
    }
    done_ = true;
    return false;
  }
  std::string CommandTag() const override {
    if (bound_->tag == "SELECT" || bound_->tag == "COPY") return bound_->tag + " " + std::to_string(rows_);
    if (bound_->tag == "INSERT") return "INSERT 0 " + std::to_string(op_->rows_affected());
    return bound_->tag + " " + std::to_string(op_->rows_affected());
  }

 private:
  std::shared_ptr<BoundStatement> bound_;
  std::unique_ptr<engine::ExecContext> context_;
  std::unique_ptr<engine::Operator> op_;
  int64_t rows_ = 0;
  bool done_ = false;
};

// A finished utility statement with optional rows (SHOW, EXPLAIN).
class ResultCursor : public Cursor {
 public:
  ResultCursor(std::string tag, std::vector<Batch> batches) : tag_(std::move(tag)), batches_(std::move(batches)) {}
  bool Next(Batch* batch) override {
    if (next_ >= batches_.size()) return false;
    *batch = std::move(batches_[next_++]);
    return batch->num_rows > 0;
  }
  std::string CommandTag() const override { return tag_; }

 private:
  std::string tag_;
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

bool IsTransactionExit(const ast::Statement& statement) {
  if (statement.kind != ast::StmtKind::kTransaction) return false;
  const auto kind = static_cast<const ast::TransactionStatement&>(statement).transaction_kind;
  return kind == ast::TransactionKind::kCommit || kind == ast::TransactionKind::kRollback ||
         kind == ast::TransactionKind::kRollbackTo || kind == ast::TransactionKind::kPrepare;
}

}  // namespace

engine::DistributedTransaction& WorkerBlock(SessionState& state, engine::Database& database) {
  const std::string& isolation = state.settings["transaction_isolation"];
  if (!state.worker_block) {
    state.worker_block = std::make_unique<engine::DistributedTransaction>(database, isolation, state.savepoints.size());
  } else if (!state.worker_block->touched_workers()) {
    state.worker_block->set_isolation(isolation);
  }
  return *state.worker_block;
}

PreparedStatement::~PreparedStatement() = default;

Session::Session(engine::Database& database, std::map<std::string, std::string> options)
    : database_(database), state_(std::make_unique<SessionState>()) {
  InitializeSettings(*state_, options, database.options().database_name);
  state_->commit_hook = [&database] { database.AfterCommit(); };
  state_->open_catalog_hook = [&database, key = state_->OpenCatalogKey()](std::vector<engine::RelationImage> images) {
    if (engine::Durability* durability = database.durability()) durability->SetOpenCatalog(key, std::move(images));
  };
}

Session::~Session() {
  // An open transaction block is rolled back when the connection ends.
  FinishTransaction(*state_, false);
  state_->UndoTo(0);
}

std::vector<std::string> Session::Split(std::string_view sql) {
  std::vector<std::string> texts;
  for (const auto& statement : ParseSql(sql)) {
    const size_t length = statement->length == 0 ? sql.size() - statement->location : static_cast<size_t>(statement->length);
    texts.emplace_back(sql.substr(statement->location, length));
  }
  return texts;
}

std::unique_ptr<PreparedStatement> Session::Prepare(std::string_view sql, const std::vector<uint32_t>& parameter_type_oids) {
  auto prepared = std::unique_ptr<PreparedStatement>(new PreparedStatement());
  prepared->sql_ = std::string(sql);
  auto statements = ParseSql(sql);
  if (statements.size() > 1) {
    throw SqlError(SqlState::kSyntaxError, "cannot insert multiple commands into a prepared statement");
  }
  if (statements.empty()) {
    prepared->empty_ = true;
    return prepared;
  }
  for (uint32_t oid : parameter_type_oids) {
    if (oid == 0) {
      prepared->parameter_types_.push_back(LogicalType(TypeId::kUnknown));
      continue;
    }
    auto type = TypeFromOid(oid);
    if (!type) throw SqlError(SqlState::kUndefinedObject, "type with OID " + std::to_string(oid) + " does not exist");
    prepared->parameter_types_.push_back(*type);
  }
  std::shared_ptr<ast::Statement> ast_statement(std::move(statements[0]));
  prepared->bound_ = Bind(ast_statement, prepared->parameter_types_);
  for (auto& type : prepared->parameter_types_) {
    if (type.id == TypeId::kUnknown) type = LogicalType(TypeId::kText);
  }
  prepared->result_columns_ = prepared->bound_->columns;
  prepared->copy_ = prepared->bound_->copy;
  return prepared;
}

std::shared_ptr<BoundStatement> Session::Bind(std::shared_ptr<ast::Statement> statement, std::vector<LogicalType>& parameter_types) {
  auto bound = std::make_shared<BoundStatement>();
  bound->statement = statement;
  bound->catalog_version = database_.catalog().version();
  Binder binder(database_, *state_, parameter_types);
  // A coordinator records the tables a statement names, to push it down to the workers.
  const bool coordinator = database_.options().role == engine::Role::kCoordinator;
  NameReferences references;
  if (coordinator) binder.RecordReferences(&references);
  BoundQuery query;
  switch (statement->kind) {
    case ast::StmtKind::kSelect:
      query = binder.BindQuery(*static_cast<ast::SelectStatement&>(*statement).select, nullptr);
      bound->tag = "SELECT";
      break;
    case ast::StmtKind::kInsert:
      query = binder.BindInsert(static_cast<ast::InsertStatement&>(*statement));
      bound->tag = "INSERT";
      break;
    case ast::StmtKind::kUpdate:
      query = binder.BindUpdate(static_cast<ast::UpdateStatement&>(*statement));
      bound->tag = "UPDATE";
      break;
    case ast::StmtKind::kDelete:
      query = binder.BindDelete(static_cast<ast::DeleteStatement&>(*statement));
      bound->tag = "DELETE";
      break;
    case ast::StmtKind::kCopy:
      BindCopy(binder, static_cast<ast::CopyStatement&>(*statement), *bound);
      return bound;
    default:
      bound->columns = UtilityResultColumns(*statement);
      return bound;  // utility statements run at Execute
  }
  if (coordinator) {
    // What a write ships to the workers is bound as a query of its own, with the statement's parameters.
    auto plan_query = [this, &parameter_types](const std::string& sql) {
      auto statements = ParseSql(sql);
      Binder shipped(database_, *state_, parameter_types);
      return shipped.BindQuery(*static_cast<ast::SelectStatement&>(*statements[0]).select, nullptr);
    };
    query.plan = PlanDistributedStatement(*statement, query.plan, references, *state_, plan_query);
  }
  bound->plan = query.plan;
  if (coordinator) {
    const JoinTierSettings join_tiers = ReadJoinTierSettings(*state_);
    if (join_tiers.enabled) PlanDistributedJoins(query.plan, database_, join_tiers);
  }
  if (statement->kind == ast::StmtKind::kSelect) {
    if (DistributedPushdownEnabled(ReadSetting(*state_, kDistributedPushdownSetting))) PushDownToWorkers(query.plan);
    MarkParallelSections(query.plan, database_.options().worker_threads);
  }
  if (coordinator) EstimateDistributedRows(query.plan, database_);
  const bool returns_rows = bound->tag == "SELECT" || !query.plan->returning.empty();
  if (returns_rows) {
    for (size_t column = 0; column < query.names.size(); ++column) {
      ResultColumn result;
      result.name = query.names[column];
      result.type = query.plan->output_types[column];
      if (column < query.table_oids.size()) {
        result.table_oid = query.table_oids[column];
        result.column_number = query.attnums[column];
      }
      bound->columns.push_back(result);
    }
  }
  return bound;
}

std::unique_ptr<Cursor> Session::Execute(PreparedStatement& statement, std::vector<Value> parameters) {
  if (statement.empty_) return std::make_unique<ResultCursor>("", std::vector<Batch>());
  std::shared_ptr<BoundStatement> bound = statement.bound_;
  if (state_->transaction == TransactionState::kFailed && !IsTransactionExit(*bound->statement)) {
    throw SqlError(SqlState::kInFailedSqlTransaction,
                   "current transaction is aborted, commands ignored until end of transaction block");
  }
  if (!bound->plan && bound->tag.empty()) {
    // Utility statement.
    auto context = MakeContext(std::move(parameters));
    UtilityResult result = RunUtility(*this, *bound->statement, *context);
    return std::make_unique<ResultCursor>(result.tag, std::move(result.batches));
  }
  if (bound->catalog_version != database_.catalog().version()) {
    std::vector<LogicalType> types = statement.parameter_types_;
    bound = Bind(bound->statement, types);
    statement.bound_ = bound;
    statement.copy_ = bound->copy;
  }
  if (bound->copy && bound->copy->from) {
    throw SqlError(SqlState::kInternalError, "COPY FROM must be started with BeginCopyFrom");
  }
  // Parameters arrive typed as the statement declared them; convert where needed.
  auto context = MakeContext({}, true);
  for (size_t index = 0; index < parameters.size(); ++index) {
    const LogicalType& want = index < statement.parameter_types_.size() ? statement.parameter_types_[index] : LogicalType(TypeId::kText);
    Value& value = parameters[index];
    if (!value.is_null() && !(value.type() == want)) value = engine::CastValue(value, want, *context, true);
    if (value.is_null()) value = Value::Null(want);
  }
  context->parameters = std::move(parameters);
  return std::make_unique<QueryCursor>(bound, std::move(context));
}

std::unique_ptr<CopyInserter> Session::BeginCopyFrom(PreparedStatement& statement) {
  if (state_->transaction == TransactionState::kFailed) {
    throw SqlError(SqlState::kInFailedSqlTransaction,
                   "current transaction is aborted, commands ignored until end of transaction block");
  }
  std::shared_ptr<BoundStatement> bound = statement.bound_;
  if (bound->catalog_version != database_.catalog().version()) {
    std::vector<LogicalType> types = statement.parameter_types_;
    bound = Bind(bound->statement, types);
    statement.bound_ = bound;
    statement.copy_ = bound->copy;
  }
  if (!bound->copy || !bound->copy->from) {
    throw SqlError(SqlState::kInternalError, "BeginCopyFrom needs a COPY FROM statement");
  }
  return MakeCopyInserter(bound, MakeContext({}, true));
}

std::unique_ptr<engine::ExecContext> Session::MakeContext(std::vector<Value> parameters, bool query) {
  auto context = std::make_unique<engine::ExecContext>();
  context->database = &database_;
  context->time_zone = state_->time_zone;
  context->datetime_style = state_->datetime_style;
  context->bytea_escape = state_->bytea_escape;
  context->extra_float_digits = state_->extra_float_digits;
  SessionState* state = state_.get();
  context->read_setting = [state](const std::string& name) { return ReadSetting(*state, name); };
  context->write_setting = [state](const std::string& name, const std::string& value, bool is_local) {
    return ApplySetting(*state, name, value, is_local);
  };
  context->user = state_->user;
  context->database_name = state_->database;
  context->search_path_first = state_->search_path.empty() ? "public" : state_->search_path[0];
  context->search_path = state_->LookupPath();
  engine::InstallCatalogResolvers(*context);
  context->parameters = std::move(parameters);
  context->statement_timestamp = NowMicros();
  if (state_->transaction == TransactionState::kIdle) state_->transaction_timestamp = context->statement_timestamp;
  context->transaction_timestamp = state_->transaction_timestamp;
  context->cancel_flag = &cancel_requested_;
  context->undo_log = &state_->undo_log;
  context->in_transaction_block = state_->transaction != TransactionState::kIdle;
  storage::Transaction& txn = OpenTransaction(*state_, database_.transactions());
  context->transaction = &txn;
  context->snapshot = query || txn.has_snapshot() ? txn.StatementSnapshot() : txn.CurrentSnapshot();
  if (context->in_transaction_block && database_.options().role == engine::Role::kCoordinator) {
    context->worker_block = &WorkerBlock(*state_, database_);
  }
  return context;
}

Value Session::ParseParameterText(const LogicalType& type, std::string_view text) const {
  engine::ExecContext context;
  context.time_zone = state_->time_zone;
  context.datetime_style = state_->datetime_style;
  return engine::CastValue(Value::Text(std::string(text), LogicalType(TypeId::kUnknown)), type, context, true);
}

// The type's output function (typoutput), which differs from a cast to text for some types: boolean is
// t/f here but true/false as text, char(n) keeps its padding. The setting-dependent types share the
// formatting functions with builtin::FormatAsText.
std::string Session::FormatText(const Vector& column, idx_t row) {
  switch (column.type().id) {
    case TypeId::kFloat32:
      return text_format::FormatFloat32(column.Data<float>()[row], state_->extra_float_digits);
    case TypeId::kFloat64:
      return text_format::FormatFloat64(column.Data<double>()[row], state_->extra_float_digits);
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array:
      if (state_->extra_float_digits == 1) return std::string(column.GetString(row));
      return engine::ReformatFloatArray(column.type().id, column.GetString(row), state_->extra_float_digits);
    case TypeId::kBytea:
      return text_format::FormatBytea(column.GetString(row), state_->bytea_escape);
    case TypeId::kDate:
      return datetime::FormatDate(column.Data<int32_t>()[row], state_->datetime_style);
    case TypeId::kTimestamp:
      return datetime::FormatTimestamp(column.Data<int64_t>()[row], state_->datetime_style);
    case TypeId::kTimestampTz:
      return datetime::FormatTimestampTz(column.Data<int64_t>()[row], state_->time_zone, state_->datetime_style);
    case TypeId::kInterval:
      return datetime::FormatInterval(column.Data<Interval>()[row], state_->datetime_style.interval_style);
    case TypeId::kOid:
      if (column.type().oid_flavour != 0) {  // regclass, regtype, ...: names need the catalog
        return engine::builtin::FormatAsText(column, row, *MakeContext({}));
      }
      return column.GetValue(row).ToString();
    default:
      return column.GetValue(row).ToString();
  }
}

void Session::HandleError() {
  if (state_->transaction == TransactionState::kIdle) {
    FinishTransaction(*state_, false);
    state_->UndoTo(0);
  } else {
    state_->transaction = TransactionState::kFailed;
  }
}

void Session::Sync() {
  if (state_->transaction != TransactionState::kIdle) return;
  FinishTransaction(*state_, true);
  state_->ForgetUndo();
}

char Session::TransactionStatus() const {
  switch (state_->transaction) {
    case TransactionState::kIdle: return 'I';
    case TransactionState::kInBlock: return 'T';
    case TransactionState::kFailed: return 'E';
  }
  return 'I';
}

std::vector<std::pair<std::string, std::string>> Session::ReportedParameters() const {
  std::vector<std::pair<std::string, std::string>> reported;
  for (const char* name : kReportedSettings) {
    auto found = state_->settings.find(name);
    if (found != state_->settings.end()) reported.emplace_back(DisplayName(name), found->second);
  }
  return reported;
}

std::vector<std::pair<std::string, std::string>> Session::TakeChangedParameters() {
  // As PostgreSQL 15, a setting is reported again only when its value differs from the last report.
  std::vector<std::pair<std::string, std::string>> changed;
  for (const char* name : kReportedSettings) {
    auto found = state_->settings.find(name);
    if (found == state_->settings.end()) continue;
    auto [reported, inserted] = state_->reported_values.try_emplace(name, found->second);
    if (!inserted && reported->second == found->second) continue;
    reported->second = found->second;
    if (!inserted) changed.emplace_back(DisplayName(name), found->second);
  }
  return changed;
}

std::vector<ErrorInfo> Session::TakeNotices() {
  auto notices = std::move(state_->notices);
  state_->notices.clear();
  return notices;
}

}  // namespace tessera::planner
