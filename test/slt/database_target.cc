// SPDX-License-Identifier: Apache-2.0
// The two database targets: an own tessera server per file, or a scratch database on a given server.
#include "test/slt/database_target.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "test/slt/server_process.h"
#include "test/slt/sql_client.h"

namespace tessera::slt {
namespace {

constexpr std::chrono::seconds kStartTimeout{60};
constexpr std::chrono::milliseconds kAdminTimeout{60000};

class OwnServerTarget final : public DatabaseTarget {
 public:
  OwnServerTarget(std::string binary, std::string work_dir, std::string connect_options, std::vector<std::string> flags)
      : binary_(std::move(binary)), work_dir_(std::move(work_dir)), connect_options_(std::move(connect_options)),
        flags_(std::move(flags)) {}

  ~OwnServerTarget() override { EndFile(); }

  void BeginFile() override {
    EndFile();
    static std::atomic<int> next_id{0};
    std::filesystem::create_directories(work_dir_);
    std::string data_dir = work_dir_ + "/data-" + std::to_string(next_id++);
    std::filesystem::remove_all(data_dir);
    std::filesystem::create_directories(data_dir);
    server_ = std::make_unique<ServerProcess>(binary_, data_dir, data_dir + ".log", flags_);
    server_->Start(kStartTimeout);
  }

  void EndFile() override {
    if (!server_) return;
    server_->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(server_->data_dir(), ignored);
    std::filesystem::remove(server_->data_dir() + ".log", ignored);
    server_.reset();
  }

  std::string ConnInfo() const override {
    std::string conninfo = server_ ? server_->ConnInfo() : std::string();
    return connect_options_.empty() ? conninfo : conninfo + " " + connect_options_;
  }

  bool Restart(RestartMode mode) override {
    if (!server_) throw std::runtime_error("restart without a server");
    if (mode == RestartMode::kReconnect) return true;
    if (mode == RestartMode::kKill) {
      server_->Kill();
    } else {
      server_->Stop();
    }
    server_->Start(kStartTimeout);
    return true;
  }

  std::string Recover() override {
    if (!server_) throw std::runtime_error("no server");
    std::string what;
    if (server_->IsRunning()) {
      try {
        SqlConnection probe(ConnInfo());
        if (probe.Execute("SELECT 1", std::chrono::seconds(5)).status == ExecStatus::kOk) {
          return "connection lost; the server still answers";
        }
      } catch (const std::exception&) {
        // Unreachable: restart below.
      }
      what = "server unresponsive: killed and restarted";
    } else {
      what = "server exited: restarted";
    }
    what += "; log tail:\n" + server_->LogTail();
    server_->Kill();
    server_->Start(kStartTimeout);
    return what;
  }

 private:
  std::string binary_;
  std::string work_dir_;
  std::string connect_options_;
  std::vector<std::string> flags_;
  std::unique_ptr<ServerProcess> server_;
};

class ExistingServerTarget final : public DatabaseTarget {
 public:
  ExistingServerTarget(std::string conninfo, std::string scratch_name, std::string restart_command)
      : conninfo_(std::move(conninfo)),
        scratch_name_(std::move(scratch_name)),
        restart_command_(std::move(restart_command)) {}

  ~ExistingServerTarget() override {
    if (!created_) return;
    try {
      SqlConnection admin(conninfo_);
      admin.Execute("DROP DATABASE IF EXISTS " + scratch_name_, kAdminTimeout);
    } catch (const std::exception&) {
      // Leaving a scratch database behind is harmless.
    }
  }

  void BeginFile() override {
    if (no_reset_) return;
    SqlConnection admin(conninfo_);
    ExecResult dropped = admin.Execute("DROP DATABASE IF EXISTS " + scratch_name_ + " WITH (FORCE)", kAdminTimeout);
    if (dropped.status != ExecStatus::kOk) {
      dropped = admin.Execute("DROP DATABASE IF EXISTS " + scratch_name_, kAdminTimeout);
    }
    ExecResult created = admin.Execute("CREATE DATABASE " + scratch_name_, kAdminTimeout);
    if (created.status != ExecStatus::kOk) {
      std::fprintf(stderr, "warning: cannot create database %s (%s); files share one database\n",
                   scratch_name_.c_str(), created.message.c_str());
      no_reset_ = true;
      return;
    }
    created_ = true;
  }

  void EndFile() override {}

  std::string ConnInfo() const override {
    return no_reset_ ? conninfo_ : conninfo_ + " dbname=" + scratch_name_;
  }

  bool Restart(RestartMode mode) override {
    if (mode == RestartMode::kReconnect) return true;
    if (restart_command_.empty()) return false;
    const std::string command = std::string("export TESSERA_SLT_RESTART=") +
                                (mode == RestartMode::kKill ? "kill" : "clean") + "; " + restart_command_;
    const int status = std::system(command.c_str());
    if (status != 0) {
      throw std::runtime_error("restart command failed (status " + std::to_string(status) + "): " + restart_command_);
    }
    return true;
  }

  std::string Recover() override { return "connection lost: reconnecting"; }

 private:
  std::string conninfo_;
  std::string scratch_name_;
  std::string restart_command_;
  bool no_reset_ = false;
  bool created_ = false;
};

}  // namespace

std::unique_ptr<DatabaseTarget> MakeOwnServerTarget(const std::string& binary, const std::string& work_dir,
                                                    const std::string& connect_options,
                                                    const std::vector<std::string>& flags) {
  return std::make_unique<OwnServerTarget>(binary, work_dir, connect_options, flags);
}

std::unique_ptr<DatabaseTarget> MakeExistingServerTarget(const std::string& conninfo,
                                                         const std::string& scratch_name,
                                                         const std::string& restart_command) {
  return std::make_unique<ExistingServerTarget>(conninfo, scratch_name, restart_command);
}

}  // namespace tessera::slt
