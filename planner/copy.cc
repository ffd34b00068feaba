// SPDX-License-Identifier: Apache-2.0
// COPY: option checks (PostgreSQL 15's ProcessCopyOptions), binding of COPY TO and COPY FROM, and the
// inserter that converts and writes COPY FROM rows.
#include "planner/copy.h"

#include <algorithm>
#include <cctype>
#include <thread>

#include "engine/background_task.h"
#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/durability.h"
#include "engine/task_pool.h"
#include "engine/function/scalar_function.h"
#include "engine/operator.h"
#include "planner/binder.h"
#include "planner/copy_internal.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

// Encoded WAL bytes after which a COPY logs its rows ahead of the commit (one WAL record's worth).
constexpr size_t kLogAheadBytes = 8u << 20;

}  // namespace

namespace {

using engine::PlanKind;
using engine::PlanNode;

SqlError OptionError(SqlState state, std::string message) { return SqlError(state, std::move(message)); }

// Errors PostgreSQL positions at the option (parser_errposition on the DefElem).
SqlError PositionedError(SqlState state, std::string message, const ast::TableOption& option) {
  return SqlError(state, std::move(message)).WithPosition(option.position);
}

bool ParseBoolean(const ast::TableOption& option) {
  std::string value = option.value;
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  if (value == "true" || value == "on" || value == "1") return true;
  if (value == "false" || value == "off" || value == "0") return false;
  throw OptionError(SqlState::kSyntaxError, option.name + " requires a Boolean value");
}

CopyHeader ParseHeader(const ast::TableOption& option, bool is_from) {
  std::string value = option.value;
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  if (value == "match") {
    if (!is_from) {
      throw OptionError(SqlState::kFeatureNotSupported, "cannot use \"" + option.value + "\" with HEADER in COPY TO");
    }
    return CopyHeader::kMatch;
  }
  if (value == "true" || value == "on" || value == "1") return CopyHeader::kPresent;
  if (value == "false" || value == "off" || value == "0") return CopyHeader::kNone;
  throw OptionError(SqlState::kSyntaxError, option.name + " requires a Boolean value or \"match\"");
}

// FORCE_QUOTE / FORCE_NOT_NULL / FORCE_NULL: "*" (FORCE_QUOTE only) or a comma-joined column list.
std::vector<bool> ColumnFlags(const ast::TableOption& option, const char* what, const std::vector<CopyColumn>& columns,
                              const engine::RelationInfo* relation) {
  std::vector<bool> flags(columns.size(), option.value == "*");
  if (option.value == "*") return flags;
  size_t start = 0;
  while (start <= option.value.size()) {
    size_t end = option.value.find(',', start);
    if (end == std::string::npos) end = option.value.size();
    const std::string name = option.value.substr(start, end - start);
    auto found = std::find_if(columns.begin(), columns.end(), [&](const CopyColumn& column) { return column.name == name; });
    if (found == columns.end() && relation != nullptr && relation->FindColumn(name) < 0) {
      throw SqlError(SqlState::kUndefinedColumn,
                     "column \"" + name + "\" of relation \"" + relation->name + "\" does not exist");
    }
    if (found == columns.end()) {
      throw OptionError(SqlState::kInvalidColumnReference,
                        std::string(what) + " column \"" + name + "\" not referenced by COPY");
    }
    flags[found - columns.begin()] = true;
    start = end + 1;
  }
  return flags;
}

CopyOptions ParseOptions(const ast::CopyStatement& copy, const std::vector<CopyColumn>& columns,
                         const engine::RelationInfo* relation) {
  CopyOptions options;
  std::vector<std::string> seen;
  bool has_delimiter = false, has_null = false, has_quote = false, has_escape = false;
  bool has_force_quote = false, has_force_not_null = false, has_force_null = false;
  std::string delimiter, quote, escape;
  for (const auto& option : copy.options) {
    if (std::find(seen.begin(), seen.end(), option.name) != seen.end()) {
      throw PositionedError(SqlState::kSyntaxError, "conflicting or redundant options", option);
    }
    seen.push_back(option.name);
    if (option.name == "format") {
      if (option.value == "text") options.format = CopyFormat::kText;
      else if (option.value == "csv") options.format = CopyFormat::kCsv;
      else if (option.value == "binary") options.format = CopyFormat::kBinary;
      else throw PositionedError(SqlState::kInvalidParameterValue, "COPY format \"" + option.value + "\" not recognized", option);
    } else if (option.name == "freeze") {
      ParseBoolean(option);
    } else if (option.name == "delimiter") {
      has_delimiter = true;
      delimiter = option.value;
    } else if (option.name == "null") {
      has_null = true;
      options.null_string = option.value;
    } else if (option.name == "header") {
      options.header = ParseHeader(option, copy.is_from);
    } else if (option.name == "quote") {
      has_quote = true;
      quote = option.value;
    } else if (option.name == "escape") {
      has_escape = true;
      escape = option.value;
    } else if (option.name == "force_quote") {
      has_force_quote = true;
      options.force_quote = ColumnFlags(option, "FORCE_QUOTE", columns, relation);
    } else if (option.name == "force_not_null") {
      has_force_not_null = true;
      options.force_not_null = ColumnFlags(option, "FORCE_NOT_NULL", columns, relation);
    } else if (option.name == "force_null") {
      has_force_null = true;
      options.force_null = ColumnFlags(option, "FORCE_NULL", columns, relation);
    } else if (option.name == "encoding") {
      std::string name = option.value;
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (name != "utf8" && name != "utf-8" && name != "unicode" && name != "sql_ascii") {
        throw OptionError(SqlState::kFeatureNotSupported, "COPY ENCODING other than UTF8 is not supported yet");
      }
    } else {
      throw PositionedError(SqlState::kSyntaxError, "option \"" + option.name + "\" not recognized", option);
    }
  }
  const bool csv = options.format == CopyFormat::kCsv;
  const bool binary = options.format == CopyFormat::kBinary;
  if (binary && has_delimiter) throw OptionError(SqlState::kSyntaxError, "cannot specify DELIMITER in BINARY mode");
  if (binary && has_null) throw OptionError(SqlState::kSyntaxError, "cannot specify NULL in BINARY mode");
  if (!has_delimiter) delimiter = csv ? "," : "\t";
  if (!has_null) options.null_string = csv ? "" : "\\N";
  if (delimiter.size() != 1) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY delimiter must be a single one-byte character");
  }
  options.delimiter = delimiter[0];
  if (options.delimiter == '\r' || options.delimiter == '\n') {
    throw OptionError(SqlState::kInvalidParameterValue, "COPY delimiter cannot be newline or carriage return");
  }
  if (options.null_string.find_first_of("\r\n") != std::string::npos) {
    throw OptionError(SqlState::kInvalidParameterValue,
                      "COPY null representation cannot use newline or carriage return");
  }
  if (!csv && std::string_view("\\.abcdefghijklmnopqrstuvwxyz0123456789").find(options.delimiter) != std::string_view::npos) {
    throw OptionError(SqlState::kInvalidParameterValue, "COPY delimiter cannot be \"" + delimiter + "\"");
  }
  if (binary && options.header != CopyHeader::kNone) {
    throw OptionError(SqlState::kFeatureNotSupported, "cannot specify HEADER in BINARY mode");
  }
  if (!csv && has_quote) throw OptionError(SqlState::kFeatureNotSupported, "COPY quote available only in CSV mode");
  if (!has_quote) quote = "\"";
  if (csv && quote.size() != 1) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY quote must be a single one-byte character");
  }
  if (csv && options.delimiter == quote[0]) {
    throw OptionError(SqlState::kInvalidParameterValue, "COPY delimiter and quote must be different");
  }
  if (!csv && has_escape) throw OptionError(SqlState::kFeatureNotSupported, "COPY escape available only in CSV mode");
  if (!has_escape) escape = quote;
  if (csv && escape.size() != 1) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY escape must be a single one-byte character");
  }
  options.quote = quote.empty() ? '"' : quote[0];
  options.escape = escape.empty() ? options.quote : escape[0];
  if (!csv && has_force_quote) throw OptionError(SqlState::kFeatureNotSupported, "COPY force quote available only in CSV mode");
  if (has_force_quote && copy.is_from) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY force quote only available using COPY TO");
  }
  if (!csv && has_force_not_null) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY force not null available only in CSV mode");
  }
  if (has_force_not_null && !copy.is_from) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY force not null only available using COPY FROM");
  }
  if (!csv && has_force_null) throw OptionError(SqlState::kFeatureNotSupported, "COPY force null available only in CSV mode");
  if (has_force_null && !copy.is_from) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY force null only available using COPY FROM");
  }
  if (!binary && options.null_string.find(options.delimiter) != std::string::npos) {
    throw OptionError(SqlState::kFeatureNotSupported, "COPY delimiter must not appear in the NULL specification");
  }
  if (csv && options.null_string.find(options.quote) != std::string::npos) {
    throw OptionError(SqlState::kFeatureNotSupported, "CSV quote character must not appear in the NULL specification");
  }
  return options;
}

// The table's columns named by the COPY column list (all columns when it is empty), as column numbers.
std::vector<int> TargetColumns(const engine::RelationInfo& relation, const std::vector<std::string>& names) {
  std::vector<int> targets;
  if (names.empty()) {
    for (size_t column = 0; column < relation.columns.size(); ++column) targets.push_back(static_cast<int>(column));
    return targets;
  }
  for (const auto& name : names) {
    const int column = relation.FindColumn(name);
    if (column < 0) {
      throw SqlError(SqlState::kUndefinedColumn,
                     "column \"" + name + "\" of relation \"" + relation.name + "\" does not exist");
    }
    if (std::find(targets.begin(), targets.end(), column) != targets.end()) {
      throw SqlError(SqlState::kDuplicateColumn, "column \"" + name + "\" specified more than once");
    }
    targets.push_back(column);
  }
  return targets;
}

void CheckServerFile(const ast::CopyStatement& copy) {
  if (copy.filename.empty()) return;
  // Tessera has no roles that could be granted server file access (it reports every user as superuser),
  // so reading or writing files on the server host at a client's request is refused outright.
  throw SqlError(SqlState::kFeatureNotSupported,
                 std::string("COPY ") + (copy.is_from ? "FROM" : "TO") + " a server file is not supported")
      .WithHint(std::string("Use COPY ... ") + (copy.is_from ? "FROM STDIN" : "TO STDOUT") +
                " instead; psql's \\copy command does that.");
}

}  // namespace

std::string LimitPrintout(std::string_view text) {
  constexpr size_t kMaxDisplay = 100;
  if (text.size() <= kMaxDisplay) return std::string(text);
  size_t length = kMaxDisplay;
  while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;
  return std::string(text.substr(0, length)) + "...";
}

std::string CopyLineContext(const std::string& relation, int64_t line, const std::string* line_text) {
  std::string context = "COPY " + relation + ", line " + std::to_string(line);
  if (line_text != nullptr) context += ": \"" + LimitPrintout(*line_text) + "\"";
  return context;
}

void BindCopy(Binder& binder, const ast::CopyStatement& copy, BoundStatement& bound) {
  CheckServerFile(copy);
  auto spec = std::make_shared<CopySpec>();
  spec->from = copy.is_from;
  bound.tag = "COPY";
  if (copy.query) {
    BoundQuery query = binder.BindQuery(*copy.query, nullptr);
    for (size_t column = 0; column < query.names.size(); ++column) {
      spec->columns.push_back(CopyColumn{query.names[column], query.plan->output_types[column]});
    }
    spec->options = ParseOptions(copy, spec->columns, nullptr);
    bound.plan = query.plan;
    bound.copy = spec;
    return;
  }
  engine::RelationPtr relation =
      binder.ResolveRelation(copy.table, false, copy.is_from ? Binder::Use::kInsert : Binder::Use::kRead);
  if (relation->kind != engine::RelationKind::kTable) {
    const std::string what = relation->kind == engine::RelationKind::kView ? "view" : "sequence";
    if (copy.is_from) {
      ErrorInfo error{SqlState::kWrongObjectType, "cannot copy to " + what + " \"" + relation->name + "\"", {}, {}, 0, {}};
      if (relation->kind == engine::RelationKind::kView) {
        error.hint = "To enable copying to a view, provide an INSTEAD OF INSERT trigger.";
      }
      spec->relation_name = relation->name;
      spec->error_after_start = std::move(error);
      bound.copy = spec;
      return;
    }
    throw SqlError(SqlState::kWrongObjectType, "cannot copy from " + what + " \"" + relation->name + "\"")
        .WithHint("Try the COPY (SELECT ...) TO variant.");
  }
  spec->relation_name = relation->name;
  std::vector<int> targets = TargetColumns(*relation, copy.columns);
  for (int column : targets) spec->columns.push_back(CopyColumn{relation->columns[column].name, relation->columns[column].type});
  spec->options = ParseOptions(copy, spec->columns, relation.get());
  bound.copy = spec;
  if (!copy.is_from) {
    auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
    scan->relation = relation;
    for (int column : targets) {
      scan->column_ids.push_back(column);
      scan->output_types.push_back(relation->columns[column].type);
      scan->output_names.push_back(relation->columns[column].name);
    }
    bound.plan = scan;
    return;
  }
  // COPY FROM: the rows of each Insert() call come from `copy_source` through a virtual table.
  bound.copy_source = std::make_shared<std::vector<Batch>>();
  auto source = std::make_shared<PlanNode>(PlanKind::kVirtualTable);
  source->virtual_table = [slot = bound.copy_source](engine::ExecContext&) {
    std::vector<Batch> batches = std::move(*slot);
    slot->clear();
    return batches;
  };
  source->virtual_table_name = "COPY";
  for (const auto& column : spec->columns) {
    source->output_types.push_back(column.type);
    source->output_names.push_back(column.name);
  }
  bound.plan = binder.InsertPlan(relation, targets, source);
}

namespace {

class TableCopyInserter : public CopyInserter {
 public:
  TableCopyInserter(std::shared_ptr<BoundStatement> bound, std::unique_ptr<engine::ExecContext> context)
      : bound_(std::move(bound)), context_(std::move(context)) {}

  void Insert(CopyRows& rows) override {
    context_->CheckCancel();
    // One batch in flight at a time: memory stays bounded and an earlier batch's error comes first.
    pending_.Wait();
    if (!pipelined_) {
      InsertRows(rows);
      return;
    }
    auto batch = std::make_shared<CopyRows>(std::move(rows));
    pending_.Start(context_->database->pool(), [this, batch] { InsertRows(*batch); });
  }

  void Finish() override {
    pending_.Wait();
    if (writer_) rows_inserted_ += writer_->Commit();
  }

  void Abandon() override {
    try {
      pending_.Wait();
    } catch (...) {
      writer_.reset();
      throw;
    }
    writer_.reset();
  }

  int64_t rows_inserted() const override { return rows_inserted_; }

 private:
  const CopySpec& spec() const { return *bound_->copy; }

  void InsertRows(CopyRows& rows) {
    ConvertColumns(rows);
    try {
      InsertBatch(rows.rows);
      LogAheadWhenLarge();
    } catch (const SqlError&) {
      // A worker's error aborted its transaction: no row could be retried there.
      if (writer_) throw;
      // The failed batch wrote nothing; find the row that fails and name its line.
      for (idx_t row = 0; row < rows.rows.num_rows; ++row) {
        Batch single;
        for (const Vector& column : rows.rows.columns) {
          sel_t selection = static_cast<sel_t>(row);
          single.columns.push_back(column.Gather(&selection, 1));
        }
        single.num_rows = 1;
        try {
          InsertBatch(single);
        } catch (SqlError& error) {
          const bool show_line = error.info().state != SqlState::kUniqueViolation && rows.has_line_texts();
          throw WithContext(std::move(error), rows, row, show_line);
        }
      }
      throw;
    }
  }

  SqlError WithContext(SqlError error, const CopyRows& rows, idx_t row, bool show_line) const {
    if (!error.info().context.empty()) return error;
    const std::string text(show_line ? rows.line_text(row) : std::string_view());
    return std::move(error).WithContext(CopyLineContext(spec().relation_name, rows.lines[row], show_line ? &text : nullptr));
  }

  // Text fields (kUnknown columns) become the column's type, binary fields get its typmod (length,
  // precision): the whole column at once, and value by value only to find the field an error comes from.
  void ConvertColumns(CopyRows& rows) {
    for (size_t index = 0; index < rows.rows.columns.size(); ++index) {
      Vector& column = rows.rows.columns[index];
      const LogicalType& type = spec().columns[index].type;
      if (column.type() == type) continue;
      Vector converted;
      try {
        engine::CastVector(column, type, converted, *context_, false);
      } catch (const SqlError&) {
        ConvertValueByValue(rows, index);
        throw;
      }
      column = std::move(converted);
    }
  }

  void ConvertValueByValue(const CopyRows& rows, size_t index) {
    const Vector& column = rows.rows.columns[index];
    const CopyColumn& target = spec().columns[index];
    for (idx_t row = 0; row < rows.rows.num_rows; ++row) {
      if (column.IsNull(row)) continue;
      try {
        engine::CastValue(column.GetValue(row), target.type, *context_, false);
      } catch (SqlError& error) {
        if (!error.info().context.empty()) throw;
        std::string context =
            "COPY " + spec().relation_name + ", line " + std::to_string(rows.lines[row]) + ", column " + target.name;
        // Text input shows the field; binary data cannot usefully be shown.
        if (column.type().id == TypeId::kUnknown) context += ": \"" + LimitPrintout(column.GetString(row)) + "\"";
        throw std::move(error).WithContext(std::move(context));
      }
    }
  }

  // A large load's rows go to the WAL while it runs, each time a few MiB of them are encoded, instead of
  // all at its commit (Durability::LogAhead).
  void LogAheadWhenLarge() {
    engine::Durability* durability = context_->database->durability();
    storage::Transaction* txn = context_->transaction;
    if (durability == nullptr || txn == nullptr || txn->encoded_bytes() < kLogAheadBytes) return;
    durability->LogAhead(*txn).ThrowIfError();
  }

  void InsertBatch(Batch rows) {
    bound_->copy_source->clear();
    bound_->copy_source->push_back(std::move(rows));
    const engine::RelationInfo& relation = *bound_->plan->relation;
    if (!relation.placement.empty()) {
      // A distributed table: the insert's input (the rows with their defaults) goes to the workers, all
      // batches in one transaction there, committed by Finish().
      if (!writer_) writer_ = std::make_unique<engine::DistributedWriter>(relation, *context_);
      auto input = engine::CreateOperator(*bound_->plan->children[0], *context_);
      Batch batch;
      while (input->Next(&batch)) writer_->Write(batch);
      return;
    }
    auto insert = engine::CreateOperator(*bound_->plan, *context_);
    Batch ignored;
    while (insert->Next(&ignored)) {
    }
    rows_inserted_ += insert->rows_affected();
  }

  std::shared_ptr<BoundStatement> bound_;
  std::unique_ptr<engine::ExecContext> context_;
  std::unique_ptr<engine::DistributedWriter> writer_;  // a distributed table's (docs/CLUSTER.md)
  int64_t rows_inserted_ = 0;
  // Overlapping parse and insert needs a second core; on one it would only add thread switches.
  const bool pipelined_ = std::thread::hardware_concurrency() > 1 && context_->database->pool().size() > 0;
  engine::BackgroundTask pending_;  // the batch being converted and inserted; declared last, waited first
};

}  // namespace

std::unique_ptr<CopyInserter> MakeCopyInserter(std::shared_ptr<BoundStatement> bound,
                                               std::unique_ptr<engine::ExecContext> context) {
  return std::make_unique<TableCopyInserter>(std::move(bound), std::move(context));
}

}  // namespace tessera::planner
