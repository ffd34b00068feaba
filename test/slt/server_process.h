// SPDX-License-Identifier: Apache-2.0
// A tessera server child process on a free loopback port, for one runner job.
#pragma once

#include <pwd.h>

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tessera::slt {

class ServerProcess {
 public:
  // BINARY is started as `BINARY --port N --data-dir DATA_DIR FLAGS...`, its output appended to LOG_PATH.
  ServerProcess(std::string binary, std::string data_dir, std::string log_path, std::vector<std::string> flags = {});
  ~ServerProcess();  // Stops the server if it still runs.
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until it prints its listening line or accepts TCP connections. The
  // first start picks a free port; a restart tries the previous port first, then a free one.
  // Throws std::runtime_error (with the log's tail) when it exits or does not come up in TIMEOUT.
  void Start(std::chrono::seconds timeout);
  // Sends SIGTERM and waits up to 10 s, then SIGKILL. Keeps the data directory.
  void Stop();
  // Sends SIGKILL and reaps the process.
  void Kill();
  // Returns true while the child process has not exited.
  bool IsRunning();

  int port() const { return port_; }
  // The server's process id while it runs (-1 otherwise), for tests that signal it (SIGSTOP).
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  // Returns the libpq connection string for this server.
  std::string ConnInfo() const;
  // Returns the last lines of the server log, for error messages.
  std::string LogTail() const;

 private:
  // Starts on port_. Returns false when the server exited during start-up; throws when it did not
  // get ready in time.
  bool TryStart(std::chrono::seconds timeout);
  bool WaitForExit(std::chrono::milliseconds timeout);

  std::string binary_;
  std::string data_dir_;
  std::string log_path_;
  std::vector<std::string> flags_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Starts `arguments` (the first one the program's path) as a child process whose standard output and
// error are appended to `log_path`, and which is killed when this process dies. With
// `own_process_group` the child leads a new process group; with `user` it runs as that user.
pid_t SpawnLogged(const std::vector<std::string>& arguments, const std::string& log_path,
                  bool own_process_group = false, const passwd* user = nullptr);

// Returns a TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, then close).
int FindFreeLoopbackPort();

// Whether child process `*pid` still runs; reaps it and sets *pid = -1 once it has exited (false for
// *pid <= 0).
bool ChildRunning(pid_t* pid);
// Polls ChildRunning until the child exits (true) or `timeout` passes (false).
bool WaitForChildExit(pid_t* pid, std::chrono::milliseconds timeout);

}  // namespace tessera::slt
