// SPDX-License-Identifier: Apache-2.0
// Connection: frame dispatch, the startup handshake, simple query, Sync, error reporting and output.
#include "protocol/connection.h"

#include <cstdio>
#include <new>
#include <utility>

#include <fmt/format.h>

#include "base/memory_tracker.h"
#include "planner/session.h"
#include "protocol/overloaded.h"
#include "protocol/portal.h"
#include "base/utf8.h"

namespace tessera::protocol {

namespace {

// PostgreSQL raises class-01 conditions and the transaction-state complaints of class 25 ("there is no
// transaction in progress", "SET LOCAL can only be used in transaction blocks") as WARNING, everything
// else a session reports as NOTICE.
const char* NoticeSeverity(const ErrorInfo& info) {
  const std::string_view state_class = SqlStateCode(info.state).substr(0, 2);
  return state_class == "01" || state_class == "25" ? "WARNING" : "NOTICE";
}

ErrorInfo MakeError(SqlState state, std::string message) {
  ErrorInfo info;
  info.state = state;
  info.message = std::move(message);
  return info;
}

ErrorInfo UnsupportedProtocol(int32_t version) {
  auto code = static_cast<uint32_t>(version);
  return MakeError(SqlState::kFeatureNotSupported,
                   fmt::format("unsupported frontend protocol {}.{}: server supports 3.0 to 3.0", code >> 16,
                               code & 0xffff));
}

}  // namespace

Connection::Connection(engine::Database& database, CancelRegistry& cancel_registry, MessageSink& sink,
                       const AuthConfig& auth)
    : database_(database), cancel_registry_(cancel_registry), sink_(sink), auth_(auth) {}

Connection::~Connection() {
  if (backend_key_) cancel_registry_.Unregister(*backend_key_);
  copy_in_.reset();
  portals_.clear();
  statements_.clear();
  std::unique_ptr<planner::Session> session;
  {
    std::lock_guard lock(session_mutex_);
    session = std::move(session_);
  }
}

bool Connection::HandleFrame(const Frame& frame) {
  FrontendMessage message;
  try {
    message = ParseFrame(frame);
  } catch (const SqlError& error) {
    WriteFatal(error.info());
    Flush();
    return false;
  }
  bool keep_open = session_  ? HandleMessage(message)
                   : login_ ? HandleAuthenticationMessage(frame.type, message)
                            : HandleStartupPacket(message);
  if (!keep_open || client_gone_ || closing_) {
    Flush();
    return false;
  }
  return true;
}

void Connection::HandleFramingError(const SqlError& error) {
  WriteFatal(error.info());
  Flush();
}

void Connection::SendAdminShutdown() {
  if (!closing_) {
    WriteError(MakeError(SqlState::kAdminShutdown, "terminating connection due to administrator command"), "FATAL");
    closing_ = true;
  }
  Flush();
}

void Connection::Flush() {
  if (client_gone_) output_.clear();
  if (output_.empty()) return;
  std::string bytes;
  bytes.swap(output_);
  if (!sink_.Send(std::move(bytes))) client_gone_ = true;
}

void Connection::RequestCancel() {
  std::lock_guard lock(session_mutex_);
  if (session_) session_->RequestCancel();
}

void Connection::RequestTermination() {
  terminating_.store(true);
  RequestCancel();
}

// ---- Startup ----

bool Connection::HandleStartupPacket(const FrontendMessage& message) {
  if (const auto* startup = std::get_if<StartupMessage>(&message)) return StartSession(*startup);
  if (std::holds_alternative<SslRequest>(message) || std::holds_alternative<GssEncRequest>(message)) {
    // Tessera speaks neither SSL nor GSSAPI encryption: answer 'N' and wait for the next packet. A
    // second request of the same kind is read as an unknown protocol version, as PostgreSQL does.
    bool ssl = std::holds_alternative<SslRequest>(message);
    bool& answered = ssl ? ssl_answered_ : gss_answered_;
    if (answered) {
      WriteFatal(UnsupportedProtocol(ssl ? kSslRequestCode : kGssEncRequestCode));
      return false;
    }
    answered = true;
    output_.push_back('N');
    Flush();
    return true;
  }
  if (const auto* cancel = std::get_if<CancelRequest>(&message)) {
    cancel_registry_.Cancel(BackendKey{cancel->process_id, cancel->secret_key});
    return false;  // PostgreSQL closes a cancel connection without a reply
  }
  WriteFatal(MakeError(SqlState::kProtocolViolation, "expected a startup packet"));
  return false;
}

bool Connection::StartSession(const StartupMessage& startup) {
  auto version = static_cast<uint32_t>(startup.protocol_version);
  if (version >> 16 != 3) {
    WriteFatal(UnsupportedProtocol(startup.protocol_version));
    return false;
  }
  std::map<std::string, std::string> options;
  std::vector<std::string> unrecognized_options;
  for (const auto& [name, value] : startup.parameters) {
    if (name.rfind("_pq_.", 0) == 0) {
      unrecognized_options.push_back(name);
    } else {
      options[name] = value;
    }
  }
  if (options["user"].empty()) {
    WriteFatal(MakeError(SqlState::kInvalidAuthorizationSpecification,
                         "no PostgreSQL user name specified in startup packet"));
    return false;
  }
  if (options["database"].empty()) options["database"] = options["user"];
  if (startup_refusal_) {
    WriteFatal(*startup_refusal_);
    return false;
  }
  if ((version & 0xffff) > 0 || !unrecognized_options.empty()) {
    Write(NegotiateProtocolVersion{0, unrecognized_options});
  }
  if (auth_.RequiresPassword(options["user"])) {
    StartAuthentication(std::move(options));
    return true;
  }
  return OpenSession(std::move(options));
}

bool Connection::OpenSession(std::map<std::string, std::string> options) {
  try {
    auto session = std::make_unique<planner::Session>(database_, std::move(options));
    {
      std::lock_guard lock(session_mutex_);
      session_ = std::move(session);
    }
    backend_key_ = cancel_registry_.Register(session_.get());
    Write(AuthenticationOk{});
    for (const auto& [name, value] : session_->ReportedParameters()) Write(ParameterStatus{name, value});
    session_->TakeChangedParameters();  // the values just reported are current
    Write(BackendKeyData{backend_key_->process_id, backend_key_->secret_key});
    WriteNotices();
    WriteReadyForQuery();
  } catch (const SqlError& error) {
    WriteFatal(error.info());
    return false;
  } catch (const std::exception& error) {
    WriteFatal(MakeError(SqlState::kInternalError, error.what()));
    return false;
  }
  Flush();
  return true;
}

// ---- Ready state ----

bool Connection::HandleMessage(FrontendMessage& message) {
  if (copy_in_) return HandleCopyInMessage(message);
  bool ends_skipping =
      std::holds_alternative<SyncMessage>(message) || std::holds_alternative<TerminateMessage>(message);
  if (skip_until_sync_ && !ends_skipping) return true;
  auto extended = [this](auto&& handler) {
    if (!RunGuarded(handler)) skip_until_sync_ = true;
  };
  return std::visit(
      Overloaded{
          [&](QueryMessage& query) {
            HandleQuery(query);
            return true;
          },
          [&](ParseMessage& parse) {
            extended([&] { HandleParse(parse); });
            return true;
          },
          [&](BindMessage& bind) {
            extended([&] { HandleBind(bind); });
            return true;
          },
          [&](DescribeMessage& describe) {
            extended([&] { HandleDescribe(describe); });
            return true;
          },
          [&](ExecuteMessage& execute) {
            extended([&] { HandleExecute(execute); });
            return true;
          },
          [&](CloseMessage& close) {
            extended([&] { HandleClose(close); });
            return true;
          },
          [&](SyncMessage&) {
            HandleSync();
            return true;
          },
          [&](FlushMessage&) {
            Flush();
            return true;
          },
          [&](TerminateMessage&) { return false; },
          // CopyData/CopyDone/CopyFail outside COPY are ignored, as PostgreSQL does: they are most likely
          // the rest of a COPY stream that failed.
          [&](CopyDataMessage&) { return true; },
          [&](CopyDoneMessage&) { return true; },
          [&](CopyFailMessage&) { return true; },
          [&](FunctionCallMessage&) {
            WriteError(MakeError(SqlState::kFeatureNotSupported, "fast-path function calls are not supported"),
                       "ERROR");
            WriteReadyForQuery();
            Flush();
            return true;
          },
          [&](PasswordMessage&) {  // only valid during authentication, as in PostgreSQL
            WriteFatal(MakeError(SqlState::kProtocolViolation, "invalid frontend message type 112"));
            return false;
          },
          [&](auto&) {  // a startup-phase packet cannot follow the StartupMessage
            WriteFatal(MakeError(SqlState::kProtocolViolation, "unexpected startup packet"));
            return false;
          },
      },
      message);
}

void Connection::HandleQuery(const QueryMessage& query) {
  // A simple Query drops the unnamed statement and portal, runs each statement in turn and stops at the
  // first error; one ReadyForQuery ends it.
  statements_.erase("");
  portals_.erase("");
  pending_statements_.clear();
  RunGuarded([&] {
    ValidateUtf8(query.sql);
    std::vector<std::string> texts = session_->Split(query.sql);
    if (texts.empty()) Write(EmptyQueryResponse{});
    pending_statements_.assign(texts.begin(), texts.end());
  });
  RunPendingStatements();
}

void Connection::RunPendingStatements() {
  RunGuarded([&] {
    while (!pending_statements_.empty() && !client_gone_ && !copy_in_) {
      std::string text = std::move(pending_statements_.front());
      pending_statements_.pop_front();
      RunSimpleStatement(text);
    }
  });
  if (copy_in_) {
    Flush();
    return;
  }
  pending_statements_.clear();
  if (client_gone_ || closing_) return;
  RunGuarded([&] { session_->Sync(); });
  WriteNotices();
  WriteReadyForQuery();
  Flush();
}

void Connection::RunSimpleStatement(const std::string& sql) {
  session_->ClearCancel();
  std::unique_ptr<planner::PreparedStatement> statement = session_->Prepare(sql);
  if (statement->is_empty()) {
    Write(EmptyQueryResponse{});
    return;
  }
  if (statement->copy() != nullptr && statement->copy()->from) {
    StartCopyIn(std::move(statement), false);
    return;
  }
  RowSource source;
  source.cursor = session_->Execute(*statement);
  WriteNotices();
  if (statement->copy() != nullptr) {
    RunCopyOut(*statement, source);
    return;
  }
  std::vector<int16_t> formats(statement->result_columns().size(), 0);
  if (statement->returns_rows()) WriteRowDescription(statement->result_columns(), formats);
  int64_t rows_sent = 0;
  SendRows(source, formats, 0, &rows_sent);
  if (client_gone_) return;
  std::string tag = source.cursor->CommandTag();
  WriteNotices();
  Write(CommandComplete{std::move(tag)});
}

void Connection::HandleSync() {
  // Portals live until their transaction ends: an implicit transaction ends here.
  skip_until_sync_ = false;
  if (closing_) return;
  if (session_->TransactionStatus() == 'I') portals_.clear();
  RunGuarded([&] { session_->Sync(); });
  if (session_->TransactionStatus() == 'I') portals_.clear();
  WriteNotices();
  WriteReadyForQuery();
  Flush();
}

// ---- Errors and output ----

bool Connection::RunGuarded(const std::function<void()>& body) {
  ErrorInfo error;
  try {
    body();
    return true;
  } catch (const SqlError& sql_error) {
    error = sql_error.info();
  } catch (const memory::MemoryLimitExceeded& exceeded) {
    error = MakeError(SqlState::kOutOfMemory, "out of memory");
    if (exceeded.request_size() > 0) error.detail = fmt::format("Failed on request of size {}.", exceeded.request_size());
  } catch (const std::bad_alloc&) {
    error = MakeError(SqlState::kOutOfMemory, "out of memory");
  } catch (const std::exception& exception) {
    error = MakeError(SqlState::kInternalError, exception.what());
    fmt::print(stderr, "tessera: internal error: {}\n", exception.what());
  } catch (...) {
    error = MakeError(SqlState::kInternalError, "unknown internal error");
    fmt::print(stderr, "tessera: internal error: unknown exception\n");
  }
  try {
    session_->HandleError();
  } catch (...) {
    // The statement's error is the one the client needs to see.
  }
  if (error.state == SqlState::kOutOfMemory) memory::ReleaseFreeMemory();
  WriteNotices();
  if (terminating_.load() && error.state == SqlState::kQueryCanceled) {
    // The statement was stopped by server shutdown, not by the client.
    WriteError(MakeError(SqlState::kAdminShutdown, "terminating connection due to administrator command"), "FATAL");
    closing_ = true;
    return false;
  }
  WriteError(error, "ERROR");
  return false;
}

void Connection::WriteError(const ErrorInfo& info, const char* severity) {
  Write(ErrorResponse{ErrorFields::FromInfo(info, severity)});
}

void Connection::WriteFatal(const ErrorInfo& info) {
  WriteError(info, "FATAL");
  closing_ = true;
  fatal_error_ = fmt::format("{}: {}", SqlStateCode(info.state), info.message);
}

void Connection::WriteNotices() {
  if (!session_) return;
  try {
    for (const ErrorInfo& notice : session_->TakeNotices()) {
      Write(NoticeResponse{ErrorFields::FromInfo(notice, NoticeSeverity(notice))});
    }
  } catch (...) {
    // Notices are advisory; losing them must not lose the connection.
  }
}

void Connection::WriteReadyForQuery() {
  // PostgreSQL 15 reports changed GUC_REPORT settings just before ReadyForQuery.
  try {
    for (const auto& [name, value] : session_->TakeChangedParameters()) Write(ParameterStatus{name, value});
  } catch (...) {
  }
  Write(ReadyForQuery{session_->TransactionStatus()});
}

}  // namespace tessera::protocol
