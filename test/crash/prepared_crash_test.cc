// SPDX-License-Identifier: Apache-2.0
// prepared_crash_test: kills the server with SIGKILL while clients prepare transactions and commit or
// roll back some of them (and CHECKPOINT runs beside them), restarts it, and checks two-phase commit's
// promise: every acknowledged PREPARE is still prepared (listed in pg_prepared_xacts, its row
// invisible) unless its COMMIT/ROLLBACK PREPARED was sent, every acknowledged COMMIT PREPARED's row is
// there, and nothing else is. Every third transaction also changes the schema: it creates a table
// (with a row), which must exist after the restart exactly when its COMMIT PREPARED took effect, unless
// it is still prepared. Recovered prepared transactions are then finished from a new session.
#include <libpq-fe.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test/crash/server_under_test.h"

#ifndef TESSERA_BINARY
#define TESSERA_BINARY "build/tessera"
#endif

namespace tessera::crash {
namespace {

constexpr const char* kUsage = R"(usage: prepared_crash_test [options]
  --server PATH      tessera binary (default: the one built with this test)
  --postgres BINDIR  test PostgreSQL instead (with max_prepared_transactions set), to check the checker
  --rounds R         kill/restart rounds (default 5)
  --clients K        client threads (default 4)
  --seed N           random seed (default 1)
)";

// What a client knows of one transaction: the last statement it sent and whether it was acknowledged.
enum class TxnState { kPrepareSent, kPrepared, kCommitSent, kCommitted, kRollbackSent, kRolledBack, kGone };

using Key = std::pair<int, int>;  // (client, seq): the row the transaction inserts; gid "c<client>-<seq>"

std::string Gid(const Key& key) { return "c" + std::to_string(key.first) + "-" + std::to_string(key.second); }

// Every third transaction creates this table too.
bool ChangesSchema(const Key& key) { return key.second % 3 == 0; }
std::string TableOf(const Key& key) { return "ddl_c" + std::to_string(key.first) + "_" + std::to_string(key.second); }

using Connection = std::unique_ptr<PGconn, void (*)(PGconn*)>;

Connection Connect(const std::string& conninfo) {
  Connection connection(PQconnectdb(conninfo.c_str()), &PQfinish);
  PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);
  return connection;
}

// Runs SQL; returns its rows' first two columns as text ({} for commands), or nothing when it failed.
bool Exec(PGconn* connection, const std::string& sql, std::vector<std::pair<std::string, std::string>>* rows = nullptr) {
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(connection, sql.c_str()), &PQclear);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return false;
  for (int row = 0; rows != nullptr && row < PQntuples(result.get()); ++row) {
    rows->emplace_back(PQgetvalue(result.get(), row, 0), PQnfields(result.get()) > 1 ? PQgetvalue(result.get(), row, 1) : "");
  }
  return true;
}

// One client's round: prepares transactions and finishes about two thirds of them until the server dies.
void RunClient(const std::string& conninfo, int client, int& next_seq, std::map<Key, TxnState>& model, uint64_t seed) {
  Connection connection = Connect(conninfo);
  if (PQstatus(connection.get()) != CONNECTION_OK) return;
  std::mt19937_64 random(seed);
  for (;;) {
    const Key key{client, next_seq++};
    if (!Exec(connection.get(), "BEGIN") ||
        (ChangesSchema(key) && (!Exec(connection.get(), "CREATE TABLE " + TableOf(key) + " (v INT)") ||
                                !Exec(connection.get(), "INSERT INTO " + TableOf(key) + " VALUES (1)"))) ||
        !Exec(connection.get(), "INSERT INTO prepared_rows VALUES (" + std::to_string(key.first) + ", " +
                                    std::to_string(key.second) + ")")) {
      return;  // nothing was prepared
    }
    model[key] = TxnState::kPrepareSent;
    if (!Exec(connection.get(), "PREPARE TRANSACTION '" + Gid(key) + "'")) return;
    model[key] = TxnState::kPrepared;
    const int choice = static_cast<int>(random() % 3);
    if (choice == 0) continue;
    const bool commit = choice == 1;
    model[key] = commit ? TxnState::kCommitSent : TxnState::kRollbackSent;
    if (!Exec(connection.get(), (commit ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + Gid(key) + "'")) return;
    model[key] = commit ? TxnState::kCommitted : TxnState::kRolledBack;
  }
}

// Checks the restarted server against the model and settles what was in doubt. Returns the violations.
std::vector<std::string> Check(PGconn* connection, std::map<Key, TxnState>& model) {
  std::vector<std::pair<std::string, std::string>> listed_rows, table_rows, created_rows;
  if (!Exec(connection, "SELECT gid FROM pg_prepared_xacts", &listed_rows) ||
      !Exec(connection, "SELECT client, seq FROM prepared_rows", &table_rows) ||
      !Exec(connection, "SELECT relname FROM pg_class WHERE relname LIKE 'ddl_c%'", &created_rows)) {
    return {"could not read pg_prepared_xacts or the tables: " + std::string(PQerrorMessage(connection))};
  }
  std::set<std::string> created;
  for (const auto& row : created_rows) created.insert(row.first);
  std::set<std::string> listed;
  for (const auto& row : listed_rows) listed.insert(row.first);
  std::set<Key> present;
  for (const auto& row : table_rows) present.insert({std::stoi(row.first), std::stoi(row.second)});
  std::vector<std::string> violations;
  auto expect = [&](bool holds, const Key& key, const char* what) {
    if (!holds) violations.push_back(Gid(key) + ": " + what);
  };
  for (auto& [key, state] : model) {
    const bool is_listed = listed.erase(Gid(key)) > 0;
    const bool is_present = present.erase(key) > 0;
    const bool may_be_listed = state == TxnState::kPrepareSent || state == TxnState::kPrepared ||
                               state == TxnState::kCommitSent || state == TxnState::kRollbackSent;
    expect(!is_listed || may_be_listed, key, "listed as prepared after its end was acknowledged");
    expect(is_listed || state != TxnState::kPrepared, key, "acknowledged PREPARE is no longer prepared");
    const bool committed = state == TxnState::kCommitted || (state == TxnState::kCommitSent && !is_listed);
    expect(is_present == committed, key, is_present ? "row visible without a commit" : "committed row missing");
    if (ChangesSchema(key) && !is_listed) {
      const bool exists = created.count(TableOf(key)) > 0;
      expect(exists == committed, key, exists ? ("table exists without a commit, state " + std::to_string(static_cast<int>(state))).c_str() : "committed table missing");
    }
    if (is_listed) {
      state = TxnState::kPrepared;
    } else if (state != TxnState::kCommitted && state != TxnState::kRolledBack) {
      state = committed ? TxnState::kCommitted : TxnState::kGone;
    }
  }
  for (const std::string& gid : listed) violations.push_back(gid + ": listed but never prepared");
  for (const Key& key : present) violations.push_back(Gid(key) + ": row never inserted");
  return violations;
}

// Finishes every other recovered prepared transaction from a new session: commits or rolls back.
bool FinishSome(PGconn* connection, std::map<Key, TxnState>& model, uint64_t round) {
  uint64_t count = 0;
  for (auto& [key, state] : model) {
    if (state != TxnState::kPrepared || ++count % 2 != 0) continue;
    const bool commit = (count / 2 + round) % 2 == 0;
    if (!Exec(connection, (commit ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + Gid(key) + "'")) return false;
    state = commit ? TxnState::kCommitted : TxnState::kRolledBack;
  }
  return true;
}

int Run(ServerOptions server_options, int rounds, int clients, uint64_t seed) {
  std::printf("prepared_crash_test: seed %llu\n", static_cast<unsigned long long>(seed));
  ServerUnderTest server(std::move(server_options));
  if (!server.Start(std::chrono::seconds(60))) {
    std::fprintf(stderr, "server did not start:\n%s\n", server.LogTail().c_str());
    return 1;
  }
  {
    Connection setup = Connect(server.ConnInfo());
    if (!Exec(setup.get(), "CREATE TABLE prepared_rows (client INT, seq INT, PRIMARY KEY (client, seq))")) {
      std::fprintf(stderr, "CREATE TABLE failed: %s\n", PQerrorMessage(setup.get()));
      return 1;
    }
  }
  std::mt19937_64 random(seed);
  std::vector<std::map<Key, TxnState>> models(static_cast<size_t>(clients));
  std::vector<int> next_seq(static_cast<size_t>(clients), 0);
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::thread> threads;
    for (int client = 0; client < clients; ++client) {
      threads.emplace_back(RunClient, server.ConnInfo(), client, std::ref(next_seq[client]), std::ref(models[client]),
                           random());
    }
    std::atomic<bool> killed{false};
    std::thread checkpointer([&] {
      Connection connection = Connect(server.ConnInfo());
      while (!killed.load() && Exec(connection.get(), "CHECKPOINT")) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 700));
    server.Kill();
    killed.store(true);
    for (auto& thread : threads) thread.join();
    checkpointer.join();
    if (!server.Start(std::chrono::seconds(60))) {
      std::fprintf(stderr, "round %d: server did not come back:\n%s\n", round, server.LogTail().c_str());
      return 1;
    }
    Connection connection = Connect(server.ConnInfo());
    std::map<Key, TxnState> model;
    for (const auto& client_model : models) model.insert(client_model.begin(), client_model.end());
    std::vector<std::string> violations = Check(connection.get(), model);
    size_t prepared = 0;
    for (const auto& [key, state] : model) prepared += state == TxnState::kPrepared ? 1 : 0;
    std::printf("round %d: %zu transactions, %zu still prepared, %zu violations\n", round, model.size(), prepared,
                violations.size());
    for (const std::string& violation : violations) std::fprintf(stderr, "  %s\n", violation.c_str());
    if (!violations.empty()) return 1;
    if (!FinishSome(connection.get(), model, static_cast<uint64_t>(round))) {
      std::fprintf(stderr, "round %d: finishing a recovered prepared transaction failed: %s\n", round,
                   PQerrorMessage(connection.get()));
      return 1;
    }
    for (auto& client_model : models) {
      for (auto& [key, state] : client_model) state = model.at(key);
    }
  }
  return 0;
}

}  // namespace
}  // namespace tessera::crash

int main(int argc, char** argv) {
  using namespace tessera::crash;
  ServerOptions server{ServerKind::kTessera, TESSERA_BINARY, "", {}};
  int rounds = 5;
  int clients = 4;
  uint64_t seed = 1;
  for (int index = 1; index < argc; ++index) {
    const std::string option = argv[index];
    if (index + 1 >= argc) {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    }
    const std::string value = argv[++index];
    if (option == "--server") {
      server.binary = value;
    } else if (option == "--postgres") {
      server = ServerOptions{ServerKind::kPostgres, value, "", {"-c", "max_prepared_transactions=1000"}};
    } else if (option == "--rounds") {
      rounds = std::stoi(value);
    } else if (option == "--clients") {
      clients = std::stoi(value);
    } else if (option == "--seed") {
      seed = std::stoull(value);
    } else {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    }
  }
  const std::filesystem::path data_dir =
      std::filesystem::temp_directory_path() / ("tessera-prepared-crash-" + std::to_string(getpid()));
  server.data_dir = data_dir.string();
  const int status = Run(server, rounds, clients, seed);
  std::filesystem::remove_all(data_dir);
  std::printf("prepared_crash_test: %s\n", status == 0 ? "passed" : "FAILED");
  return status;
}
