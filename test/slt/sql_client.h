// SPDX-License-Identifier: Apache-2.0
// One client connection (libpqxx, simple query protocol) that runs a record's SQL with a time limit.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "test/slt/result_compare.h"

namespace tessera::slt {

enum class ExecStatus {
  kOk,
  kError,           // the server answered with an error: sqlstate and message are set
  kTimeout,         // the time limit passed; the query was cancelled
  kConnectionLost,  // the connection broke (server crash, or a cancel that the server ignored)
};

struct ExecResult {
  ExecStatus status = ExecStatus::kOk;
  std::string sqlstate;
  std::string message;  // the server's primary message, or what went wrong
  ResultSet result;     // rows of the last statement in the SQL text
};

// Thread safety: one thread uses a connection; the watchdog thread only cancels.
class SqlConnection {
 public:
  // Connects with libpq CONNINFO; throws std::runtime_error when the server cannot be reached.
  explicit SqlConnection(const std::string& conninfo);
  ~SqlConnection();
  SqlConnection(const SqlConnection&) = delete;
  SqlConnection& operator=(const SqlConnection&) = delete;

  // Runs SQL (possibly several statements) outside any client-side transaction. After TIMEOUT the
  // query is cancelled; if the server does not react within a grace period the socket is shut down
  // and the result is kConnectionLost.
  ExecResult Execute(const std::string& sql, std::chrono::milliseconds timeout);

  // Returns false once the connection is known to be unusable.
  bool usable() const { return usable_; }

 private:
  struct Impl;  // the libpqxx connection and its watchdog, kept out of this header
  std::unique_ptr<Impl> impl_;
  bool usable_ = true;
};

}  // namespace tessera::slt
