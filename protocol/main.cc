// SPDX-License-Identifier: Apache-2.0
// The tessera server executable: parses flags, opens the Database and serves PostgreSQL clients.
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/memory_tracker.h"
#include "engine/database.h"
#include "engine/durability.h"
#include "protocol/auth_config.h"
#include "protocol/server.h"

namespace {

constexpr std::string_view kVersion = "0.1.0";

constexpr std::string_view kUsage = R"(Usage: tessera [OPTIONS]

Tessera: a PostgreSQL-wire-compatible, scale-out SQL database.

Options:
  --port N            TCP port to listen on (default 5433, so that it can run beside PostgreSQL's 5432)
  --host ADDR         address to listen on (default 127.0.0.1; 0.0.0.0 for all IPv4 interfaces)
  --data-dir DIR      directory for catalog, WAL and segments (default ./tessera-data)
  --partitions N      partitions per table (default 0: two per core)
  --threads N         executor worker threads (default 0: one per core)
  --max-connections N clients served at once (default 1000)
  --flush-rows N      rows of settled row groups per partition written at once as a compressed segment
                      file (default 262144); below 2048 every commit writes what it can (for tests)
  --role ROLE         embedded (default: coordinator and worker in one process), coordinator (holds the
                      cluster's metadata; add workers with SELECT tessera.add_worker('host', port)) or
                      worker (holds table partitions for a coordinator); see docs/CLUSTER.md
  --worker-timeout MS how long a coordinator waits for a worker to connect or answer before failing with
                      SQLSTATE 08006 naming it (default 10000)
  --memory-limit SIZE cap on the memory queries allocate, in bytes or with a unit (512MB, 2GB); a query
                      that needs more fails with SQLSTATE 53200 and the server goes on serving
                      (default -1: no limit; the operating system's OOM killer is then the only bound)
  --auth METHOD       how clients authenticate: trust (default: any user, no password) or scram-sha-256
                      (users of --password-file, with SCRAM-SHA-256 as PostgreSQL's scram-sha-256)
  --password-file F   users and their passwords for --auth scram-sha-256, one "user:password" per line
                      (read at start; '#' starts a comment line)
  --cluster-secret-file F
                      file whose first line is the cluster secret: user tessera_cluster logs in with it
                      (always by SCRAM, whatever --auth says); without it tessera_cluster is refused
  --help              print this help and exit
  --version           print the version and exit

Connect with: psql -h 127.0.0.1 -p 5433 -U <any user> -d tessera
(with --auth scram-sha-256: a user of the password file, and its password, e.g. in PGPASSWORD)
)";

struct Flags {
  tessera::engine::DatabaseOptions database;
  tessera::protocol::ServerOptions server;
  size_t memory_limit = 0;  // 0: none
  std::string password_file;
  std::string cluster_secret_file;
};

void PrintError(const tessera::Status& status) {
  const tessera::ErrorInfo& info = status.info();
  fmt::print(stderr, "tessera: {}: {}{}\n", tessera::SqlStateCode(info.state), info.message,
             info.detail.empty() ? "" : " (" + info.detail + ")");
}

std::optional<int> ParseNumber(std::string_view text, int minimum, int maximum) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < minimum || value > maximum) {
    return std::nullopt;
  }
  return value;
}

// Parses argv into `flags`. Returns an exit code when the program should stop (help, version, errors).
std::optional<int> ParseFlags(int argc, char** argv, Flags* flags) {
  flags->database.data_dir = "./tessera-data";
  flags->server.handle_signals = true;
  for (int index = 1; index < argc; ++index) {
    std::string_view flag = argv[index];
    std::string_view value;
    if (size_t equals = flag.find('='); flag.rfind("--", 0) == 0 && equals != std::string_view::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    } else if (flag != "--help" && flag != "--version" && index + 1 < argc) {
      value = argv[++index];
    }
    auto number = [&](int minimum, int maximum) -> std::optional<int> {
      std::optional<int> parsed = ParseNumber(value, minimum, maximum);
      if (!parsed) fmt::print(stderr, "tessera: invalid value \"{}\" for {}\n", value, flag);
      return parsed;
    };
    std::optional<int> parsed;
    if (flag == "--help" || flag == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (flag == "--version") {
      fmt::print("tessera {} (PostgreSQL 15 wire protocol)\n", kVersion);
      return 0;
    } else if (flag == "--port") {
      if (!(parsed = number(0, 65535))) return 2;
      flags->server.port = *parsed;
    } else if (flag == "--host") {
      flags->server.host = std::string(value);
    } else if (flag == "--data-dir") {
      flags->database.data_dir = std::string(value);
    } else if (flag == "--partitions") {
      if (!(parsed = number(0, 4096))) return 2;
      flags->database.partitions_per_table = *parsed;
    } else if (flag == "--threads") {
      if (!(parsed = number(0, 4096))) return 2;
      flags->database.worker_threads = *parsed;
    } else if (flag == "--flush-rows") {
      if (!(parsed = number(1, 1 << 30))) return 2;
      flags->database.flush_rows = static_cast<uint64_t>(*parsed);
    } else if (flag == "--max-connections") {
      if (!(parsed = number(1, 100000))) return 2;
      flags->server.max_connections = *parsed;
    } else if (flag == "--role") {
      if (value == "embedded") {
        flags->database.role = tessera::engine::Role::kEmbedded;
      } else if (value == "coordinator") {
        flags->database.role = tessera::engine::Role::kCoordinator;
      } else if (value == "worker") {
        flags->database.role = tessera::engine::Role::kWorker;
      } else {
        fmt::print(stderr, "tessera: invalid value \"{}\" for {} (embedded, coordinator or worker)\n", value, flag);
        return 2;
      }
    } else if (flag == "--worker-timeout") {
      if (!(parsed = number(1, 3600 * 1000))) return 2;
      flags->database.worker_timeout_ms = *parsed;
    } else if (flag == "--memory-limit") {
      std::optional<size_t> bytes = tessera::memory::ParseMemorySize(value);
      if (!bytes) {
        fmt::print(stderr, "tessera: invalid value \"{}\" for {}\n", value, flag);
        return 2;
      }
      flags->memory_limit = *bytes;
    } else if (flag == "--auth") {
      std::optional<tessera::protocol::AuthMethod> method = tessera::protocol::ParseAuthMethod(value);
      if (!method) {
        fmt::print(stderr, "tessera: invalid value \"{}\" for {} (trust or scram-sha-256)\n", value, flag);
        return 2;
      }
      flags->server.auth.set_method(*method);
    } else if (flag == "--password-file") {
      flags->password_file = std::string(value);
    } else if (flag == "--cluster-secret-file") {
      flags->cluster_secret_file = std::string(value);
    } else {
      fmt::print(stderr, "tessera: unknown option \"{}\"\n{}", argv[index], kUsage);
      return 2;
    }
  }
  if (flags->server.host.empty() || flags->database.data_dir.empty()) {
    fmt::print(stderr, "tessera: --host and --data-dir need a value\n");
    return 2;
  }
  return std::nullopt;
}

// Reads the password and cluster secret files into the flags. Returns an exit code on failure.
std::optional<int> LoadCredentials(Flags* flags) {
  tessera::protocol::AuthConfig& auth = flags->server.auth;
  if (!flags->password_file.empty()) {
    if (auth.method() != tessera::protocol::AuthMethod::kScramSha256) {
      fmt::print(stderr, "tessera: --password-file needs --auth scram-sha-256\n");
      return 2;
    }
    if (tessera::Status read = tessera::protocol::ReadPasswordFile(flags->password_file, &auth); !read.ok()) {
      PrintError(read);
      return 2;
    }
  }
  if (!flags->cluster_secret_file.empty()) {
    std::string& secret = flags->database.cluster_secret;
    tessera::Status read = tessera::protocol::ReadClusterSecretFile(flags->cluster_secret_file, &secret);
    if (!read.ok()) {
      PrintError(read);
      return 2;
    }
    auth.SetClusterSecret(secret);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (std::optional<int> exit_code = ParseFlags(argc, argv, &flags)) return *exit_code;
  if (std::optional<int> exit_code = LoadCredentials(&flags)) return *exit_code;
  std::signal(SIGPIPE, SIG_IGN);
  tessera::memory::SetLimit(flags.memory_limit);
  try {
    tessera::engine::Database database(flags.database);
    if (tessera::Status opened = database.OpenStorage(); !opened.ok()) {
      PrintError(opened);
      return 1;
    }
    tessera::protocol::Server server(database, flags.server);
    uint16_t port = server.Listen();
    fmt::print("tessera listening on {}:{}\n", flags.server.host, port);
    std::fflush(stdout);
    server.Run();
    // A shutdown checkpoint: the next start has no WAL to replay.
    if (database.durability() != nullptr) {
      if (tessera::Status done = database.durability()->Checkpoint(); !done.ok()) {
        PrintError(done);
        return 1;
      }
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "tessera: {}\n", error.what());
    return 1;
  }
  return 0;
}
