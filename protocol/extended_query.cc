// SPDX-License-Identifier: Apache-2.0
// Connection's extended-query messages: Parse, Bind, Describe, Execute and Close, with PostgreSQL 15's
// checks and error wording.
#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/types.h"
#include "base/utf8.h"
#include "planner/session.h"
#include "protocol/connection.h"
#include "protocol/portal.h"

namespace tessera::protocol {

namespace {

constexpr int16_t kTextFormat = 0;
constexpr int16_t kBinaryFormat = 1;

[[noreturn]] void ThrowProtocolViolation(std::string message) {
  throw SqlError(SqlState::kProtocolViolation, std::move(message));
}

void CheckFormatCode(int16_t format) {
  if (format != kTextFormat && format != kBinaryFormat) {
    ThrowProtocolViolation(fmt::format("unsupported format code: {}", format));
  }
}

// PostgreSQL refuses to describe row-returning statements inside a failed transaction block.
void CheckNotAborted(const planner::Session& session, const planner::PreparedStatement& statement) {
  if (session.TransactionStatus() == 'E' && statement.returns_rows()) {
    throw SqlError(SqlState::kInFailedSqlTransaction,
                   "current transaction is aborted, commands ignored until end of transaction block");
  }
}

// Expands Bind's result format codes (none = text, one = for all, else one per column).
std::vector<int16_t> ExpandResultFormats(const std::vector<int16_t>& formats, size_t column_count) {
  for (int16_t format : formats) CheckFormatCode(format);
  if (formats.empty()) return std::vector<int16_t>(column_count, kTextFormat);
  if (formats.size() == 1) return std::vector<int16_t>(column_count, formats[0]);
  if (formats.size() != column_count) {
    ThrowProtocolViolation(
        fmt::format("bind message has {} result formats but query has {} columns", formats.size(), column_count));
  }
  return formats;
}

}  // namespace

const std::shared_ptr<planner::PreparedStatement>& Connection::FindStatement(const std::string& name) const {
  auto found = statements_.find(name);
  if (found == statements_.end()) {
    throw SqlError(SqlState::kInvalidSqlStatementName,
                   name.empty() ? std::string("unnamed prepared statement does not exist")
                                : fmt::format("prepared statement \"{}\" does not exist", name));
  }
  return found->second;
}

Connection::Portal& Connection::FindPortal(const std::string& name) {
  auto found = portals_.find(name);
  if (found == portals_.end()) {
    throw SqlError(SqlState::kInvalidCursorName, fmt::format("portal \"{}\" does not exist", name));
  }
  return *found->second;
}

void Connection::HandleParse(const ParseMessage& parse) {
  // The unnamed statement is replaced even when the new one fails to parse.
  if (parse.statement_name.empty()) {
    statements_.erase("");
  } else if (statements_.count(parse.statement_name) > 0) {
    throw SqlError(SqlState::kDuplicatePreparedStatement,
                   fmt::format("prepared statement \"{}\" already exists", parse.statement_name));
  }
  ValidateUtf8(parse.sql);
  std::shared_ptr<planner::PreparedStatement> statement =
      session_->Prepare(parse.sql, parse.parameter_type_oids);
  statements_[parse.statement_name] = std::move(statement);
  Write(ParseComplete{});
}

std::vector<Value> Connection::DecodeParameters(const planner::PreparedStatement& statement, BindMessage& bind) {
  const std::vector<LogicalType>& types = statement.parameter_types();
  const std::vector<int16_t>& formats = bind.parameter_formats;
  std::vector<Value> values;
  values.reserve(bind.parameters.size());
  for (size_t index = 0; index < bind.parameters.size(); ++index) {
    LogicalType type = types[index].id == TypeId::kUnknown ? LogicalType(TypeId::kText) : types[index];
    std::optional<std::string>& parameter = bind.parameters[index];
    if (!parameter) {
      values.push_back(Value::Null(type));
      continue;
    }
    int16_t format = formats.empty() ? kTextFormat : formats.size() == 1 ? formats[0] : formats[index];
    CheckFormatCode(format);
    int parameter_number = static_cast<int>(index) + 1;
    try {
      if (format == kTextFormat) {
        ValidateUtf8(*parameter);
        values.push_back(session_->ParseParameterText(type, *parameter));
      } else {
        values.push_back(DecodeBinaryParameter(type, *parameter, parameter_number));
      }
    } catch (SqlError& error) {
      // As PostgreSQL's bind_param_error_callback (log_parameter_max_length_on_error = 0).
      ErrorInfo& info = error.mutable_info();
      if (info.context.empty()) {
        info.context = bind.portal_name.empty()
                           ? fmt::format("unnamed portal parameter ${}", parameter_number)
                           : fmt::format("portal \"{}\" parameter ${}", bind.portal_name, parameter_number);
      }
      throw;
    }
  }
  return values;
}

void Connection::HandleBind(BindMessage& bind) {
  std::shared_ptr<planner::PreparedStatement> statement = FindStatement(bind.statement_name);
  size_t parameter_count = bind.parameters.size();
  size_t format_count = bind.parameter_formats.size();
  if (format_count > 1 && format_count != parameter_count) {
    ThrowProtocolViolation(
        fmt::format("bind message has {} parameter formats but {} parameters", format_count, parameter_count));
  }
  if (parameter_count != statement->parameter_types().size()) {
    ThrowProtocolViolation(fmt::format("bind message supplies {} parameters, but prepared statement \"{}\" requires {}",
                                       parameter_count, bind.statement_name, statement->parameter_types().size()));
  }
  if (bind.portal_name.empty()) {
    portals_.erase("");
  } else if (portals_.count(bind.portal_name) > 0) {
    throw SqlError(SqlState::kDuplicateCursor, fmt::format("cursor \"{}\" already exists", bind.portal_name));
  }

  auto portal = std::make_unique<Portal>();
  portal->parameters = DecodeParameters(*statement, bind);
  portal->result_formats = ExpandResultFormats(bind.result_formats, statement->result_columns().size());
  portal->statement = std::move(statement);
  portals_[bind.portal_name] = std::move(portal);
  Write(BindComplete{});
}

void Connection::HandleDescribe(const DescribeMessage& describe) {
  if (describe.target == 'S') {
    const planner::PreparedStatement& statement = *FindStatement(describe.name);
    CheckNotAborted(*session_, statement);
    ParameterDescription parameters;
    for (const LogicalType& type : statement.parameter_types()) parameters.type_oids.push_back(TypeOid(type));
    Write(parameters);
    if (statement.returns_rows()) {
      // Result formats are not known before Bind: PostgreSQL reports text (0) here.
      WriteRowDescription(statement.result_columns(), std::vector<int16_t>(statement.result_columns().size(), 0));
    } else {
      Write(NoData{});
    }
  } else if (describe.target == 'P') {
    Portal& portal = FindPortal(describe.name);
    CheckNotAborted(*session_, *portal.statement);
    if (portal.statement->returns_rows()) {
      WriteRowDescription(portal.statement->result_columns(), portal.result_formats);
    } else {
      Write(NoData{});
    }
  } else {
    ThrowProtocolViolation(fmt::format("invalid DESCRIBE message subtype {}", static_cast<int>(describe.target)));
  }
}

void Connection::HandleExecute(const ExecuteMessage& execute) {
  Portal& portal = FindPortal(execute.portal_name);
  if (portal.statement->is_empty()) {
    Write(EmptyQueryResponse{});
    return;
  }
  if (portal.done) {
    // A finished SELECT portal yields no more rows; other finished portals cannot be run again.
    if (!portal.statement->returns_rows()) {
      throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                     fmt::format("portal \"{}\" cannot be run", execute.portal_name));
    }
    Write(CommandComplete{"SELECT 0"});
    return;
  }
  session_->ClearCancel();
  if (const planner::CopySpec* copy = portal.statement->copy()) {
    // COPY runs to completion whatever the row limit, as in PostgreSQL.
    portal.done = true;
    if (copy->from) {
      StartCopyIn(portal.statement, true);
      return;
    }
    RowSource source;
    source.cursor = session_->Execute(*portal.statement, std::move(portal.parameters));
    WriteNotices();
    RunCopyOut(*portal.statement, source);
    return;
  }
  int64_t rows_sent = 0;
  bool finished = false;
  try {
    if (!portal.rows.cursor) {
      portal.rows.cursor = session_->Execute(*portal.statement, std::move(portal.parameters));
    }
    WriteNotices();
    finished = SendRows(portal.rows, portal.result_formats, execute.max_rows > 0 ? execute.max_rows : 0, &rows_sent);
  } catch (...) {
    portal.done = true;
    portal.rows = RowSource();
    throw;
  }
  if (client_gone_) return;
  if (!finished) {
    Write(PortalSuspended{});
    return;
  }
  // PostgreSQL's SELECT tag counts the rows this Execute sent, not the portal's total.
  std::string tag = portal.rows.cursor->CommandTag();
  if (portal.statement->returns_rows() && tag.rfind("SELECT ", 0) == 0) tag = fmt::format("SELECT {}", rows_sent);
  portal.done = true;
  portal.rows = RowSource();
  WriteNotices();
  Write(CommandComplete{std::move(tag)});
}

void Connection::HandleClose(const CloseMessage& close) {
  // Closing what does not exist is not an error. Portals keep their statement alive, as in PostgreSQL.
  if (close.target == 'S') {
    statements_.erase(close.name);
  } else if (close.target == 'P') {
    portals_.erase(close.name);
  } else {
    ThrowProtocolViolation(fmt::format("invalid CLOSE message subtype {}", static_cast<int>(close.target)));
  }
  Write(CloseComplete{});
}

}  // namespace tessera::protocol
