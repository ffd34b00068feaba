// SPDX-License-Identifier: Apache-2.0
// Wire-protocol fuzzer against a live in-process server: random bytes, mutated valid message streams
// (bad lengths, truncation, huge length fields, wrong type codes), random Bind parameter counts and
// formats, and random SQL fragments. After every case a fresh connection must still run SELECT 1.
// Bounded: TESSERA_FUZZ_CASES cases (default 3000) or 45 seconds, whichever ends first; the seed comes
// from TESSERA_FUZZ_SEED or the clock and is printed so a failure can be replayed.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "protocol/server.h"
#include "wire_client.h"

namespace tessera::protocol {
namespace {

using testing::MessageTypes;
using testing::TestServer;
using testing::WireClient;

constexpr auto kTimeBudget = std::chrono::seconds(45);

class Fuzzer {
 public:
  explicit Fuzzer(uint64_t seed) : random_(seed) {}

  // Returns the bytes of one case and whether they start after a valid startup (the caller sends it).
  std::string NextCase(bool* after_startup, std::string* kind) {
    switch (random_() % 7) {
      case 0:
        *after_startup = false;
        *kind = "random bytes before startup";
        return RandomBytes(64);
      case 1:
        *after_startup = true;
        *kind = "random bytes after startup";
        return RandomBytes(64);
      case 2:
        *after_startup = false;
        *kind = "mutated startup";
        return Mutate(StartupBytes());
      case 3:
        *after_startup = true;
        *kind = "mutated message stream";
        return Mutate(ValidStream());
      case 4:
        *after_startup = true;
        *kind = "bad length fields";
        return BadLengths();
      case 5:
        *after_startup = true;
        *kind = "random bind";
        return RandomBind();
      default:
        *after_startup = true;
        *kind = "random sql";
        return RandomSql();
    }
  }

 private:
  uint64_t Below(uint64_t bound) { return random_() % bound; }

  std::string RandomBytes(size_t max_length) {
    std::string bytes(Below(max_length + 1), '\0');
    for (char& byte : bytes) byte = static_cast<char>(random_());
    return bytes;
  }

  static std::string Encode(const std::vector<FrontendMessage>& messages) {
    std::string bytes;
    for (const FrontendMessage& message : messages) EncodeFrontendMessage(message, &bytes);
    return bytes;
  }

  std::string StartupBytes() {
    std::vector<FrontendMessage> messages;
    if (Below(3) == 0) messages.push_back(SslRequest{});
    if (Below(5) == 0) messages.push_back(CancelRequest{static_cast<int32_t>(random_()), static_cast<int32_t>(random_())});
    messages.push_back(StartupMessage{kProtocolVersion3, {{"user", "fuzz"}, {"database", "tessera"}}});
    messages.push_back(QueryMessage{"select 1"});
    return Encode(messages);
  }

  std::string ValidStream() {
    return Encode({QueryMessage{"select 1; select 'a'"},
                   ParseMessage{"s", "select $1::int4, $2::text", {23, 25}},
                   BindMessage{"p", "s", {1, 0}, {std::string("\0\0\0\x07", 4), std::string("x")}, {1, 0}},
                   DescribeMessage{'P', "p"},
                   ExecuteMessage{"p", 1},
                   ExecuteMessage{"p", 0},
                   CloseMessage{'P', "p"},
                   CloseMessage{'S', "s"},
                   SyncMessage{},
                   FlushMessage{},
                   QueryMessage{""}});
  }

  std::string Mutate(std::string bytes) {
    static const uint32_t kInteresting[] = {0, 1, 3, 4, 5, 8, 10000, 10001, 0x3ffffffe, 0x3fffffff,
                                            0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
    int edits = 1 + static_cast<int>(Below(4));
    for (int edit = 0; edit < edits && !bytes.empty(); ++edit) {
      size_t position = Below(bytes.size());
      switch (Below(6)) {
        case 0: bytes[position] = static_cast<char>(random_()); break;
        case 1: bytes.insert(position, RandomBytes(8)); break;
        case 2: bytes.erase(position, 1 + Below(8)); break;
        case 3: bytes.resize(position); break;  // truncate
        case 4: {
          static const char kTypes[] = "QPBDECSHXdcfFpZ\0";
          bytes[position] = kTypes[Below(sizeof(kTypes) - 1)];
          break;
        }
        default:
          if (position + 4 <= bytes.size()) {
            uint32_t value = kInteresting[Below(std::size(kInteresting))];
            for (int index = 0; index < 4; ++index) bytes[position + index] = static_cast<char>(value >> (24 - 8 * index));
          }
          break;
      }
    }
    return bytes;
  }

  std::string BadLengths() {
    static const char kTypes[] = "QPBDECSHXdcf";
    char type = kTypes[Below(sizeof(kTypes) - 1)];
    uint32_t length;
    switch (Below(4)) {
      case 0: length = static_cast<uint32_t>(Below(4)); break;                 // below 4
      case 1: length = 0x40000000u + static_cast<uint32_t>(Below(1000)); break;  // over 1 GiB
      case 2: length = 10001u + static_cast<uint32_t>(Below(100)); break;       // over the small limit
      default: length = static_cast<uint32_t>(random_()); break;
    }
    std::string bytes(1, type);
    for (int index = 0; index < 4; ++index) bytes.push_back(static_cast<char>(length >> (24 - 8 * index)));
    bytes += RandomBytes(16);
    return bytes;
  }

  std::string RandomParameter() {
    switch (Below(4)) {
      case 0: return std::to_string(static_cast<int64_t>(random_()));
      case 1: return "2024-02-29 12:34:56.789+02";
      case 2: return std::to_string(static_cast<double>(random_()) / 7.0);
      default: return RandomBytes(12);
    }
  }

  std::string RandomBind() {
    static const uint32_t kOids[] = {0, 16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082,
                                     1083, 1114, 1184, 1186, 1700, 1005, 1007, 1016, 1009, 1028, 12345};
    uint32_t oid = kOids[Below(std::size(kOids))];
    ParseMessage parse{"", Below(2) ? "select $1" : "select $1, $1 is null", {oid}};
    BindMessage bind;
    size_t parameter_count = Below(10) == 0 ? Below(4) : 1;
    for (size_t index = 0; index < parameter_count; ++index) {
      if (Below(8) == 0) {
        bind.parameters.emplace_back(std::nullopt);
      } else {
        bind.parameters.emplace_back(RandomParameter());
      }
    }
    size_t format_count = Below(4);
    for (size_t index = 0; index < format_count; ++index) {
      bind.parameter_formats.push_back(static_cast<int16_t>(Below(6) == 0 ? random_() : Below(2)));
    }
    size_t result_format_count = Below(4);
    for (size_t index = 0; index < result_format_count; ++index) {
      bind.result_formats.push_back(static_cast<int16_t>(Below(6) == 0 ? random_() : Below(2)));
    }
    return Encode({parse, bind, DescribeMessage{'P', ""}, ExecuteMessage{"", static_cast<int32_t>(Below(3))},
                   ExecuteMessage{}, SyncMessage{}});
  }

  std::string RandomSql() {
    static const char* kFragments[] = {
        "select", "1", "*", "from", "generate_series(1, 20) g", "where", "(", ")", "'abc'", "::int", "::text",
        "::numeric(10,2)", "::date", "::timestamptz", "::interval", "::bytea", "null", "1/0", "create table fz (a int, b text)",
        "insert into fz values (1, 'x')", "begin", "commit", "rollback", ";", ",", "--", "/*", "*/", "'", "\"", "E'\\x'",
        "union all", "order by 1", "limit 3", "offset 1", "-", "+", "99999999999999999999999999999999999999999",
        "1e400", "'2020-01-01'::date", "interval '1 day'", "drop table fz", "set timezone = 'UTC'", "show timezone",
        "\\", "\xff\xfe", "count(*)", "group by 1", "having", "case when true then 1 end", "$1", "array[1,2]",
        "'{a,b}'::text[]", "true", "and", "or", "not", "is", "in (1, 2)", "like '%a'", "current_date", "now()",
        "values (1), (2)", "with x as (select 1)", "explain", "vacuum", "copy fz from stdin", "prepare q as select 1",
        "execute q", "deallocate q", "lower('A')", "length('é')", "cast(1 as text)", "sum(g)", "max(g)", "distinct",
    };
    std::string sql;
    size_t length = 1 + Below(12);
    for (size_t index = 0; index < length; ++index) {
      if (!sql.empty()) sql.push_back(' ');
      sql += kFragments[Below(std::size(kFragments))];
    }
    if (Below(2) == 0) return Encode({QueryMessage{sql}});
    return Encode({ParseMessage{"", sql, {}}, BindMessage{}, DescribeMessage{'P', ""}, ExecuteMessage{}, SyncMessage{}});
  }

  std::mt19937_64 random_;
};

uint64_t SeedFromEnvironment() {
  if (const char* seed = std::getenv("TESSERA_FUZZ_SEED")) return std::strtoull(seed, nullptr, 10);
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

int CasesFromEnvironment() {
  if (const char* cases = std::getenv("TESSERA_FUZZ_CASES")) return std::atoi(cases);
  return 3000;
}

// Connects anew and checks that SELECT 1 answers 1.
bool ServerStillServes(uint16_t port) {
  WireClient probe;
  if (!probe.Connect(port) || !probe.Startup("probe")) return false;
  std::vector<BackendMessage> messages = probe.Query("select 1");
  return MessageTypes(messages) == "TDCZ" && testing::DataRows(messages)[0][0] == "1";
}

TEST_SUITE("ProtocolFuzz") {
  TEST_CASE("the server survives hostile clients and keeps serving") {
    uint64_t seed = SeedFromEnvironment();
    int case_count = CasesFromEnvironment();
    std::printf("protocol fuzz: seed %llu, up to %d cases\n", static_cast<unsigned long long>(seed), case_count);
    TestServer server;
    Fuzzer fuzzer(seed);
    auto started = std::chrono::steady_clock::now();
    int cases_run = 0;
    for (; cases_run < case_count && std::chrono::steady_clock::now() - started < kTimeBudget; ++cases_run) {
      bool after_startup = false;
      std::string kind;
      std::string payload = fuzzer.NextCase(&after_startup, &kind);
      CAPTURE(seed);
      CAPTURE(cases_run);
      CAPTURE(kind);
      {
        WireClient client(10000);
        REQUIRE(client.Connect(server.port()));
        if (after_startup) REQUIRE(client.Startup("fuzz"));
        client.SendBytes(payload);
        // Half-close: the server handles what it got, sees end of input and closes.
        client.ShutdownWrite();
        CHECK_MESSAGE(client.ReadUntilClosed(), "server did not close the connection after end of input");
      }
      REQUIRE_MESSAGE(ServerStillServes(server.port()), "server stopped serving");
    }
    std::printf("protocol fuzz: %d cases in %.1f s\n", cases_run,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // Every connection is torn down: nothing leaks.
    for (int attempt = 0; attempt < 100 && server.server().connection_count() > 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(server.server().connection_count() == 0);
  }
}

}  // namespace
}  // namespace tessera::protocol
