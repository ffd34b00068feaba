// SPDX-License-Identifier: Apache-2.0
// RemoteConnection: the coordinator's client for one worker (a complete Tessera server, or any
// PostgreSQL 15 server) over the PostgreSQL wire protocol, through libpq. Results come back in binary
// format, decoded into Batches by the server's own codec (base/binary_format.h).
//
// Every call is bounded: it waits on the socket with poll() until its deadline and never makes a
// blocking libpq call, so a worker that stops answering costs at most the call's timeout. The timeout
// covers the whole call, the time spent in Query's consumer included.
//
// Errors (all SqlError):
//   - the worker's own errors keep its SQLSTATE, message, detail and hint; the context gains "on worker
//     host:port" (the position is dropped: it points into the fragment's text, not the user's);
//   - 08006 connection_failure when the worker cannot be reached, closes the connection, or does not
//     answer in time ("worker host:port did not answer within N ms"): the statement is then cancelled;
//   - the codec's errors when a value cannot be decoded, 0A000 for result types Tessera lacks.
// After an error the connection stays open only when the worker is idle again (its own errors, once the
// statement's results are drained); after any other error it is closed: is_open() says which.
//
// Thread safety: a RemoteConnection is used by one thread at a time (distinct connections may be used
// from different threads at once). The callback of Query runs on the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/types.h"
#include "base/value.h"
#include "base/vector.h"

struct pg_conn;  // libpq's PGconn; libpq's headers stay inside engine/remote/*.cc

namespace tessera::remote {

// Where a worker listens and how to log in.
struct RemoteEndpoint {
  std::string host;  // an IP address; a host name is resolved by libpq before the timeout starts
  int port = 5432;
  std::string user;
  std::string password;  // empty: none
  std::string dbname;    // empty: libpq's default (the user name)

  // Returns "host:port", the worker's name in errors.
  std::string Name() const;
};

// What a statement returned, apart from its rows.
struct RemoteResult {
  std::vector<std::string> column_names;  // empty for statements without rows
  std::vector<LogicalType> column_types;  // from the result's type OIDs and typmods
  uint64_t num_rows = 0;                  // rows passed to the callback
  std::string command_tag;                // "SELECT 3", "INSERT 0 1", ...
};

// Receives the rows of a result in order, up to kBatchSize per batch; all batches of one result have
// the same column types (RemoteResult::column_types). May throw: the call then cancels the statement,
// closes the connection and rethrows.
using BatchConsumer = std::function<void(Batch batch)>;

class RemoteConnection {
 public:
  // Connects and logs in within `timeout` (non-blocking connect). Throws SqlError 08006 "could not
  // connect to worker host:port: <libpq's reason>" ("timeout expired" when it took too long).
  static RemoteConnection Connect(const RemoteEndpoint& endpoint, std::chrono::milliseconds timeout);

  RemoteConnection(RemoteConnection&&) noexcept;
  RemoteConnection& operator=(RemoteConnection&&) noexcept;
  ~RemoteConnection();

  // Runs one statement (extended protocol, no parameters, binary results) and streams its rows to
  // `on_batch` as they arrive, row by row from the socket, so memory stays at one batch. Rows passed
  // to `on_batch` before an error are not taken back. REQUIRES: is_open().
  RemoteResult Query(const std::string& sql, const BatchConsumer& on_batch, std::chrono::milliseconds timeout);
  // As above, with `parameters` as $1, $2, ... (sent in binary format, typed by their Value's type).
  RemoteResult Query(const std::string& sql, std::span<const Value> parameters, const BatchConsumer& on_batch,
                     std::chrono::milliseconds timeout);

  // Runs `sql` (simple protocol: may hold several statements, e.g. "BEGIN; SET ...") and returns the
  // last statement's command tag; rows are read and dropped. REQUIRES: is_open().
  std::string Execute(const std::string& sql, std::chrono::milliseconds timeout);

  // Runs `copy_sql`, a COPY ... FROM STDIN (FORMAT binary), and sends the rows of `batches` as its
  // data (PGCOPY header, per row the field count and length-prefixed binary values, then the trailer).
  // Binary COPY carries no types: each batch's column types must be those of the target columns.
  // Returns the row count from the "COPY n" tag. REQUIRES: is_open().
  uint64_t CopyIn(const std::string& copy_sql, std::span<const Batch> batches, std::chrono::milliseconds timeout);

  // Closes the connection (a Terminate message, sent without waiting). Idempotent.
  void Close();
  // Whether the connection can serve another statement as if new: open, outside any transaction, and
  // with nothing unread on its socket (a worker that went away shows as readable end-of-file).
  bool ReusableNow() const;
  bool is_open() const { return conn_ != nullptr; }
  const RemoteEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Closer {
    void operator()(pg_conn* conn) const;
  };

  RemoteConnection(RemoteEndpoint endpoint, pg_conn* conn);
  // Throws 08006 when the connection was closed by an earlier error.
  void CheckOpen() const;
  // After an error inside a call: keeps the connection when the worker is idle again, otherwise
  // cancels what it runs and closes.
  void RecoverAfterError();

  RemoteEndpoint endpoint_;
  std::unique_ptr<pg_conn, Closer> conn_;
};

}  // namespace tessera::remote
