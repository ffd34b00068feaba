// SPDX-License-Identifier: Apache-2.0
// SqlConnection over libpqxx 6.4, and the watchdog that enforces per-record time limits.
#include "test/slt/sql_client.h"

#include <sys/socket.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

namespace tessera::slt {

// Calls on_cancel when an armed deadline passes and on_abort if the query is still running a grace
// period later. on_cancel runs on a thread of its own, because a hung server can block a cancel
// request indefinitely; that thread is joined before the next query and on destruction (the caller
// kills a hung server first). on_abort runs on the watchdog thread and must not block.
class Watchdog {
 public:
  enum class Stage { kQuiet, kCancelled, kAborted };

  Watchdog(std::function<void()> on_cancel, std::function<void()> on_abort)
      : on_cancel_(std::move(on_cancel)), on_abort_(std::move(on_abort)), thread_([this] { Loop(); }) {}

  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wakeup_.notify_all();
    thread_.join();
    if (cancel_thread_.joinable()) cancel_thread_.join();
  }

  void Arm(std::chrono::milliseconds timeout) {
    if (cancel_thread_.joinable()) cancel_thread_.join();
    {
      std::lock_guard lock(mutex_);
      armed_ = true;
      stage_ = Stage::kQuiet;
      deadline_ = std::chrono::steady_clock::now() + timeout;
    }
    wakeup_.notify_all();
  }

  // Disarms and returns how far the watchdog went for the query that just ended.
  Stage Disarm() {
    std::lock_guard lock(mutex_);
    armed_ = false;
    return stage_;
  }

 private:
  static constexpr std::chrono::seconds kGracePeriod{5};

  void Loop() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      if (!armed_) {
        wakeup_.wait(lock);
      } else if (std::chrono::steady_clock::now() < deadline_) {
        wakeup_.wait_until(lock, deadline_);
      } else if (stage_ == Stage::kQuiet) {
        stage_ = Stage::kCancelled;
        deadline_ = std::chrono::steady_clock::now() + kGracePeriod;
        cancel_thread_ = std::thread(on_cancel_);  // Arm() joined the previous one
      } else {
        stage_ = Stage::kAborted;
        armed_ = false;
        on_abort_();
      }
    }
  }

  std::function<void()> on_cancel_;
  std::function<void()> on_abort_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool armed_ = false;
  bool stop_ = false;
  Stage stage_ = Stage::kQuiet;
  std::chrono::steady_clock::time_point deadline_;
  std::thread cancel_thread_;  // started by the watchdog thread, joined by the owner's thread
  std::thread thread_;  // last: starts after the state above is initialised
};

namespace {

// Returns the primary message of a libpq error text ("ERROR:  msg\nLINE 1: ..." -> "msg").
std::string PrimaryMessage(const std::string& text) {
  std::string message = text.substr(0, text.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (message.rfind(prefix, 0) == 0) return message.substr(std::string(prefix).size());
  }
  return message;
}

std::string WithConnectTimeout(const std::string& conninfo) {
  if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
  return conninfo + " connect_timeout=10";
}

}  // namespace

// Members are destroyed in reverse order: the watchdog first, the connection last.
struct SqlConnection::Impl {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<pqxx::quiet_errorhandler> quiet_notices;
  std::unique_ptr<Watchdog> watchdog;
};

SqlConnection::SqlConnection(const std::string& conninfo) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->connection = std::make_unique<pqxx::connection>(WithConnectTimeout(conninfo));
  } catch (const std::exception& error) {
    throw std::runtime_error("cannot connect (" + conninfo + "): " + PrimaryMessage(error.what()));
  }
  impl_->quiet_notices = std::make_unique<pqxx::quiet_errorhandler>(*impl_->connection);
  const int socket_fd = impl_->connection->sock();
  pqxx::connection* connection = impl_->connection.get();
  impl_->watchdog = std::make_unique<Watchdog>(
      [connection] {
        try {
          connection->cancel_query();
        } catch (const std::exception&) {
          // The abort stage follows if the cancel request could not be delivered.
        }
      },
      [socket_fd] { ::shutdown(socket_fd, SHUT_RDWR); });
}

SqlConnection::~SqlConnection() = default;

ExecResult SqlConnection::Execute(const std::string& sql, std::chrono::milliseconds timeout) {
  ExecResult outcome;
  impl_->watchdog->Arm(timeout);
  try {
    pqxx::nontransaction work(*impl_->connection);
    pqxx::result rows = work.exec(sql);
    const auto num_columns = static_cast<size_t>(rows.columns());
    outcome.result.column_types.reserve(num_columns);
    for (pqxx::row::size_type column = 0; column < rows.columns(); ++column) {
      outcome.result.column_types.push_back(rows.column_type(column));
    }
    outcome.result.cells.reserve(rows.size() * num_columns);
    for (const auto& row : rows) {
      for (const auto& field : row) {
        outcome.result.cells.push_back(
            Cell{field.is_null(), field.is_null() ? std::string() : std::string(field.c_str(), field.size())});
      }
    }
  } catch (const pqxx::broken_connection& error) {
    outcome.status = ExecStatus::kConnectionLost;
    outcome.message = PrimaryMessage(error.what());
  } catch (const pqxx::sql_error& error) {
    outcome.status = ExecStatus::kError;
    outcome.sqlstate = error.sqlstate();
    outcome.message = PrimaryMessage(error.what());
  } catch (const pqxx::transaction_rollback& error) {
    // libpqxx 6 throws class 40 errors as transaction_rollback, which carries no SQLSTATE: name the
    // subclass's code.
    outcome.status = ExecStatus::kError;
    if (dynamic_cast<const pqxx::serialization_failure*>(&error) != nullptr) {
      outcome.sqlstate = "40001";
    } else if (dynamic_cast<const pqxx::deadlock_detected*>(&error) != nullptr) {
      outcome.sqlstate = "40P01";
    } else {
      outcome.sqlstate = "40000";
    }
    outcome.message = PrimaryMessage(error.what());
  } catch (const std::exception& error) {
    outcome.status = ExecStatus::kError;
    outcome.message = PrimaryMessage(error.what());
  }
  Watchdog::Stage stage = impl_->watchdog->Disarm();
  if (stage == Watchdog::Stage::kAborted || outcome.status == ExecStatus::kConnectionLost ||
      !impl_->connection->is_open()) {
    usable_ = false;
    if (outcome.status != ExecStatus::kConnectionLost) outcome.status = ExecStatus::kConnectionLost;
    if (stage == Watchdog::Stage::kAborted) outcome.message = "timed out and did not react to cancel; " + outcome.message;
  } else if (stage == Watchdog::Stage::kCancelled) {
    outcome.status = ExecStatus::kTimeout;
    outcome.message = "timed out after " + std::to_string(timeout.count()) + " ms (" + outcome.message + ")";
  }
  return outcome;
}

}  // namespace tessera::slt
