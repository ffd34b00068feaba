// SPDX-License-Identifier: Apache-2.0
// Test helpers for protocol/: an in-process server on a free loopback port (TestServer) and a raw wire
// client (WireClient) that sends arbitrary bytes and reads backend messages with timeouts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "protocol/backend_messages.h"
#include "protocol/frontend_messages.h"

#include "protocol/server.h"

namespace tessera::engine {
class Database;
}

namespace tessera::protocol::testing {

// A Database in a fresh temporary directory, removed again by the destructor.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();

  engine::Database& database() { return *database_; }

 private:
  std::filesystem::path data_dir_;
  std::unique_ptr<engine::Database> database_;
};

// A TestDatabase and a Server on 127.0.0.1:<free port>, running on a thread.
class TestServer {
 public:
  // `options.port` is ignored: a free port is chosen.
  explicit TestServer(ServerOptions options = ServerOptions());
  ~TestServer();  // stops the server

  uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  std::string ConnectionString(std::string_view user = "tester") const;

 private:
  TestDatabase database_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread runner_;
};

// A blocking TCP client for the wire protocol. Every read gives up after the timeout.
class WireClient {
 public:
  explicit WireClient(int timeout_ms = 5000) : timeout_ms_(timeout_ms) {}
  ~WireClient();
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  // Connects to 127.0.0.1:port; returns false on failure.
  bool Connect(uint16_t port);
  // Sends raw bytes; returns false when the server has closed the connection.
  bool SendBytes(std::string_view bytes);
  bool Send(const FrontendMessage& message);
  // Sends StartupMessage (user, database tessera) and reads through the first ReadyForQuery.
  bool Startup(std::string_view user = "tester");
  // Reads messages up to and including the next ReadyForQuery. Stops early on EOF or timeout; `closed`
  // then tells which.
  std::vector<BackendMessage> ReadUntilReady(bool* closed = nullptr);
  // Reads exactly `count` bytes (for the single-byte SSL answer). Returns "" on EOF/timeout.
  std::string ReadRaw(size_t count);
  // Reads until the server closes the connection; returns false on timeout.
  bool ReadUntilClosed(std::vector<BackendMessage>* messages = nullptr);
  // Sends a simple Query and reads through ReadyForQuery.
  std::vector<BackendMessage> Query(std::string_view sql);
  void ShutdownWrite();
  void Close();
  bool connected() const { return socket_ >= 0; }

 private:
  // Reads more bytes into buffer_; returns 0 on EOF, -1 on timeout/error.
  int Fill();
  bool ParseBuffered(std::vector<BackendMessage>* messages, bool stop_at_ready);

  int socket_ = -1;
  int timeout_ms_;
  std::string buffer_;
  bool parse_failed_ = false;
};

// The first ErrorResponse's SQLSTATE among `messages`, or "".
std::string FirstErrorCode(const std::vector<BackendMessage>& messages);
// The DataRow values (text) among `messages`, row by row; NULL as "NULL".
std::vector<std::vector<std::string>> DataRows(const std::vector<BackendMessage>& messages);
// One letter per message (its type byte), e.g. "TDCZ", for checking message sequences.
std::string MessageTypes(const std::vector<BackendMessage>& messages);

}  // namespace tessera::protocol::testing
