// SPDX-License-Identifier: Apache-2.0
// crash_test: kills the server with SIGKILL at random moments while several clients write, restarts
// it on the same data directory, and checks that every acknowledged row is there exactly once with
// its last acknowledged version and nothing else is. See test/crash/README.md.
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test/crash/crash_client.h"
#include "test/crash/crash_model.h"
#include "test/crash/server_under_test.h"

#ifndef TESSERA_BINARY
#define TESSERA_BINARY "build/tessera"
#endif

namespace tessera::crash {
namespace {

constexpr const char* kUsage = R"(usage: crash_test [options]
  --server PATH        tessera binary (default: the one built with this test)
  --postgres BINDIR    test PostgreSQL instead (BINDIR holds postgres and initdb), to check the checker
  --data-dir DIR       data directory (default: a fresh temporary one, removed afterwards)
  --rounds R           kill/restart rounds (default 20)
  --clients K          client threads (default 4)
  --seed N             random seed (default: from the clock; printed)
  --max-txns N         transactions per client per round at most (default 100000)
  --kill-after-ms A B  kill each round after a random delay in [A, B] ms (default 200 2000)
  --server-flag F      pass F to the tessera server (repeatable), e.g. --flush-rows=1
  --table-options W    appended to the table's CREATE TABLE, e.g. WITH (sort_key = 'payload') as one argument
Exit status: 0 when every round checked clean, 1 on a violation or a server that did not come back,
2 on usage errors.
)";

struct Options {
  ServerOptions server{ServerKind::kTessera, TESSERA_BINARY, "", {}};
  int rounds = 20;
  int clients = 4;
  uint64_t seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  int64_t max_txns = 100000;
  int kill_min_ms = 200;
  int kill_max_ms = 2000;
  std::string table_options;
};

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "crash_test: %s\n\n%s", message.c_str(), kUsage);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  auto value = [&](int& index) -> std::string {
    if (index + 1 >= argc) UsageError(std::string(argv[index]) + " needs a value");
    return argv[++index];
  };
  for (int index = 1; index < argc; ++index) {
    const std::string arg = argv[index];
    if (arg == "--server") {
      options.server = ServerOptions{ServerKind::kTessera, value(index), options.server.data_dir,
                                     options.server.extra_args};
    } else if (arg == "--server-flag") {
      options.server.extra_args.push_back(value(index));
    } else if (arg == "--table-options") {
      options.table_options = value(index);
    } else if (arg == "--postgres") {
      options.server = ServerOptions{ServerKind::kPostgres, value(index), options.server.data_dir, {}};
    } else if (arg == "--data-dir") {
      options.server.data_dir = value(index);
    } else if (arg == "--rounds") {
      options.rounds = std::atoi(value(index).c_str());
    } else if (arg == "--clients") {
      options.clients = std::atoi(value(index).c_str());
    } else if (arg == "--seed") {
      options.seed = std::strtoull(value(index).c_str(), nullptr, 10);
    } else if (arg == "--max-txns") {
      options.max_txns = std::atoll(value(index).c_str());
    } else if (arg == "--kill-after-ms") {
      options.kill_min_ms = std::atoi(value(index).c_str());
      options.kill_max_ms = std::atoi(value(index).c_str());
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      UsageError("unknown option " + arg);
    }
  }
  if (options.rounds < 1 || options.clients < 1 || options.max_txns < 1) UsageError("counts must be positive");
  if (options.kill_min_ms < 0 || options.kill_max_ms < options.kill_min_ms) UsageError("bad --kill-after-ms");
  return options;
}

struct Totals {
  int kills_survived = 0;
  int64_t transactions_attempted = 0;
  int64_t in_flight_committed = 0;
  int64_t in_flight_aborted = 0;
  VerifyReport last;  // the last check: rows and acknowledged transactions, violations
};

void PrintSummary(const Totals& totals) {
  const VerifyReport& last = totals.last;
  std::printf(
      "kills survived: %d\nacknowledged transactions checked: %lld (each after every later kill)\n"
      "transactions attempted: %lld, in flight at a kill: %lld committed, %lld not\n"
      "rows lost: %lld\nrows wrongly present: %lld\nrows with a wrong version: %lld\nrows duplicated: %lld\n"
      "torn transactions: %lld\n",
      totals.kills_survived, static_cast<long long>(last.acknowledged_txns),
      static_cast<long long>(totals.transactions_attempted), static_cast<long long>(totals.in_flight_committed),
      static_cast<long long>(totals.in_flight_aborted), static_cast<long long>(last.rows_lost),
      static_cast<long long>(last.rows_wrongly_present), static_cast<long long>(last.rows_wrong_version),
      static_cast<long long>(last.rows_duplicated), static_cast<long long>(last.torn_txns));
}

int Fail(const Totals& totals, const std::string& why, const ServerUnderTest& server) {
  std::printf("FAILED: %s\nserver log %s, last lines:\n%s\n", why.c_str(), server.log_path().c_str(),
              server.LogTail().c_str());
  PrintSummary(totals);
  return 1;
}

// Runs the clients until the server is killed after a random delay. Returns unexpected SQL errors.
std::vector<std::string> RunRound(const Options& options, int round, std::mt19937_64& random,
                                  ServerUnderTest& server, std::vector<ClientModel>& models, Totals& totals) {
  std::vector<ClientRun> runs(models.size());
  std::vector<std::thread> threads;
  const std::string conninfo = server.ConnInfo();
  for (size_t index = 0; index < models.size(); ++index) {
    const uint64_t seed = options.seed ^ (static_cast<uint64_t>(round) << 32) ^ index;
    threads.emplace_back([&, index, seed] { runs[index] = RunClient(conninfo, models[index], seed, options.max_txns); });
  }
  const int delay_ms = std::uniform_int_distribution<int>(options.kill_min_ms, options.kill_max_ms)(random);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  server.Kill();
  for (auto& thread : threads) thread.join();
  std::vector<std::string> errors;
  int64_t attempted = 0;
  for (const ClientRun& run : runs) {
    attempted += run.transactions;
    errors.insert(errors.end(), run.errors.begin(), run.errors.end());
  }
  totals.transactions_attempted += attempted;
  std::printf("round %d: killed after %d ms, %lld transactions attempted\n", round, delay_ms,
              static_cast<long long>(attempted));
  return errors;
}

int RunRounds(const Options& options, ServerUnderTest& server) {
  Totals totals;
  constexpr std::chrono::seconds kStartTimeout{120};
  if (!server.Start(kStartTimeout)) return Fail(totals, "the server did not start", server);
  if (std::string error = CreateCrashTable(server.ConnInfo(), options.table_options); !error.empty()) {
    return Fail(totals, "cannot create the table: " + error, server);
  }
  std::vector<ClientModel> models;
  for (int client = 1; client <= options.clients; ++client) models.emplace_back(client);
  std::mt19937_64 random(options.seed);
  for (int round = 1; round <= options.rounds; ++round) {
    std::vector<std::string> errors = RunRound(options, round, random, server, models, totals);
    for (const auto& error : errors) std::printf("unexpected error: %s\n", error.c_str());
    if (!errors.empty()) return Fail(totals, "clients got unexpected errors", server);
    if (!server.Start(kStartTimeout)) {
      return Fail(totals, "the server did not come back after kill " + std::to_string(round), server);
    }
    ++totals.kills_survived;
    std::vector<ObservedRow> rows;
    std::string read_error = ReadCrashTable(server.ConnInfo(), rows);
    const bool table_gone = read_error.rfind("[42P01]", 0) == 0;  // then every acknowledged row is lost
    if (!read_error.empty() && !table_gone) {
      return Fail(totals, "cannot read the table after kill " + std::to_string(round) + ": " + read_error, server);
    }
    if (table_gone) std::printf("the table is gone after kill %d: %s\n", round, read_error.c_str());
    totals.last = Verify(models, rows);
    totals.in_flight_committed += totals.last.in_flight_committed;
    totals.in_flight_aborted += totals.last.in_flight_aborted;
    std::printf("  restarted; %zu rows, %lld keys checked, %lld in-flight committed, %lld not\n", rows.size(),
                static_cast<long long>(totals.last.rows_checked),
                static_cast<long long>(totals.last.in_flight_committed),
                static_cast<long long>(totals.last.in_flight_aborted));
    std::fflush(stdout);
    if (totals.last.violations() > 0) {
      for (const auto& problem : totals.last.problems) std::printf("violation: %s\n", problem.c_str());
      return Fail(totals, "the table after kill " + std::to_string(round) + " does not match what was acknowledged",
                  server);
    }
  }
  server.Stop();
  PrintSummary(totals);
  std::printf("OK\n");
  return 0;
}

int Main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  Options options = ParseOptions(argc, argv);
  std::string temp_dir;
  if (options.server.data_dir.empty()) {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/tessera-crash-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) UsageError("mkdtemp failed");
    temp_dir = pattern;
    options.server.data_dir = temp_dir + "/data";
    if (options.server.kind == ServerKind::kPostgres) std::filesystem::permissions(temp_dir, std::filesystem::perms::all);
  }
  std::printf("crash_test: %s, data %s, %d rounds, %d clients, seed %llu\n", options.server.binary.c_str(),
              options.server.data_dir.c_str(), options.rounds, options.clients,
              static_cast<unsigned long long>(options.seed));
  int status = 0;
  {
    ServerUnderTest server(options.server);
    status = RunRounds(options, server);
  }
  if (!temp_dir.empty() && status == 0) std::filesystem::remove_all(temp_dir);
  if (!temp_dir.empty() && status != 0) std::printf("kept %s for inspection\n", temp_dir.c_str());
  return status;
}

}  // namespace
}  // namespace tessera::crash

int main(int argc, char** argv) {
  try {
    return tessera::crash::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "crash_test: %s\n", error.what());
    return 1;
  }
}
