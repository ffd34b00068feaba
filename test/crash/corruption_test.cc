// SPDX-License-Identifier: Apache-2.0
// corruption_test: fills a table, stops the server cleanly, flips one byte in a WAL file
// (DATA/wal/*.log) or a segment file (DATA/**/*.seg), starts the server again and accepts only two
// behaviours: it refuses to start with XX001 and the file's name in its log, or it starts and every
// query on the table returns either the exact rows or SQLSTATE XX001 naming the file. Wrong rows,
// missing rows and other errors fail. See test/crash/README.md.
#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "test/crash/server_under_test.h"

#ifndef TESSERA_BINARY
#define TESSERA_BINARY "build/tessera"
#endif

namespace tessera::crash {
namespace {

namespace fs = std::filesystem;

constexpr int kSkipped = 77;  // ctest SKIP_RETURN_CODE: nothing of that kind to damage
constexpr std::chrono::seconds kStartTimeout{60};
constexpr const char* kUsage =
    "usage: corruption_test --target wal|segment [--server PATH] [--server-flag F]... [--rows N] [--seed N] [--keep]\n";

struct Options {
  std::string target;
  std::string server = TESSERA_BINARY;
  std::vector<std::string> server_flags;  // e.g. --flush-rows=1: the segment damaged is a frozen one
  int rows = 5000;
  uint64_t seed = 1;
  bool keep = false;
};

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

std::string ExpectedRow(int id) {
  return std::to_string(id) + "|name-" + std::to_string(id * 7919 % 10007) + "|" + std::to_string(int64_t{id} * 1000003);
}

// Runs SQL on a new connection to SERVER. Returns "" on success (rows in ROWS as "a|b|c"), else
// "[SQLSTATE] message detail".
std::string Query(const ServerUnderTest& server, const std::string& sql, std::vector<std::string>* rows) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(server.ConnInfo().c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return std::string("[connection] ") + PQerrorMessage(conn.get());
  ResultPtr result(PQexec(conn.get(), sql.c_str()), &PQclear);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* code = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    const char* detail = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL);
    return "[" + std::string(code ? code : "?????") + "] " + PQerrorMessage(conn.get()) + (detail ? detail : "");
  }
  for (int row = 0; rows != nullptr && row < PQntuples(result.get()); ++row) {
    std::string line;
    for (int column = 0; column < PQnfields(result.get()); ++column) {
      line += (column > 0 ? "|" : "") + std::string(PQgetvalue(result.get(), row, column));
    }
    rows->push_back(line);
  }
  return "";
}

std::string Fill(const ServerUnderTest& server, int num_rows) {
  if (std::string error = Query(server, "CREATE TABLE damaged (id INTEGER, name TEXT, amount BIGINT)", nullptr);
      !error.empty()) {
    return error;
  }
  constexpr int kBatch = 500;
  for (int first = 1; first <= num_rows; first += kBatch) {
    std::string sql = "INSERT INTO damaged VALUES ";
    for (int id = first; id < first + kBatch && id <= num_rows; ++id) {
      sql += (id > first ? ", (" : "(") + std::to_string(id) + ", 'name-" + std::to_string(id * 7919 % 10007) +
             "', " + std::to_string(int64_t{id} * 1000003) + ")";
    }
    if (std::string error = Query(server, sql, nullptr); !error.empty()) return error;
  }
  return "";
}

// Returns the largest file under DIR whose name ends in SUFFIX, or "" when there is none.
std::string LargestFile(const std::string& dir, const std::string& suffix) {
  std::string largest;
  std::uintmax_t largest_size = 0;
  if (!fs::exists(dir)) return "";
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || path.size() < suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    if (largest.empty() || entry.file_size() > largest_size) {
      largest = path;
      largest_size = entry.file_size();
    }
  }
  return largest;
}

// Inverts one byte in the middle half of PATH (chosen by SEED). Returns its offset.
std::uintmax_t FlipByte(const std::string& path, uint64_t seed) {
  const std::uintmax_t size = fs::file_size(path);
  std::mt19937_64 random(seed);
  const std::uintmax_t offset = size / 4 + (size / 2 > 0 ? random() % (size / 2) : 0);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(~byte);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&byte, 1);
  if (!file) throw std::runtime_error("cannot flip a byte of " + path);
  return offset;
}

// Checks the restarted server's answers. Returns "" when it behaved, else what went wrong.
std::string CheckAnswers(const ServerUnderTest& server, const Options& options, const std::string& file_name) {
  std::vector<std::string> expected;
  for (int id = 1; id <= options.rows; ++id) expected.push_back(ExpectedRow(id));
  const std::string sum = std::to_string(int64_t{options.rows} * (options.rows + 1) / 2 * 1000003);
  const std::vector<std::pair<std::string, std::vector<std::string>>> queries = {
      {"SELECT id, name, amount FROM damaged ORDER BY id", expected},
      {"SELECT count(*), sum(amount) FROM damaged", {std::to_string(options.rows) + "|" + sum}},
  };
  for (const auto& [sql, want] : queries) {
    std::vector<std::string> rows;
    const std::string error = Query(server, sql, &rows);
    if (error.empty() && rows == want) {
      std::printf("  %s: the right rows\n", sql.c_str());
      continue;
    }
    if (error.empty()) return sql + ": WRONG ROWS (" + std::to_string(rows.size()) + " rows, not the ones stored)";
    if (error.rfind("[XX001]", 0) != 0) return sql + ": expected the right rows or XX001, got " + error;
    if (error.find(file_name) == std::string::npos) return sql + ": XX001 does not name " + file_name + ": " + error;
    std::printf("  %s: %s", sql.c_str(), error.c_str());
  }
  return "";
}

int Run(const Options& options, const std::string& data_dir) {
  ServerUnderTest server(ServerOptions{ServerKind::kTessera, options.server, data_dir, options.server_flags});
  if (!server.Start(kStartTimeout)) return std::printf("FAILED: the server did not start:\n%s\n", server.LogTail().c_str()), 1;
  if (std::string error = Fill(server, options.rows); !error.empty()) return std::printf("FAILED: fill: %s\n", error.c_str()), 1;
  if (!server.Stop()) return std::printf("FAILED: the server ignored SIGTERM for 30 s\n"), 1;

  const bool wal = options.target == "wal";
  const std::string file = wal ? LargestFile(data_dir + "/wal", ".log") : LargestFile(data_dir, ".seg");
  if (file.empty() && !wal) return std::printf("SKIPPED: no *.seg file under %s after a clean stop\n", data_dir.c_str()), kSkipped;
  if (file.empty()) return std::printf("FAILED: no WAL file (%s/wal/*.log) after a clean stop\n", data_dir.c_str()), 1;
  const std::uintmax_t offset = FlipByte(file, options.seed);
  const std::string file_name = fs::path(file).filename().string();
  std::printf("flipped the byte at offset %ju of %s (%ju bytes)\n", offset, file.c_str(), fs::file_size(file));

  const size_t log_start = ReadWholeFile(server.log_path()).size();
  if (!server.Start(kStartTimeout)) {
    const std::string log = ReadWholeFile(server.log_path()).substr(log_start);
    if (log.find("XX001") != std::string::npos && log.find(file_name) != std::string::npos) {
      std::printf("OK: the server refused to start, naming XX001 and %s\n", file_name.c_str());
      return 0;
    }
    return std::printf("FAILED: the server did not start, and its log does not name XX001 and %s:\n%s\n",
                       file_name.c_str(), log.c_str()), 1;
  }
  const std::string problem = CheckAnswers(server, options, file_name);
  server.Stop();
  if (!problem.empty()) return std::printf("FAILED: %s\n", problem.c_str()), 1;
  std::printf("OK: the server started and answered the right rows or XX001\n");
  return 0;
}

int Main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  Options options;
  for (int index = 1; index < argc; ++index) {
    const std::string arg = argv[index];
    const bool has_value = index + 1 < argc;
    if (arg == "--target" && has_value) options.target = argv[++index];
    else if (arg == "--server" && has_value) options.server = argv[++index];
    else if (arg == "--server-flag" && has_value) options.server_flags.push_back(argv[++index]);
    else if (arg == "--rows" && has_value) options.rows = std::atoi(argv[++index]);
    else if (arg == "--seed" && has_value) options.seed = std::strtoull(argv[++index], nullptr, 10);
    else if (arg == "--keep") options.keep = true;
    else return std::fputs(kUsage, stderr), 2;
  }
  if ((options.target != "wal" && options.target != "segment") || options.rows < 1) return std::fputs(kUsage, stderr), 2;
  std::string dir = fs::temp_directory_path().string() + "/tessera-corrupt-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return std::fputs("mkdtemp failed\n", stderr), 1;
  const int status = Run(options, dir + "/data");
  if (options.keep) {
    std::printf("kept %s\n", dir.c_str());
  } else {
    fs::remove_all(dir);
  }
  return status;
}

}  // namespace
}  // namespace tessera::crash

int main(int argc, char** argv) {
  try {
    return tessera::crash::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "corruption_test: %s\n", error.what());
    return 1;
  }
}
