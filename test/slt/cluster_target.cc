// SPDX-License-Identifier: Apache-2.0
// The cluster target: a coordinator and its workers as child processes, fresh for every file.
#include "test/slt/cluster_target.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "test/slt/server_process.h"
#include "test/slt/sql_client.h"

namespace tessera::slt {
namespace {

constexpr std::chrono::seconds kStartTimeout{60};
constexpr std::chrono::milliseconds kAdminTimeout{60000};

std::string RandomSecret() {
  std::random_device random;
  std::string secret;
  for (int index = 0; index < 24; ++index) secret += "0123456789abcdef"[random() % 16];
  return secret;
}

class ClusterTarget final : public DatabaseTarget {
 public:
  ClusterTarget(std::string binary, int num_workers, std::string work_dir, std::string connect_options,
                std::vector<std::string> flags)
      : binary_(std::move(binary)), num_workers_(num_workers), work_dir_(std::move(work_dir)),
        connect_options_(std::move(connect_options)), flags_(std::move(flags)) {}

  ~ClusterTarget() override { EndFile(); }

  void BeginFile() override {
    EndFile();
    static std::atomic<int> next_id{0};
    cluster_dir_ = work_dir_ + "/cluster-" + std::to_string(next_id++);
    std::filesystem::remove_all(cluster_dir_);
    std::filesystem::create_directories(cluster_dir_);
    const std::string secret_file = cluster_dir_ + "/secret";
    std::ofstream(secret_file) << RandomSecret() << "\n";
    for (int worker = 1; worker <= num_workers_; ++worker) {
      workers_.push_back(StartNode("worker" + std::to_string(worker), "worker", secret_file));
    }
    coordinator_ = StartNode("coordinator", "coordinator", secret_file);
    RegisterWorkers();
  }

  void EndFile() override {
    if (coordinator_) coordinator_->Stop();
    for (auto& worker : workers_) worker->Stop();
    coordinator_.reset();
    workers_.clear();
    if (cluster_dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(cluster_dir_, ignored);
    cluster_dir_.clear();
  }

  std::string ConnInfo() const override {
    std::string conninfo = coordinator_ ? coordinator_->ConnInfo() : std::string();
    return connect_options_.empty() ? conninfo : conninfo + " " + connect_options_;
  }

  bool Restart(RestartMode mode) override {
    if (!coordinator_) throw std::runtime_error("restart without a cluster");
    if (mode == RestartMode::kReconnect) return true;
    if (mode == RestartMode::kKill) {
      coordinator_->Kill();
    } else {
      coordinator_->Stop();
    }
    coordinator_->Start(kStartTimeout);
    return true;
  }

  std::string Recover() override {
    if (!coordinator_) throw std::runtime_error("no cluster");
    std::string what;
    for (auto& worker : workers_) {
      if (worker->IsRunning()) continue;
      what += "worker on " + worker->data_dir() + " exited: restarted; log tail:\n" + worker->LogTail() + "\n";
      worker->Start(kStartTimeout);
    }
    if (coordinator_->IsRunning() && Answers()) {
      return what.empty() ? "connection lost; the coordinator still answers" : what;
    }
    what += (coordinator_->IsRunning() ? "coordinator unresponsive: killed and restarted"
                                       : "coordinator exited: restarted");
    what += "; log tail:\n" + coordinator_->LogTail();
    coordinator_->Kill();
    coordinator_->Start(kStartTimeout);
    return what;
  }

 private:
  std::unique_ptr<ServerProcess> StartNode(const std::string& name, const std::string& role,
                                           const std::string& secret_file) {
    const std::string data_dir = cluster_dir_ + "/" + name;
    std::filesystem::create_directories(data_dir);
    std::vector<std::string> flags = {"--role", role, "--cluster-secret-file", secret_file};
    flags.insert(flags.end(), flags_.begin(), flags_.end());
    auto node = std::make_unique<ServerProcess>(binary_, data_dir, data_dir + ".log", flags);
    node->Start(kStartTimeout);
    return node;
  }

  // Registers every worker; a worker that just started may refuse the first login, so each gets a few
  // tries.
  void RegisterWorkers() {
    SqlConnection admin(ConnInfo());
    for (auto& worker : workers_) {
      const std::string sql = "SELECT tessera.add_worker('127.0.0.1', " + std::to_string(worker->port()) + ")";
      ExecResult result;
      for (int attempt = 0; attempt < 50; ++attempt) {
        result = admin.Execute(sql, kAdminTimeout);
        if (result.status == ExecStatus::kOk) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (result.status != ExecStatus::kOk) {
        throw std::runtime_error("cannot register worker " + worker->data_dir() + ": " + result.message);
      }
    }
  }

  bool Answers() const {
    try {
      SqlConnection probe(ConnInfo());
      return probe.Execute("SELECT 1", std::chrono::seconds(5)).status == ExecStatus::kOk;
    } catch (const std::exception&) {
      return false;
    }
  }

  std::string binary_;
  int num_workers_;
  std::string work_dir_;
  std::string connect_options_;
  std::vector<std::string> flags_;
  std::string cluster_dir_;
  std::vector<std::unique_ptr<ServerProcess>> workers_;
  std::unique_ptr<ServerProcess> coordinator_;
};

}  // namespace

std::unique_ptr<DatabaseTarget> MakeClusterTarget(const std::string& binary, int num_workers,
                                                  const std::string& work_dir, const std::string& connect_options,
                                                  const std::vector<std::string>& flags) {
  return std::make_unique<ClusterTarget>(binary, num_workers, work_dir, connect_options, flags);
}

}  // namespace tessera::slt
