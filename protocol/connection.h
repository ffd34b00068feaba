// SPDX-License-Identifier: Apache-2.0
// Connection: the PostgreSQL v3 protocol state machine for one client (startup, simple query, extended
// query, errors and Sync), driving one planner::Session. Frames in, backend bytes out; no sockets.
//
// Design. The server cuts the byte stream into frames (FrameReader) and hands them to HandleFrame() in
// arrival order, from one thread at a time (a statement-pool thread; the thread may change between calls).
// Output accumulates in a buffer and goes to the MessageSink at ReadyForQuery, Flush, when the buffer
// passes 64 KiB, and when the server calls Flush() after a burst of frames. Tests drive the same object
// with a string-backed sink and assert exact bytes.
//
// States: startup (SSLRequest/GSSENCRequest answered 'N'; StartupMessage creates the Session and sends
// AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery) → ready. When the AuthConfig asks
// for a password, the StartupMessage is answered with AuthenticationSASL instead and the connection
// authenticates (sasl_protocol.cc) before the Session is created. In ready, an error in an
// extended-query message sends ErrorResponse and ignores everything but Sync and Terminate until Sync,
// as PostgreSQL does. A malformed message or a startup failure sends a FATAL ErrorResponse and asks the
// caller to close. COPY ... FROM STDIN puts the connection in copy-in mode (copy_protocol.cc) until
// CopyDone, CopyFail or an error; a simple Query's remaining statements wait in pending_statements_.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "protocol/auth_config.h"
#include "protocol/backend_messages.h"
#include "protocol/cancel_registry.h"
#include "protocol/copy_format.h"
#include "protocol/frontend_messages.h"
#include "protocol/scram_exchange.h"

namespace tessera::engine {
class Database;
}
namespace tessera::planner {
class Cursor;
class PreparedStatement;
class Session;
struct ResultColumn;
}  // namespace tessera::planner

namespace tessera::protocol {

// Where a Connection's output goes.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Takes whole backend messages, in order. May block for flow control. Returns false when the client
  // is gone; the connection then stops producing output and asks to be closed.
  virtual bool Send(std::string bytes) = 0;
};

class Connection {
 public:
  // `database`, `cancel_registry`, `sink` and `auth` must outlive the Connection.
  Connection(engine::Database& database, CancelRegistry& cancel_registry, MessageSink& sink,
             const AuthConfig& auth = DefaultAuthConfig());
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Handles one frame. Returns false when the connection must be closed (Terminate, a FATAL error, a
  // CancelRequest, or the sink reported the client gone); pending output has then been flushed.
  // Never throws for anything the client sends.
  bool HandleFrame(const Frame& frame);
  // Reports a framing error found by FrameReader: sends it as FATAL. The connection must then close.
  void HandleFramingError(const SqlError& error);
  // Sends FATAL 57P01 "terminating connection due to administrator command" (server shutdown).
  void SendAdminShutdown();
  // Hands buffered output to the sink.
  void Flush();

  // Makes the StartupMessage fail with `error` as FATAL (e.g. 53300 when the server is full); SSL/GSS
  // negotiation and CancelRequests still work. Call before the first frame.
  void RefuseStartup(ErrorInfo error) { startup_refusal_ = std::move(error); }

  // Asks the running statement, if any, to stop with 57014. Any thread.
  void RequestCancel();
  // Server shutdown: stops the running statement; it then ends with FATAL 57P01 instead of 57014, as a
  // PostgreSQL backend terminated by the postmaster does. Any thread.
  void RequestTermination();

  // The message of the FATAL error that ended the connection, empty otherwise (for the server's log).
  const std::string& fatal_error() const { return fatal_error_; }
  // Set once the StartupMessage has been accepted.
  const std::optional<BackendKey>& backend_key() const { return backend_key_; }

 private:
  struct Portal;
  // Rows of a running statement: its cursor plus the batch being sent and the next row in it.
  struct RowSource {
    std::unique_ptr<planner::Cursor> cursor;
    Batch batch;
    idx_t next_row = 0;
  };

  // A StartupMessage whose user still has to authenticate.
  struct PendingLogin {
    std::map<std::string, std::string> options;  // for the Session, once authenticated
    ScramExchange exchange;
    bool mechanism_chosen = false;  // the SASLInitialResponse has arrived
  };

  // A COPY FROM STDIN waiting for CopyData.
  struct CopyIn {
    std::shared_ptr<planner::PreparedStatement> statement;
    std::unique_ptr<planner::CopyInserter> inserter;
    std::unique_ptr<CopyInParser> parser;
    bool extended = false;  // started by Execute (errors then skip until Sync)
  };

  // connection.cc: dispatch, startup, simple query, Sync, errors and output.
  bool HandleStartupPacket(const FrontendMessage& message);
  bool StartSession(const StartupMessage& startup);
  // Creates the Session and sends AuthenticationOk through ReadyForQuery.
  bool OpenSession(std::map<std::string, std::string> options);
  bool HandleMessage(FrontendMessage& message);
  void HandleQuery(const QueryMessage& query);
  // Runs pending_statements_ in turn until one fails or starts COPY FROM STDIN; then, unless COPY waits
  // for data, ends the Query with Sync and ReadyForQuery.
  void RunPendingStatements();
  void RunSimpleStatement(const std::string& sql);
  void HandleSync();
  // Runs `body`; on any exception sends ErrorResponse, tells the session, and returns false.
  bool RunGuarded(const std::function<void()>& body);
  void WriteError(const ErrorInfo& info, const char* severity);
  void WriteFatal(const ErrorInfo& info);
  void WriteNotices();
  void WriteReadyForQuery();
  void Write(const BackendMessage& message) { EncodeBackendMessage(message, &output_); }

  // sasl_protocol.cc: password authentication.
  // Sends AuthenticationSASL and waits for the client's SASL messages.
  void StartAuthentication(std::map<std::string, std::string> options);
  // Handles a frame of type `type` during authentication; opens the session once it succeeds.
  bool HandleAuthenticationMessage(char type, const FrontendMessage& message);

  // extended_query.cc: Parse, Bind, Describe, Execute, Close.
  void HandleParse(const ParseMessage& parse);
  void HandleBind(BindMessage& bind);
  void HandleDescribe(const DescribeMessage& describe);
  void HandleExecute(const ExecuteMessage& execute);
  void HandleClose(const CloseMessage& close);
  const std::shared_ptr<planner::PreparedStatement>& FindStatement(const std::string& name) const;
  Portal& FindPortal(const std::string& name);
  std::vector<Value> DecodeParameters(const planner::PreparedStatement& statement, BindMessage& bind);

  // copy_protocol.cc: the COPY sub-protocols.
  // Sends CopyInResponse; the statement goes on with CopyData messages (HandleCopyInMessage).
  void StartCopyIn(std::shared_ptr<planner::PreparedStatement> statement, bool extended);
  // Sends CopyOutResponse, the rows as CopyData, CopyDone and CommandComplete.
  void RunCopyOut(planner::PreparedStatement& statement, RowSource& source);
  // Handles a message in copy-in mode (CopyData, CopyDone, CopyFail; Sync and Flush are ignored there).
  // Returns false when the connection must close.
  bool HandleCopyInMessage(FrontendMessage& message);
  // RunGuarded for a step of copy-in mode: when `step` fails, first waits for the batch the inserter
  // still has in flight (whose error, from an earlier line, then wins).
  bool RunCopyStep(const std::function<void()>& step);
  // Leaves copy-in mode after CopyDone (`succeeded`) or an error, and continues the Query or portal.
  void EndCopyIn(bool succeeded);

  // result_writer.cc: RowDescription and DataRows.
  void WriteRowDescription(const std::vector<planner::ResultColumn>& columns, const std::vector<int16_t>& formats);
  // Sends rows until the cursor ends (returns true) or `max_rows` (> 0) rows were sent (returns false).
  bool SendRows(RowSource& source, const std::vector<int16_t>& formats, int64_t max_rows, int64_t* rows_sent);
  void WriteDataRows(const Batch& batch, idx_t begin, idx_t end, const std::vector<int16_t>& formats);

  engine::Database& database_;
  CancelRegistry& cancel_registry_;
  MessageSink& sink_;
  const AuthConfig& auth_;

  std::string output_;
  bool client_gone_ = false;
  bool closing_ = false;  // a FATAL error was written: nothing more may follow it
  std::atomic<bool> terminating_{false};
  std::string fatal_error_;
  bool ssl_answered_ = false;
  bool gss_answered_ = false;
  bool skip_until_sync_ = false;
  std::optional<BackendKey> backend_key_;
  std::optional<ErrorInfo> startup_refusal_;
  std::optional<PendingLogin> login_;
  // Simple Query: the statements not yet run (kept while a COPY FROM STDIN reads its data).
  std::deque<std::string> pending_statements_;
  std::unique_ptr<CopyIn> copy_in_;

  std::mutex session_mutex_;  // guards the session_ pointer (not the session) for RequestCancel()
  std::unique_ptr<planner::Session> session_;
  // Destroyed before session_: statements and portals refer to it.
  std::map<std::string, std::shared_ptr<planner::PreparedStatement>> statements_;  // "" = unnamed
  std::map<std::string, std::unique_ptr<Portal>> portals_;                        // "" = unnamed
};

}  // namespace tessera::protocol
