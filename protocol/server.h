// SPDX-License-Identifier: Apache-2.0
// Server: accepts PostgreSQL clients on a TCP port and serves each with a Connection. Boost.Asio stays
// behind this header (pimpl), so main() and tests include no Asio.
//
// Threads: `io_threads` run the Asio event loop and only do socket I/O and framing; statements run on a
// separate pool of `statement_threads`, one drain job per connection at a time, so a connection's
// messages are handled in order, idle connections cost no thread, and a long query blocks only its own
// connection. CancelRequests are handled on the I/O threads, so they work while the pool is busy.
//
// Shutdown (Stop(), or SIGINT/SIGTERM when `handle_signals`): stop accepting, cancel running statements,
// send each client FATAL 57P01, close; connections still busy after `shutdown_grace` are closed hard.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "protocol/auth_config.h"

namespace tessera::engine {
class Database;
}

namespace tessera::protocol {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 5433;                   // 0 = any free port (see Listen())
  int io_threads = 1;
  int statement_threads = 0;         // 0 = max(16, 4 x cores)
  int max_connections = 1000;        // more are refused with FATAL 53300
  bool handle_signals = false;       // SIGINT/SIGTERM call Stop()
  std::chrono::milliseconds shutdown_grace{3000};
  AuthConfig auth;                   // who may connect, with which password
};

class Server {
 public:
  // `database` must outlive the Server.
  Server(engine::Database& database, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port. Throws std::runtime_error when the address is unusable.
  uint16_t Listen();
  // Serves until Stop() (or a signal), then shuts down as described above and returns.
  // REQUIRES: Listen() succeeded. Call once.
  void Run();
  // Asks Run() to return. Any thread; idempotent.
  void Stop();

  // Connections currently open (for tests and monitoring).
  size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::protocol
