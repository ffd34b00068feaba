// SPDX-License-Identifier: Apache-2.0
// Starting, crashing and restarting the server under test.
#include "test/crash/server_under_test.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test/slt/server_process.h"

namespace tessera::crash {
namespace {

// Returns the uid/gid PostgreSQL must run as, or nullptr when this process is not root.
const passwd* PostgresUserIfRoot() {
  if (::geteuid() != 0) return nullptr;
  const passwd* user = ::getpwnam("postgres");
  if (user == nullptr) throw std::runtime_error("running as root, but there is no user 'postgres' to run PostgreSQL");
  return user;
}

}  // namespace

std::string ReadWholeFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

ServerUnderTest::ServerUnderTest(ServerOptions options)
    : options_(std::move(options)), log_path_(options_.data_dir + ".log") {}

ServerUnderTest::~ServerUnderTest() { Kill(); }

std::string ServerUnderTest::ConnInfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres connect_timeout=10";
}

std::string ServerUnderTest::LogTail(size_t max_bytes) const {
  std::string log = ReadWholeFile(log_path_);
  return log.size() > max_bytes ? "..." + log.substr(log.size() - max_bytes) : log;
}

std::vector<std::string> ServerUnderTest::CommandLine() const {
  std::vector<std::string> arguments;
  const std::string port = std::to_string(port_);
  if (options_.kind == ServerKind::kTessera) {
    arguments = {options_.binary, "--port", port, "--data-dir", options_.data_dir};
  } else {
    arguments = {options_.binary + "/postgres", "-D", options_.data_dir, "-p", port,
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=on", "-c", "synchronous_commit=on"};
  }
  arguments.insert(arguments.end(), options_.extra_args.begin(), options_.extra_args.end());
  return arguments;
}

pid_t ServerUnderTest::Spawn(const std::vector<std::string>& arguments, bool own_process_group) const {
  const passwd* user = options_.kind == ServerKind::kPostgres ? PostgresUserIfRoot() : nullptr;
  return slt::SpawnLogged(arguments, log_path_, own_process_group, user);
}

void ServerUnderTest::InitPostgresIfEmpty() const {
  if (std::filesystem::exists(options_.data_dir + "/PG_VERSION")) return;
  std::filesystem::create_directories(options_.data_dir);
  if (const passwd* user = PostgresUserIfRoot()) {
    if (::chown(options_.data_dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + options_.data_dir + " to postgres: " + std::strerror(errno));
    }
  }
  pid_t pid = Spawn({options_.binary + "/initdb", "-D", options_.data_dir, "-U", "postgres", "--auth=trust"}, false);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("initdb failed; log " + log_path_ + ":\n" + LogTail());
  }
}

bool ServerUnderTest::Start(std::chrono::seconds timeout) {
  if (IsRunning()) throw std::logic_error("Start: the server already runs");
  if (options_.kind == ServerKind::kPostgres) {
    InitPostgresIfEmpty();
  } else {
    std::filesystem::create_directories(options_.data_dir);
  }
  // A server that exits during start-up is started again, up to 5 times: on a first start on a new port
  // (another test may have bound the port found free), on a restart on the same port after a pause
  // (PostgreSQL's backends, each in its own process group, can outlive a killed postmaster by a moment
  // and hold its shared memory).
  const bool new_port = port_ == 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    if (port_ == 0 || (new_port && attempt > 1)) port_ = slt::FindFreeLoopbackPort();
    pid_ = Spawn(CommandLine(), true);
    while (std::chrono::steady_clock::now() < deadline && IsRunning()) {
      if (PQping(ConnInfo().c_str()) == PQPING_OK) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (IsRunning()) break;  // not ready in time
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  Kill();
  return false;
}

bool ServerUnderTest::IsRunning() { return slt::ChildRunning(&pid_); }

bool ServerUnderTest::WaitForExit(std::chrono::milliseconds timeout) { return slt::WaitForChildExit(&pid_, timeout); }

void ServerUnderTest::Kill() {
  if (pid_ <= 0) return;
  const pid_t group = pid_;
  ::kill(-group, SIGKILL);
  WaitForExit(std::chrono::seconds(30));
  // PostgreSQL's backends are in the group too: give them a moment to die and be reaped, so the
  // next postmaster does not find their shared memory in use.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::kill(-group, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    ::kill(-group, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool ServerUnderTest::Stop() {
  if (!IsRunning()) return true;
  ::kill(pid_, SIGTERM);
  if (WaitForExit(std::chrono::seconds(30))) return true;
  Kill();
  return false;
}

}  // namespace tessera::crash
