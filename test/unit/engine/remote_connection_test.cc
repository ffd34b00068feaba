// SPDX-License-Identifier: Apache-2.0
// RemoteConnection against live tessera servers: binary round trips of every type (checked against the
// server's own text output), batching, worker errors, timeouts, stopped and killed workers, COPY IN.
#include <doctest/doctest.h>

#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "engine/remote/remote_connection.h"
#include "test/slt/server_process.h"

namespace tessera::remote {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kTimeout = 20s;

// A tessera server in a fresh temporary data directory.
class TestServer {
 public:
  TestServer() {
    char pattern[] = "/tmp/remote_connection_test.XXXXXX";
    directory_ = mkdtemp(pattern);
    server_.emplace(TESSERA_BINARY, directory_ + "/data", directory_ + "/server.log");
    server_->Start(std::chrono::seconds(60));
  }
  ~TestServer() {
    server_.reset();  // stops the server
    std::filesystem::remove_all(directory_);
  }
  slt::ServerProcess& process() { return *server_; }
  RemoteEndpoint Endpoint() const { return {"127.0.0.1", server_->port(), "postgres", "", "postgres"}; }
  RemoteConnection Connect() const { return RemoteConnection::Connect(Endpoint(), kTimeout); }

 private:
  std::string directory_;
  std::optional<slt::ServerProcess> server_;
};

// The server for tests that neither stop nor kill it, started on first use.
// Whether process `pid` is in the stopped state within 2 s: kill() returns before every thread of a busy
// process has stopped, and on a loaded machine it could still answer a query meanwhile.
bool BecomesStopped(pid_t pid) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const size_t name_end = line.rfind(')');
    if (name_end != std::string::npos && name_end + 2 < line.size() && line[name_end + 2] == 'T') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TestServer& SharedServer() {
  static TestServer server;
  return server;
}

template <typename Body>
std::optional<SqlError> ErrorOf(Body body) {
  try {
    body();
  } catch (const SqlError& error) {
    return error;
  }
  return std::nullopt;
}

std::string CodeOf(const SqlError& error) { return std::string(SqlStateCode(error.state())); }

std::vector<Batch> QueryAll(RemoteConnection& connection, const std::string& sql, RemoteResult* result = nullptr) {
  std::vector<Batch> batches;
  RemoteResult out = connection.Query(sql, [&](Batch batch) { batches.push_back(std::move(batch)); }, kTimeout);
  if (result != nullptr) *result = out;
  return batches;
}

// The server's text output for `sql` (one string per cell, nullopt for NULL), through plain libpq.
std::vector<std::vector<std::optional<std::string>>> TextRows(const TestServer& server, const std::string& sql) {
  const RemoteEndpoint endpoint = server.Endpoint();
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(endpoint.port) + " user=postgres dbname=postgres";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PQclear(PQexec(conn, "SET TimeZone = 'UTC'"));
  PGresult* result = PQexec(conn, sql.c_str());
  REQUIRE_MESSAGE(PQresultStatus(result) == PGRES_TUPLES_OK, PQresultErrorMessage(result));
  std::vector<std::vector<std::optional<std::string>>> rows(PQntuples(result));
  for (int row = 0; row < PQntuples(result); ++row) {
    for (int column = 0; column < PQnfields(result); ++column) {
      if (PQgetisnull(result, row, column)) {
        rows[row].emplace_back(std::nullopt);
      } else {
        rows[row].emplace_back(PQgetvalue(result, row, column));
      }
    }
  }
  PQclear(result);
  PQfinish(conn);
  return rows;
}

TEST_SUITE("remote_connection") {

TEST_CASE("every type round-trips in binary and prints as the server prints it") {
  TestServer& server = SharedServer();
  RemoteConnection connection = server.Connect();
  connection.Execute(
      "DROP TABLE IF EXISTS all_types; "
      "CREATE TABLE all_types (id int4, b bool, i2 int2, i8 int8, f4 float4, f8 float8, n numeric(12,3), "
      "nu numeric, t text, vc varchar(10), c char(5), by bytea, d date, tm time, ttz timetz, ts timestamp, "
      "tstz timestamptz, iv interval, u uuid, ta text[], i2a int2[], i4a int4[], i8a int8[], v vector(3))",
      kTimeout);
  connection.Execute(
      "INSERT INTO all_types VALUES "
      "(1, true, -32768, 9223372036854775807, 1.5, '-2.25e-300', 123456789.125, -0.000001, 'héllo', 'abc', 'ab', "
      "'\\x00ff10', '2024-02-29', '23:59:59.999999', '12:34:56+05:30', '1999-12-31 23:59:59.5', "
      "'2024-06-01 12:00:00+02', '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
      "'{a,NULL,\"b c\",\"\"}', '{1,-2}', '{2147483647,NULL}', '{-9223372036854775808}', '[1,-2.5,3e-7]'), "
      "(2, false, 0, -1, 'NaN', 'Infinity', 0, 1e20, '', 'x', 'x', '', 'infinity', '00:00:00', '00:00:00-14', "
      "'-infinity', '1970-01-01 00:00:00+00', '-1 mons -00:00:01', '00000000-0000-0000-0000-000000000000', "
      "'{}', '{}', '{}', '{}', '[0,0,0]'), "
      "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
      kTimeout);

  const std::string select = "SELECT * FROM all_types ORDER BY id";
  RemoteResult result;
  const std::vector<Batch> batches = QueryAll(connection, select, &result);
  const auto expected = TextRows(server, select);
  REQUIRE(batches.size() == 1);
  const Batch& batch = batches[0];
  REQUIRE(batch.num_rows == expected.size());
  CHECK(result.num_rows == 3);
  CHECK(result.command_tag == "SELECT 3");
  REQUIRE(result.column_names.size() == 24);
  CHECK(result.column_names[1] == "b");
  CHECK(result.column_types[6] == LogicalType::Numeric(12, 3));
  CHECK(result.column_types[9] == LogicalType::Varchar(10));
  CHECK(result.column_types[10] == LogicalType::Char(5));
  CHECK(result.column_types[23] == LogicalType(TypeId::kVector, 3));
  for (size_t column = 0; column < batch.columns.size(); ++column) {
    CHECK(batch.columns[column].type() == result.column_types[column]);
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      CAPTURE(result.column_names[column]);
      CAPTURE(row);
      const Vector& vector = batch.columns[column];
      const std::optional<std::string>& text = expected[row][column];
      REQUIRE(vector.IsNull(row) == !text.has_value());
      if (text) CHECK(vector.GetValue(row).ToString() == *text);
    }
  }
}

TEST_CASE("a result larger than a batch arrives in full batches, in order") {
  RemoteConnection connection = SharedServer().Connect();
  RemoteResult result;
  const std::vector<Batch> batches =
      QueryAll(connection, "SELECT g, 'row ' || g AS label FROM generate_series(1, 5000) g", &result);
  CHECK(result.num_rows == 5000);
  CHECK(result.command_tag == "SELECT 5000");
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].num_rows == kBatchSize);
  CHECK(batches[1].num_rows == kBatchSize);
  CHECK(batches[2].num_rows == 5000 - 2 * kBatchSize);
  int64_t expected = 1;
  for (const Batch& batch : batches) {
    for (idx_t row = 0; row < batch.num_rows; ++row, ++expected) {
      REQUIRE(batch.columns[0].Data<int32_t>()[row] == expected);
      REQUIRE(batch.columns[1].GetString(row) == "row " + std::to_string(expected));
    }
  }
}

TEST_CASE("a query without rows reports its columns and no batch") {
  RemoteConnection connection = SharedServer().Connect();
  RemoteResult result;
  CHECK(QueryAll(connection, "SELECT 1 AS one, 'x'::text AS two WHERE false", &result).empty());
  CHECK(result.column_names == std::vector<std::string>{"one", "two"});
  CHECK(result.column_types == std::vector<LogicalType>{LogicalType(TypeId::kInt32), LogicalType(TypeId::kText)});
  CHECK(result.command_tag == "SELECT 0");
}

TEST_CASE("the worker's errors keep their SQLSTATE and name the worker; the connection stays usable") {
  TestServer& server = SharedServer();
  RemoteConnection connection = server.Connect();
  const std::string worker = "on worker 127.0.0.1:" + std::to_string(server.process().port());

  auto division = ErrorOf([&] { QueryAll(connection, "SELECT 1 / 0"); });
  REQUIRE(division);
  CHECK(CodeOf(*division) == "22012");
  CHECK(division->info().message == "division by zero");
  CHECK(division->info().context == worker);
  CHECK(connection.is_open());

  auto missing = ErrorOf([&] { connection.Execute("SELECT * FROM no_such_table", kTimeout); });
  REQUIRE(missing);
  CHECK(CodeOf(*missing) == "42P01");
  CHECK(missing->info().message == "relation \"no_such_table\" does not exist");
  CHECK(missing->info().context == worker);
  CHECK(missing->info().position == 0);

  auto syntax = ErrorOf([&] { QueryAll(connection, "SELEC 1"); });
  REQUIRE(syntax);
  CHECK(CodeOf(*syntax) == "42601");

  CHECK(connection.Execute("SELECT 1", kTimeout) == "SELECT 1");
  CHECK(QueryAll(connection, "SELECT 2").at(0).columns.at(0).Data<int32_t>()[0] == 2);
}

TEST_CASE("Execute returns the last command tag of several statements") {
  RemoteConnection connection = SharedServer().Connect();
  CHECK(connection.Execute("DROP TABLE IF EXISTS tags; CREATE TABLE tags (a int)", kTimeout) == "CREATE TABLE");
  CHECK(connection.Execute("INSERT INTO tags VALUES (1), (2)", kTimeout) == "INSERT 0 2");
  CHECK(connection.Execute("BEGIN; UPDATE tags SET a = a + 1; COMMIT", kTimeout) == "COMMIT");
}

TEST_CASE("an exception from the batch consumer closes the connection") {
  RemoteConnection connection = SharedServer().Connect();
  auto error = ErrorOf([&] {
    connection.Query(
        "SELECT g FROM generate_series(1, 100000) g",
        [](Batch) { throw SqlError(SqlState::kQueryCanceled, "consumer gave up"); }, kTimeout);
  });
  REQUIRE(error);
  CHECK(error->info().message == "consumer gave up");
  CHECK_FALSE(connection.is_open());
  auto closed = ErrorOf([&] { connection.Execute("SELECT 1", kTimeout); });
  REQUIRE(closed);
  CHECK(CodeOf(*closed) == "08006");
}

TEST_CASE("COPY FROM STDIN in binary stores the batches' rows") {
  RemoteConnection connection = SharedServer().Connect();
  connection.Execute("DROP TABLE IF EXISTS copied; CREATE TABLE copied (a int4, b text, c float8, d numeric)",
                     kTimeout);
  const std::vector<LogicalType> types = {LogicalType(TypeId::kInt32), LogicalType(TypeId::kText),
                                          LogicalType(TypeId::kFloat64), LogicalType(TypeId::kNumeric)};
  constexpr int64_t kRows = 5000;
  std::vector<Batch> batches;
  for (int64_t first = 1; first <= kRows; first += kBatchSize) {
    Batch batch(types);
    for (int64_t value = first; value < first + static_cast<int64_t>(kBatchSize) && value <= kRows; ++value) {
      batch.columns[0].AppendValue(Value::Int32(static_cast<int32_t>(value)));
      batch.columns[1].AppendValue(value % 10 == 0 ? Value::Null(types[1]) : Value::Text("v" + std::to_string(value)));
      batch.columns[2].AppendValue(Value::Float64(value * 0.5));
      batch.columns[3].AppendValue(Value::Numeric(Decimal::Parse(std::to_string(value) + ".25")));
      ++batch.num_rows;
    }
    batches.push_back(std::move(batch));
  }
  CHECK(connection.CopyIn("COPY copied FROM STDIN (FORMAT binary)", batches, kTimeout) == kRows);

  const auto batches_back = QueryAll(connection,
      "SELECT count(*), sum(a), count(b), sum(c), sum(d), max(b) FROM copied");
  const Batch& sums = batches_back.at(0);
  CHECK(sums.columns[0].GetValue(0).ToString() == "5000");
  CHECK(sums.columns[1].GetValue(0).ToString() == "12502500");
  CHECK(sums.columns[2].GetValue(0).ToString() == "4500");
  CHECK(sums.columns[3].GetValue(0).ToString() == "6251250");
  CHECK(sums.columns[4].GetValue(0).ToString() == "12503750.00");
  CHECK(sums.columns[5].GetValue(0).ToString() == "v999");
}

TEST_CASE("a COPY the worker rejects fails with its SQLSTATE and keeps the connection") {
  RemoteConnection connection = SharedServer().Connect();
  std::vector<Batch> none;
  auto error = ErrorOf([&] { connection.CopyIn("COPY no_such_table FROM STDIN (FORMAT binary)", none, kTimeout); });
  REQUIRE(error);
  CHECK(CodeOf(*error) == "42P01");
  CHECK(connection.is_open());
  CHECK(connection.Execute("SELECT 1", kTimeout) == "SELECT 1");
}

TEST_CASE("COPY data the worker cannot read fails with its SQLSTATE and keeps the connection") {
  RemoteConnection connection = SharedServer().Connect();
  connection.Execute("DROP TABLE IF EXISTS narrow; CREATE TABLE narrow (a int4)", kTimeout);
  Batch wide({LogicalType(TypeId::kInt64)});  // 8-byte values for a 4-byte column
  wide.columns[0].AppendValue(Value::Int64(1));
  wide.num_rows = 1;
  auto error = ErrorOf([&] { connection.CopyIn("COPY narrow FROM STDIN (FORMAT binary)", {&wide, 1}, kTimeout); });
  REQUIRE(error);
  CHECK(CodeOf(*error) == "22P03");
  CHECK(connection.is_open());
  CHECK(connection.Execute("SELECT count(*) FROM narrow", kTimeout) == "SELECT 1");
}

TEST_CASE("connecting to a closed port fails quickly with 08006") {
  const int port = slt::FindFreeLoopbackPort();
  const auto start = Clock::now();
  auto error = ErrorOf([&] { RemoteConnection::Connect({"127.0.0.1", port, "postgres", "", "postgres"}, 5s); });
  REQUIRE(error);
  CHECK(CodeOf(*error) == "08006");
  CHECK(error->info().message.starts_with("could not connect to worker 127.0.0.1:" + std::to_string(port) + ": "));
  CHECK(Clock::now() - start < 2s);
}

TEST_CASE("a stopped worker fails the call with 08006 within its timeout and the cancel does not hang") {
  TestServer server;
  RemoteConnection connection = server.Connect();
  REQUIRE(::kill(server.process().pid(), SIGSTOP) == 0);
  REQUIRE(BecomesStopped(server.process().pid()));

  auto start = Clock::now();
  auto error = ErrorOf([&] { connection.Query("SELECT 1", [](Batch) {}, 300ms); });
  const auto took = Clock::now() - start;
  REQUIRE(error);
  CHECK(CodeOf(*error) == "08006");
  CHECK(error->info().message == "worker " + server.Endpoint().Name() + " did not answer within 300 ms");
  CHECK(took >= 300ms);
  CHECK(took < 1500ms);
  CHECK_FALSE(connection.is_open());

  start = Clock::now();
  auto connect_error = ErrorOf([&] { RemoteConnection::Connect(server.Endpoint(), 300ms); });
  REQUIRE(connect_error);
  CHECK(CodeOf(*connect_error) == "08006");
  CHECK(connect_error->info().message == "could not connect to worker " + server.Endpoint().Name() + ": timeout expired");
  CHECK(Clock::now() - start < 1500ms);

  REQUIRE(::kill(server.process().pid(), SIGCONT) == 0);
  RemoteConnection again = server.Connect();
  CHECK(again.Execute("SELECT 1", kTimeout) == "SELECT 1");
}

TEST_CASE("a worker killed in the middle of a query fails it with 08006 naming the worker") {
  TestServer server;
  RemoteConnection connection = server.Connect();
  int batches_seen = 0;
  auto error = ErrorOf([&] {
    connection.Query(
        "SELECT a.x, b.y FROM generate_series(1, 100000) a(x), generate_series(1, 1000) b(y)",
        [&](Batch) {
          if (++batches_seen == 2) server.process().Kill();
        },
        kTimeout);
  });
  REQUIRE(error);
  CHECK(CodeOf(*error) == "08006");
  CHECK(error->info().message.starts_with("lost connection to worker " + server.Endpoint().Name() + ": "));
  CHECK_FALSE(connection.is_open());
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::remote
