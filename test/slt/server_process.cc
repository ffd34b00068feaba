// SPDX-License-Identifier: Apache-2.0
// Starting, watching and stopping a tessera server child process.
#include "test/slt/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tessera::slt {
namespace {

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool AcceptsConnections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address = LoopbackAddress(port);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

std::string ReadFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

}  // namespace

int FindFreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address = LoopbackAddress(0);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    int error = errno;
    ::close(fd);
    throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(error));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

ServerProcess::ServerProcess(std::string binary, std::string data_dir, std::string log_path,
                             std::vector<std::string> flags)
    : binary_(std::move(binary)), data_dir_(std::move(data_dir)), log_path_(std::move(log_path)), flags_(std::move(flags)) {}

ServerProcess::~ServerProcess() { Stop(); }

std::string ServerProcess::ConnInfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

std::string ServerProcess::LogTail() const {
  std::string log = ReadFile(log_path_);
  constexpr size_t kTailBytes = 2000;
  return log.size() > kTailBytes ? "..." + log.substr(log.size() - kTailBytes) : log;
}

void ServerProcess::Start(std::chrono::seconds timeout) {
  // A port found free can be taken by another job before the server binds it: when the server exits
  // during start-up, retry on a new port.
  // A restart first tries the port the server had, so clients find it where it was.
  constexpr int kAttempts = 3;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (attempt > 1 || port_ == 0) port_ = FindFreeLoopbackPort();
    if (TryStart(timeout)) return;
  }
  throw std::runtime_error("server " + binary_ + " did not start; log " + log_path_ + ":\n" + LogTail());
}

bool ServerProcess::TryStart(std::chrono::seconds timeout) {
  const std::string port_text = std::to_string(port_);
  std::vector<std::string> arguments = {binary_, "--port", port_text, "--data-dir", data_dir_};
  arguments.insert(arguments.end(), flags_.begin(), flags_.end());
  // The log is appended to across restarts on the same port: look for the line only in new output.
  const size_t log_start = ReadFile(log_path_).size();
  pid_ = SpawnLogged(arguments, log_path_);

  const std::string ready_line = "listening on 127.0.0.1:" + port_text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!IsRunning()) return false;
    if (AcceptsConnections(port_) || ReadFile(log_path_).find(ready_line, log_start) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  throw std::runtime_error("server " + binary_ + " not ready after " + std::to_string(timeout.count()) +
                           " s; log " + log_path_ + ":\n" + LogTail());
}

pid_t SpawnLogged(const std::vector<std::string>& arguments, const std::string& log_path, bool own_process_group,
                  const passwd* user) {
  std::vector<std::string> copy = arguments;
  std::vector<char*> argv;
  for (auto& argument : copy) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec. A credential change clears the death signal,
    // so it is set after dropping to `user`.
    if (own_process_group) ::setpgid(0, 0);
    if (user != nullptr && (::setgid(user->pw_gid) != 0 || ::setuid(user->pw_uid) != 0)) ::_exit(126);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

bool ChildRunning(pid_t* pid) {
  if (*pid <= 0) return false;
  int status = 0;
  if (::waitpid(*pid, &status, WNOHANG) == 0) return true;
  *pid = -1;
  return false;
}

bool WaitForChildExit(pid_t* pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ChildRunning(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool ServerProcess::IsRunning() { return ChildRunning(&pid_); }

bool ServerProcess::WaitForExit(std::chrono::milliseconds timeout) { return WaitForChildExit(&pid_, timeout); }

void ServerProcess::Stop() {
  if (!IsRunning()) return;
  ::kill(pid_, SIGTERM);
  if (!WaitForExit(std::chrono::seconds(10))) Kill();
}

void ServerProcess::Kill() {
  if (!IsRunning()) return;
  ::kill(pid_, SIGKILL);
  WaitForExit(std::chrono::seconds(10));
}

}  // namespace tessera::slt
