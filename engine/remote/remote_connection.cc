// SPDX-License-Identifier: Apache-2.0
// RemoteConnection: connecting, queries streamed into batches, statements without rows, closing.
#include "engine/remote/remote_connection.h"

#include <poll.h>

#include <optional>
#include <utility>

#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/error.h"
#include "engine/remote/libpq_call.h"
#include "engine/remote/result_batches.h"

namespace tessera::remote {

namespace {

// Drops the worker's notices (libpq's default prints them on stderr).
// TODO: pass them on to the client that ran the statement, as PostgreSQL relays a worker's NOTICE.
void DropNotice(void*, const char*) {}

SqlError ConnectError(const RemoteEndpoint& endpoint, const std::string& reason) {
  return SqlError(SqlState::kConnectionFailure,
                  fmt::format("could not connect to worker {}: {}", endpoint.Name(), reason));
}

// Reads a query's results: rows into batches for `on_batch`, the tag, the first error.
RemoteResult ReadRows(LibpqCall& call, const std::string& worker, const BatchConsumer& on_batch) {
  RemoteResult out;
  std::optional<ResultBatches> batches;
  std::optional<SqlError> error;
  while (ResultPtr result = call.NextResult()) {
    const PGresult* rows = result.get();
    const ExecStatusType status = PQresultStatus(rows);
    switch (status) {
      case PGRES_SINGLE_TUPLE:
      case PGRES_TUPLES_OK:
        if (!batches) batches.emplace(rows);
        for (int row = 0; row < PQntuples(rows); ++row) {
          batches->AppendRow(rows, row);
          ++out.num_rows;
          if (batches->full()) on_batch(batches->TakeBatch());
        }
        if (status == PGRES_TUPLES_OK) out.command_tag = PQcmdStatus(result.get());
        break;
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
        out.command_tag = PQcmdStatus(result.get());
        break;
      case PGRES_FATAL_ERROR:
        if (!error) error = call.WorkerError(rows);
        break;
      default:
        throw SqlError(SqlState::kFeatureNotSupported,
                       fmt::format("result status {} from worker {} is not supported", PQresStatus(status), worker));
    }
  }
  if (error) throw *error;
  if (batches) {
    if (!batches->empty()) on_batch(batches->TakeBatch());
    out.column_names = batches->column_names();
    out.column_types = batches->column_types();
  }
  return out;
}

}  // namespace

std::string RemoteEndpoint::Name() const { return fmt::format("{}:{}", host, port); }

void RemoteConnection::Closer::operator()(pg_conn* conn) const { PQfinish(conn); }

RemoteConnection::RemoteConnection(RemoteEndpoint endpoint, pg_conn* conn)
    : endpoint_(std::move(endpoint)), conn_(conn) {}
RemoteConnection::RemoteConnection(RemoteConnection&&) noexcept = default;
RemoteConnection& RemoteConnection::operator=(RemoteConnection&&) noexcept = default;
RemoteConnection::~RemoteConnection() = default;

RemoteConnection RemoteConnection::Connect(const RemoteEndpoint& endpoint, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string port = std::to_string(endpoint.port);
  std::vector<const char*> keywords = {"host", "port"};
  std::vector<const char*> values = {endpoint.host.c_str(), port.c_str()};
  for (const auto& [keyword, value] : {std::pair<const char*, const std::string*>{"user", &endpoint.user},
                                       {"password", &endpoint.password},
                                       {"dbname", &endpoint.dbname}}) {
    if (value->empty()) continue;
    keywords.push_back(keyword);
    values.push_back(value->c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);

  std::unique_ptr<pg_conn, Closer> conn(PQconnectStartParams(keywords.data(), values.data(), 0));
  if (conn == nullptr) throw ConnectError(endpoint, "out of memory");
  if (PQstatus(conn.get()) == CONNECTION_BAD) throw ConnectError(endpoint, LibpqMessage(conn.get()));
  // As libpq's documentation says: start as if PQconnectPoll had asked to wait for writing.
  PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED) throw ConnectError(endpoint, LibpqMessage(conn.get()));
    const short events = polling == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (!WaitForSocket(PQsocket(conn.get()), events, deadline, endpoint.Name())) {
      throw ConnectError(endpoint, "timeout expired");
    }
    polling = PQconnectPoll(conn.get());
  }
  if (PQsetnonblocking(conn.get(), 1) != 0) throw ConnectError(endpoint, LibpqMessage(conn.get()));
  PQsetNoticeProcessor(conn.get(), DropNotice, nullptr);
  return RemoteConnection(endpoint, conn.release());
}

RemoteResult RemoteConnection::Query(const std::string& sql, const BatchConsumer& on_batch,
                                     std::chrono::milliseconds timeout) {
  return Query(sql, {}, on_batch, timeout);
}

RemoteResult RemoteConnection::Query(const std::string& sql, std::span<const Value> parameters,
                                     const BatchConsumer& on_batch, std::chrono::milliseconds timeout) {
  CheckOpen();
  // Each parameter in binary format, typed by OID so the worker binds it as the coordinator did.
  std::vector<Oid> types;
  std::vector<std::string> bytes(parameters.size());
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (size_t index = 0; index < parameters.size(); ++index) {
    const Value& parameter = parameters[index];
    types.push_back(TypeOid(parameter.type()));
    if (!parameter.is_null()) EncodeBinaryValue(parameter, &bytes[index]);
    values.push_back(parameter.is_null() ? nullptr : bytes[index].data());
    lengths.push_back(static_cast<int>(bytes[index].size()));
    formats.push_back(1);
  }
  LibpqCall call(conn_.get(), endpoint_.Name(), timeout);
  try {
    constexpr int kBinaryResults = 1;
    if (!PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(parameters.size()), types.data(), values.data(),
                           lengths.data(), formats.data(), kBinaryResults)) {
      throw call.LostConnection();
    }
    // Rows come one result each, so a large result never sits whole in libpq's memory.
    PQsetSingleRowMode(conn_.get());
    call.Flush();
    return ReadRows(call, endpoint_.Name(), on_batch);
  } catch (...) {
    RecoverAfterError();
    throw;
  }
}

std::string RemoteConnection::Execute(const std::string& sql, std::chrono::milliseconds timeout) {
  CheckOpen();
  LibpqCall call(conn_.get(), endpoint_.Name(), timeout);
  try {
    if (!PQsendQuery(conn_.get(), sql.c_str())) throw call.LostConnection();
    call.Flush();
    return call.ReadCommandTag();
  } catch (...) {
    RecoverAfterError();
    throw;
  }
}

void RemoteConnection::Close() { conn_.reset(); }

bool RemoteConnection::ReusableNow() const {
  if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK ||
      PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
    return false;
  }
  pollfd socket{PQsocket(conn_.get()), POLLIN, 0};
  return poll(&socket, 1, 0) == 0;
}

void RemoteConnection::CheckOpen() const {
  if (conn_ == nullptr) {
    throw SqlError(SqlState::kConnectionFailure,
                   fmt::format("connection to worker {} was closed after an earlier error", endpoint_.Name()));
  }
}

void RemoteConnection::RecoverAfterError() {
  if (conn_ == nullptr) return;
  if (PQstatus(conn_.get()) == CONNECTION_OK) {
    switch (PQtransactionStatus(conn_.get())) {
      case PQTRANS_IDLE:
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR: return;  // the worker finished the statement: the connection is usable
      case PQTRANS_ACTIVE: CancelInBackground(conn_.get()); break;
      case PQTRANS_UNKNOWN: break;
    }
  }
  Close();
}

}  // namespace tessera::remote
