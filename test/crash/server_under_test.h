// SPDX-License-Identifier: Apache-2.0
// The server a crash or corruption test starts, kills and restarts: tessera, or PostgreSQL 15 to show
// that the checks pass on a server known to be durable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tessera::crash {

enum class ServerKind { kTessera, kPostgres };

struct ServerOptions {
  ServerKind kind = ServerKind::kTessera;
  std::string binary;    // tessera: the server binary; postgres: the bin directory (postgres, initdb)
  std::string data_dir;  // created when missing; kept across restarts
  std::vector<std::string> extra_args;  // appended to the server's command line
};

// Runs the server as a child in its own process group, output appended to DATA_DIR.log. When this
// program runs as root, PostgreSQL runs as the user `postgres` (it refuses to run as root).
// Not thread safe: one thread starts, stops and kills.
class ServerUnderTest {
 public:
  explicit ServerUnderTest(ServerOptions options);
  ~ServerUnderTest();  // Kills the server if it still runs.
  ServerUnderTest(const ServerUnderTest&) = delete;
  ServerUnderTest& operator=(const ServerUnderTest&) = delete;

  // Starts the server (the first time on a free port, then on the same one; postgres: initdb first
  // when DATA_DIR is empty) and waits until it accepts a libpq connection. Returns false when the
  // process exited or did not get ready in TIMEOUT (see LogTail()).
  bool Start(std::chrono::seconds timeout);
  // Sends SIGKILL to the whole process group (a crash) and reaps the server.
  void Kill();
  // Sends SIGTERM (PostgreSQL: a fast shutdown) and waits up to 30 s, then kills. Returns false when
  // it had to kill.
  bool Stop();
  bool IsRunning();

  // Returns a libpq connection string for the server's `postgres` database as user `postgres`.
  std::string ConnInfo() const;
  const std::string& log_path() const { return log_path_; }
  // Returns the log's last MAX_BYTES.
  std::string LogTail(size_t max_bytes = 3000) const;

 private:
  std::vector<std::string> CommandLine() const;
  // Forks ARGUMENTS (as `postgres` when needed) with output appended to the log; returns the pid.
  pid_t Spawn(const std::vector<std::string>& arguments, bool own_process_group) const;
  void InitPostgresIfEmpty() const;
  bool WaitForExit(std::chrono::milliseconds timeout);

  ServerOptions options_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Returns the whole content of PATH ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

}  // namespace tessera::crash
