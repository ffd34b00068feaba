// SPDX-License-Identifier: Apache-2.0
// LibpqCall: one bounded call on a non-blocking libpq connection (internal to engine/remote/). Every
// wait goes through poll() on the connection's socket with what is left of the call's deadline.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tessera::remote {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class LibpqCall {
 public:
  // `worker` is the endpoint's name for errors; `timeout` bounds the whole call.
  LibpqCall(PGconn* conn, std::string worker, std::chrono::milliseconds timeout);

  // Sends everything libpq has queued.
  void Flush();
  // Waits for and returns the statement's next result; nullptr once all are read. A result whose
  // error came from libpq because the connection broke throws 08006 instead.
  ResultPtr NextResult();
  // Reads the statement's remaining results and returns the last command tag; throws the first error
  // among them once all are read (the connection is idle again then). Throws 0A000 for results that
  // start COPY.
  std::string ReadCommandTag();
  // Queues and sends COPY data / the end of COPY data.
  void PutCopyData(std::string_view bytes);
  void PutCopyEnd();

  // Returns the SqlError for a PGRES_FATAL_ERROR result: the worker's fields with "on worker ..." in
  // the context, or 08006 when libpq made the error because the connection is gone.
  SqlError WorkerError(const PGresult* result) const;
  // 08006 "lost connection to worker host:port: <libpq's message>".
  SqlError LostConnection() const;

 private:
  // Waits until the socket is ready for `events`; throws 08006 "did not answer" at the deadline.
  void Wait(short events);
  // Reads what has arrived; throws 08006 when the connection broke.
  void ConsumeInput();

  PGconn* conn_;
  std::string worker_;
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
};

// Waits until `socket` is ready for `events` (POLLIN / POLLOUT) or `deadline` passes: returns false
// then. Throws 08006 naming `worker` when poll() fails.
bool WaitForSocket(int socket, short events, std::chrono::steady_clock::time_point deadline,
                   const std::string& worker);

// The first line of libpq's error message for `conn`, without the trailing newline.
std::string LibpqMessage(PGconn* conn);

// Asks the worker to cancel what `conn` runs, on a helper thread: libpq 15's PQcancel blocks until the
// worker closes the cancel connection, which a stopped worker never does, so the caller does not wait
// for it. TODO: use libpq 17's PQcancelStart/PQcancelPoll (pollable) once the build has it.
void CancelInBackground(PGconn* conn);

}  // namespace tessera::remote
