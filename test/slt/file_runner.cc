// SPDX-License-Identifier: Apache-2.0
// Runs one sqllogictest file: conditions, modes, connections, timeouts and counting.
#include "test/slt/file_runner.h"

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test/slt/script.h"
#include "test/slt/sql_client.h"

namespace tessera::slt {
namespace {

constexpr std::chrono::seconds kConnectRetryPeriod{10};
constexpr const char* kBudgetExhausted = "the run's time budget (--time-budget) is exhausted";

bool IsExecutable(const Record& record) {
  return record.kind == RecordKind::kStatementOk || record.kind == RecordKind::kStatementError ||
         record.kind == RecordKind::kQuery;
}

// Returns true for `require` arguments this runner satisfies (DuckDB build options that do not
// change results over the wire).
bool RequirementMet(const std::vector<std::string>& arguments) {
  if (arguments.empty()) return true;
  const std::string& feature = arguments[0];
  return feature == "no_alternative_verify" || feature == "vector_size" || feature == "skip_reload" ||
         feature == "noforcestorage" || feature == "no_extension_autoloading";
}

// DuckDB-style files (and ours) start with a "# name:" header; SQLite's corpus does not.
ValueStyle DetectStyle(const TestFile& file, const std::string& text) {
  if (file.is_project_test) return ValueStyle::kDuckDb;
  std::istringstream lines(text.substr(0, 1024));
  std::string line;
  for (int count = 0; count < 5 && std::getline(lines, line); ++count) {
    if (line.rfind("# name:", 0) == 0) return ValueStyle::kDuckDb;
  }
  return ValueStyle::kSqlite;
}

std::string DescribeError(const ExecResult& result) {
  return result.sqlstate.empty() ? result.message : "[" + result.sqlstate + "] " + result.message;
}

class FileRunner {
 public:
  FileRunner(const TestFile& file, DatabaseTarget& target, const RunOptions& options)
      : file_(file), target_(target), options_(options) {
    outcome_.relpath = file.relpath;
    outcome_.is_project_test = file.is_project_test;
  }

  FileOutcome Run() {
    const auto start = std::chrono::steady_clock::now();
    RunScript();
    try {
      target_.EndFile();  // first: a hung server must die before connections wait for their cancels
    } catch (const std::exception& error) {
      outcome_.error = error.what();
    }
    connections_.clear();
    outcome_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(outcome_);
  }

 private:
  void RunScript() {
    std::ifstream stream(file_.path, std::ios::binary);
    if (!stream) return FailFile("cannot read " + file_.path);
    std::ostringstream content;
    content << stream.rdbuf();
    const std::string text = content.str();
    Script script;
    try {
      script = ParseScript(file_.relpath, text);
    } catch (const std::exception& error) {
      return FailFile(error.what());
    }
    style_ = DetectStyle(file_, text);
    if (PastDeadline()) return AbandonFrom(script.records, 0, kBudgetExhausted);
    try {
      target_.BeginFile();
    } catch (const std::exception& error) {
      outcome_.error = error.what();
      return AbandonFrom(script.records, 0, error.what());
    }
    RunRecords(script.records);
  }

  void RunRecords(const std::vector<Record>& records) {
    for (size_t index = 0; index < records.size(); ++index) {
      if (!abandon_reason_.empty()) return AbandonFrom(records, index, abandon_reason_);
      if (PastDeadline()) return AbandonFrom(records, index, kBudgetExhausted);
      const Record& record = records[index];
      const bool allowed = ConditionsAllow(record);
      switch (record.kind) {
        case RecordKind::kStatementOk:
        case RecordKind::kStatementError:
        case RecordKind::kQuery:
          if (!allowed || skip_mode_) {
            ++outcome_.skipped;
          } else {
            RunRecord(record);
          }
          break;
        case RecordKind::kHalt:
          if (allowed) return;
          break;
        case RecordKind::kMode:
          if (allowed && !record.arguments.empty() && record.arguments[0] == "skip") skip_mode_ = true;
          if (allowed && !record.arguments.empty() && record.arguments[0] == "unskip") skip_mode_ = false;
          break;
        case RecordKind::kRequire:
          if (allowed && !RequirementMet(record.arguments)) return SkipFrom(records, index + 1);
          break;
        case RecordKind::kRestart:
          if (allowed) RestartServer(record);
          break;
        case RecordKind::kHashThreshold:  // results are compared in whatever form the file gives
        case RecordKind::kLoad:           // DuckDB database files: nothing to load over the wire
          break;
      }
    }
  }

  bool PastDeadline() const {
    return !file_.is_project_test && std::chrono::steady_clock::now() > options_.corpus_deadline;
  }

  bool ConditionsAllow(const Record& record) const {
    for (const auto& condition : record.conditions) {
      bool matches = condition.engine == options_.engine_name;
      if (condition.skip_if == matches) return false;
    }
    return true;
  }

  void FailFile(const std::string& error) {
    outcome_.error = error;
    outcome_.failed += 1;
    outcome_.failures.push_back(RecordFailure{0, "", error});
  }

  bool IsKnownFailure(const Record& record) const {
    return options_.known_failures != nullptr && !file_.is_project_test &&
           options_.known_failures->count(file_.relpath + ":" + std::to_string(record.line)) > 0;
  }

  void Count(const Record& record, const std::optional<std::string>& problem) {
    if (IsKnownFailure(record)) {
      if (problem) {
        ++outcome_.known_failed;
      } else {
        ++outcome_.known_passed;
        outcome_.unexpected_passes.push_back(record.line);
      }
      return;
    }
    if (!problem) {
      ++outcome_.passed;
      return;
    }
    ++outcome_.failed;
    outcome_.failures.push_back(RecordFailure{record.line, record.sql, *problem});
  }

  // Counts the executable records from FIRST on as failed, without running them.
  void AbandonFrom(const std::vector<Record>& records, size_t first, const std::string& why) {
    bool reported = false;
    for (size_t index = first; index < records.size(); ++index) {
      const Record& record = records[index];
      if (!IsExecutable(record)) continue;
      if (!ConditionsAllow(record)) {
        ++outcome_.skipped;
        continue;
      }
      Count(record, reported ? "not run" : "not run: " + why);
      reported = true;
    }
  }

  void SkipFrom(const std::vector<Record>& records, size_t first) {
    for (size_t index = first; index < records.size(); ++index) {
      if (IsExecutable(records[index])) ++outcome_.skipped;
    }
  }

  // Returns the named connection, connecting first if needed. A server that has just (re)started
  // may refuse connections for a moment, so connecting is retried for a while.
  SqlConnection& Connection(const std::string& name) {
    auto& connection = connections_[name];
    if (connection && connection->usable()) return *connection;
    connection.reset();
    const auto deadline = std::chrono::steady_clock::now() + kConnectRetryPeriod;
    while (true) {
      try {
        connection = std::make_unique<SqlConnection>(target_.ConnInfo());
        return *connection;
      } catch (const std::exception&) {
        if (std::chrono::steady_clock::now() >= deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  void RunRecord(const Record& record) {
    ExecResult result;
    try {
      result = Connection(record.connection).Execute(record.sql, options_.timeout);
    } catch (const std::exception& error) {
      result.status = ExecStatus::kConnectionLost;
      result.message = error.what();
    }
    Count(record, Evaluate(record, result));
    if (result.status == ExecStatus::kTimeout && ++timeouts_ >= options_.max_timeouts_per_file) {
      abandon_reason_ = std::to_string(timeouts_) + " records timed out in this file";
    }
    if (result.status == ExecStatus::kConnectionLost) Recover(result.message);
  }

  std::optional<std::string> Evaluate(const Record& record, const ExecResult& result) const {
    const bool succeeded = result.status == ExecStatus::kOk;
    switch (record.kind) {
      case RecordKind::kStatementOk:
        if (succeeded) return std::nullopt;
        return "statement failed: " + DescribeError(result);
      case RecordKind::kStatementError:
        if (succeeded) return "statement succeeded, but an error was expected";
        if (result.status != ExecStatus::kError) return DescribeError(result);
        return CheckError(record.expected_error, result);
      case RecordKind::kQuery:
        if (!succeeded) return "query failed: " + DescribeError(result);
        return CompareQueryResult(record, result.result, CompareOptions{style_, file_.is_project_test});
      default:
        return std::nullopt;
    }
  }

  // An expected SQLSTATE is always checked. Expected message text is checked only in our own tests:
  // the corpus carries DuckDB's wording, which a PostgreSQL-compatible server never produces.
  std::optional<std::string> CheckError(const std::string& expected, const ExecResult& result) const {
    if (expected.empty()) return std::nullopt;
    if (LooksLikeSqlState(expected)) {
      if (result.sqlstate == expected) return std::nullopt;
      return "expected SQLSTATE " + expected + ", got " + DescribeError(result);
    }
    if (!file_.is_project_test) return std::nullopt;
    static const std::string kRegexPrefix = "<REGEX>:";
    bool matched = expected.rfind(kRegexPrefix, 0) == 0
                       ? std::regex_search(result.message, std::regex(expected.substr(kRegexPrefix.size())))
                       : result.message.find(expected) != std::string::npos;
    if (matched) return std::nullopt;
    return "expected an error containing '" + expected + "', got " + DescribeError(result);
  }

  // Restarts a crashed or hung server before dropping the connections: closing a connection waits
  // for its cancel request, which a hung server answers only once killed. When giving up, Run()
  // stops the server before it drops the connections.
  void Recover(const std::string& why) {
    if (++recoveries_ > options_.max_recoveries_per_file) {
      abandon_reason_ = "lost the connection " + std::to_string(recoveries_) + " times (" + why + ")";
      return;
    }
    try {
      outcome_.notes.push_back(target_.Recover());
    } catch (const std::exception& error) {
      abandon_reason_ = std::string("server did not come back: ") + error.what();
      return;
    }
    connections_.clear();
  }

  // Drops every connection (an open transaction on one of them is then in flight at the crash) and
  // restarts the server. An external server that cannot be restarted only gets new connections; the
  // record is counted as a skipped restart, never as passed.
  void RestartServer(const Record& record) {
    connections_.clear();
    try {
      if (target_.Restart(record.restart_mode)) return;
      ++outcome_.restarts_skipped;
      outcome_.notes.push_back("restart at line " + std::to_string(record.line) +
                               " skipped: an external server (--connect) cannot be restarted without "
                               "--restart-command; connections were only reopened");
    } catch (const std::exception& error) {
      abandon_reason_ = "restart at line " + std::to_string(record.line) + " failed: " + error.what();
    }
  }

  const TestFile& file_;
  DatabaseTarget& target_;
  const RunOptions& options_;
  FileOutcome outcome_;
  ValueStyle style_ = ValueStyle::kSqlite;
  std::map<std::string, std::unique_ptr<SqlConnection>> connections_;
  bool skip_mode_ = false;
  int timeouts_ = 0;
  int recoveries_ = 0;
  std::string abandon_reason_;
};

}  // namespace

FileOutcome RunFile(const TestFile& file, DatabaseTarget& target, const RunOptions& options) {
  return FileRunner(file, target, options).Run();
}

}  // namespace tessera::slt
