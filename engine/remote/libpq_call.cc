// SPDX-License-Identifier: Apache-2.0
// Bounded waits, result reading and error conversion for one call on a non-blocking libpq connection.
#include "engine/remote/libpq_call.h"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace tessera::remote {

namespace {

std::string FirstLine(const char* text) {
  std::string_view message = text == nullptr ? "" : text;
  message = message.substr(0, message.find('\n'));
  while (!message.empty() && (message.back() == ' ' || message.back() == '\r')) message.remove_suffix(1);
  return std::string(message);
}

std::string ErrorField(const PGresult* result, int field) {
  const char* value = PQresultErrorField(result, field);
  return value == nullptr ? std::string() : std::string(value);
}

// The worker's SQLSTATE as ours; a code Tessera does not list falls back to its class's generic code,
// then to XX000.
SqlState StateFromCode(const std::string& code) {
  if (auto state = SqlStateFromCode(code)) return *state;
  if (code.size() == 5) {
    if (auto state = SqlStateFromCode(code.substr(0, 2) + "000")) return *state;
  }
  return SqlState::kInternalError;
}

}  // namespace

std::string LibpqMessage(PGconn* conn) { return FirstLine(PQerrorMessage(conn)); }

void CancelInBackground(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  if (cancel == nullptr) return;
  std::thread([cancel] {
    char error[256];
    PQcancel(cancel, error, sizeof(error));
    PQfreeCancel(cancel);
  }).detach();
}

LibpqCall::LibpqCall(PGconn* conn, std::string worker, std::chrono::milliseconds timeout)
    : conn_(conn),
      worker_(std::move(worker)),
      timeout_(timeout),
      deadline_(std::chrono::steady_clock::now() + timeout) {}

bool WaitForSocket(int socket, short events, std::chrono::steady_clock::time_point deadline,
                   const std::string& worker) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd descriptor{socket, events, 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) {
      throw SqlError(SqlState::kConnectionFailure,
                     fmt::format("lost connection to worker {}: poll failed: {}", worker, std::strerror(errno)));
    }
  }
}

void LibpqCall::Wait(short events) {
  const int socket = PQsocket(conn_);
  if (socket < 0) throw LostConnection();
  if (!WaitForSocket(socket, events, deadline_, worker_)) {
    throw SqlError(SqlState::kConnectionFailure,
                   fmt::format("worker {} did not answer within {} ms", worker_, timeout_.count()));
  }
}

void LibpqCall::ConsumeInput() {
  if (PQconsumeInput(conn_) == 0) throw LostConnection();
}

void LibpqCall::Flush() {
  for (;;) {
    const int pending = PQflush(conn_);
    if (pending == 0) return;
    if (pending < 0) throw LostConnection();
    // The worker may be waiting for us to read before it reads more: take what it sent meanwhile.
    Wait(POLLIN | POLLOUT);
    ConsumeInput();
  }
}

ResultPtr LibpqCall::NextResult() {
  while (PQisBusy(conn_)) {
    Wait(POLLIN);
    ConsumeInput();
  }
  ResultPtr result(PQgetResult(conn_));
  if (result != nullptr && PQresultStatus(result.get()) == PGRES_FATAL_ERROR && PQstatus(conn_) == CONNECTION_BAD) {
    throw LostConnection();
  }
  return result;
}

std::string LibpqCall::ReadCommandTag() {
  std::string tag;
  std::optional<SqlError> error;
  while (ResultPtr result = NextResult()) {
    switch (PQresultStatus(result.get())) {
      case PGRES_FATAL_ERROR:
        if (!error) error = WorkerError(result.get());
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        throw SqlError(SqlState::kFeatureNotSupported,
                       fmt::format("COPY through this call to worker {} is not supported", worker_));
      default:
        tag = PQcmdStatus(result.get());
        break;
    }
  }
  if (error) throw *error;
  return tag;
}

void LibpqCall::PutCopyData(std::string_view bytes) {
  for (;;) {
    const int queued = PQputCopyData(conn_, bytes.data(), static_cast<int>(bytes.size()));
    if (queued > 0) break;
    if (queued < 0) throw LostConnection();
    Wait(POLLIN | POLLOUT);
    ConsumeInput();
  }
  Flush();
}

void LibpqCall::PutCopyEnd() {
  for (;;) {
    const int queued = PQputCopyEnd(conn_, nullptr);
    if (queued > 0) break;
    if (queued < 0) throw LostConnection();
    Wait(POLLIN | POLLOUT);
    ConsumeInput();
  }
  Flush();
}

SqlError LibpqCall::WorkerError(const PGresult* result) const {
  const std::string code = ErrorField(result, PG_DIAG_SQLSTATE);
  if (code.empty()) {  // made by libpq, not sent by the worker
    return SqlError(SqlState::kConnectionFailure,
                    fmt::format("lost connection to worker {}: {}", worker_, FirstLine(PQresultErrorMessage(result))));
  }
  ErrorInfo info;
  info.state = StateFromCode(code);
  info.message = ErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  info.detail = ErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  info.hint = ErrorField(result, PG_DIAG_MESSAGE_HINT);
  const std::string worker_context = ErrorField(result, PG_DIAG_CONTEXT);
  info.context = (worker_context.empty() ? "" : worker_context + "\n") + "on worker " + worker_;
  if (info.state == SqlState::kInternalError && code != "XX000") {
    info.detail += (info.detail.empty() ? "" : "\n") + fmt::format("SQLSTATE {} on the worker", code);
  }
  return SqlError(std::move(info));
}

SqlError LibpqCall::LostConnection() const {
  return SqlError(SqlState::kConnectionFailure,
                  fmt::format("lost connection to worker {}: {}", worker_, LibpqMessage(conn_)));
}

}  // namespace tessera::remote
