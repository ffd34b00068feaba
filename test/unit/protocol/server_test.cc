// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the server over TCP with real clients: libpq (simple, extended, binary, cancel,
// many connections) and libpqxx (exec_params, prepared statements), plus raw-socket protocol errors.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "protocol/server.h"
#include "wire_client.h"

namespace tessera::protocol {
namespace {

using testing::FirstErrorCode;
using testing::MessageTypes;
using testing::TestServer;
using testing::WireClient;

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
struct ResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultCloser>;

Connection Connect(const TestServer& server) {
  Connection connection(PQconnectdb(server.ConnectionString().c_str()));
  REQUIRE(PQstatus(connection.get()) == CONNECTION_OK);
  return connection;
}

std::string ErrorCode(const PGresult* result) {
  const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return code ? code : "";
}

TEST_SUITE("Server") {
  TEST_CASE("libpq connects and runs simple queries") {
    TestServer server;
    Connection connection = Connect(server);
    CHECK(std::string(PQparameterStatus(connection.get(), "server_version")).rfind("15", 0) == 0);
    CHECK(PQbackendPID(connection.get()) != 0);
    Result result(PQexec(connection.get(), "select 1 as one, 'two' as two"));
    REQUIRE(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
    CHECK(PQntuples(result.get()) == 1);
    CHECK(std::string(PQfname(result.get(), 0)) == "one");
    CHECK(PQftype(result.get(), 0) == 23);
    CHECK(std::string(PQgetvalue(result.get(), 0, 1)) == "two");

    result.reset(PQexec(connection.get(), "select 1/0"));
    CHECK(PQresultStatus(result.get()) == PGRES_FATAL_ERROR);
    CHECK(ErrorCode(result.get()) == "22012");
    CHECK(PQtransactionStatus(connection.get()) == PQTRANS_IDLE);

    result.reset(PQexec(connection.get(), "begin"));
    result.reset(PQexec(connection.get(), "select nope"));
    CHECK(PQtransactionStatus(connection.get()) == PQTRANS_INERROR);
    result.reset(PQexec(connection.get(), "rollback"));
    CHECK(PQtransactionStatus(connection.get()) == PQTRANS_IDLE);
  }

  TEST_CASE("libpq extended protocol with binary parameters and binary results") {
    TestServer server;
    Connection connection = Connect(server);
    uint32_t forty_one = htonl(41);
    const char* values[] = {reinterpret_cast<const char*>(&forty_one), "hello"};
    int lengths[] = {4, 5};
    int formats[] = {1, 0};
    Oid types[] = {23, 25};
    Result result(PQexecParams(connection.get(), "select $1 + 1, $2 || '!'", 2, types, values, lengths, formats, 1));
    REQUIRE(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
    REQUIRE(PQgetlength(result.get(), 0, 0) == 4);
    uint32_t answer;
    std::memcpy(&answer, PQgetvalue(result.get(), 0, 0), 4);
    CHECK(ntohl(answer) == 42);
    CHECK(std::string(PQgetvalue(result.get(), 0, 1), PQgetlength(result.get(), 0, 1)) == "hello!");

    result.reset(PQprepare(connection.get(), "add", "select $1::int8 * 2", 0, nullptr));
    REQUIRE(PQresultStatus(result.get()) == PGRES_COMMAND_OK);
    result.reset(PQdescribePrepared(connection.get(), "add"));
    CHECK(PQnparams(result.get()) == 1);
    CHECK(PQparamtype(result.get(), 0) == 20);
    CHECK(PQftype(result.get(), 0) == 20);
    const char* text_value[] = {"21"};
    result.reset(PQexecPrepared(connection.get(), "add", 1, text_value, nullptr, nullptr, 0));
    CHECK(std::string(PQgetvalue(result.get(), 0, 0)) == "42");
    result.reset(PQexecPrepared(connection.get(), "missing", 0, nullptr, nullptr, nullptr, 0));
    CHECK(ErrorCode(result.get()) == "26000");
  }

  TEST_CASE("libpqxx exec_params and prepared statements") {
    TestServer server;
    pqxx::connection connection(server.ConnectionString());
    pqxx::work work(connection);
    CHECK(work.exec_params("select $1::int + 1", 41)[0][0].as<int>() == 42);
    CHECK(work.exec_params("select $1::text || $2::text", "a", "b")[0][0].as<std::string>() == "ab");
    connection.prepare("twice", "select $1::int8 * 2");
    CHECK(work.exec_prepared("twice", 21)[0][0].as<int64_t>() == 42);
    pqxx::result rows = work.exec("select * from generate_series(1, 3)");
    CHECK(rows.size() == 3);
    work.commit();
  }

  TEST_CASE("PQcancel stops a long query with 57014 within a second") {
    TestServer server;
    Connection connection = Connect(server);
    REQUIRE(PQsendQuery(connection.get(), "select count(*) from generate_series(1, 1000000000)") == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    PGcancel* cancel = PQgetCancel(connection.get());
    char error[256];
    auto started = std::chrono::steady_clock::now();
    CHECK(PQcancel(cancel, error, sizeof(error)) == 1);
    PQfreeCancel(cancel);
    Result result(PQgetResult(connection.get()));
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(ErrorCode(result.get()) == "57014");
    CHECK(elapsed < std::chrono::seconds(1));
    while (PGresult* rest = PQgetResult(connection.get())) PQclear(rest);
    result.reset(PQexec(connection.get(), "select 1"));
    CHECK(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
  }

  TEST_CASE("200 concurrent connections each run queries") {
    TestServer server;
    constexpr int kConnections = 200;
    std::vector<Connection> connections;
    for (int index = 0; index < kConnections; ++index) connections.push_back(Connect(server));
    CHECK(server.server().connection_count() == kConnections);
    for (auto& connection : connections) REQUIRE(PQsendQuery(connection.get(), "select 1") == 1);
    int answered = 0;
    for (auto& connection : connections) {
      Result result(PQgetResult(connection.get()));
      answered += PQresultStatus(result.get()) == PGRES_TUPLES_OK && std::string(PQgetvalue(result.get(), 0, 0)) == "1";
      while (PGresult* rest = PQgetResult(connection.get())) PQclear(rest);
    }
    CHECK(answered == kConnections);
  }

  TEST_CASE("long queries on some connections do not stall the others") {
    TestServer server;
    std::vector<Connection> busy;
    for (int index = 0; index < 4; ++index) {
      busy.push_back(Connect(server));
      REQUIRE(PQsendQuery(busy.back().get(), "select count(*) from generate_series(1, 1000000000)") == 1);
    }
    Connection quick = Connect(server);
    auto started = std::chrono::steady_clock::now();
    Result result(PQexec(quick.get(), "select 1"));
    CHECK(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
    for (auto& connection : busy) {
      PGcancel* cancel = PQgetCancel(connection.get());
      char error[256];
      PQcancel(cancel, error, sizeof(error));
      PQfreeCancel(cancel);
      while (PGresult* rest = PQgetResult(connection.get())) PQclear(rest);
    }
  }

  TEST_CASE("a malformed message gets FATAL 08P01 and only that connection closes") {
    TestServer server;
    WireClient bystander;
    REQUIRE(bystander.Connect(server.port()));
    REQUIRE(bystander.Startup());

    WireClient client;
    REQUIRE(client.Connect(server.port()));
    REQUIRE(client.Startup());
    REQUIRE(client.SendBytes(std::string("Q\0\0\0\x03", 5)));
    std::vector<BackendMessage> messages;
    CHECK(client.ReadUntilClosed(&messages));
    CHECK(FirstErrorCode(messages) == "08P01");

    CHECK(MessageTypes(bystander.Query("select 1")) == "TDCZ");
  }

  TEST_CASE("SSLRequest is answered N and the handshake continues") {
    TestServer server;
    WireClient client;
    REQUIRE(client.Connect(server.port()));
    REQUIRE(client.Send(SslRequest{}));
    CHECK(client.ReadRaw(1) == "N");
    REQUIRE(client.Startup());
    CHECK(MessageTypes(client.Query("select 1")) == "TDCZ");
  }

  TEST_CASE("pipelined messages are answered in order") {
    TestServer server;
    WireClient client;
    REQUIRE(client.Connect(server.port()));
    REQUIRE(client.Startup());
    std::string bytes;
    for (int index = 0; index < 50; ++index) {
      EncodeFrontendMessage(ParseMessage{"", "select " + std::to_string(index), {}}, &bytes);
      EncodeFrontendMessage(BindMessage{}, &bytes);
      EncodeFrontendMessage(ExecuteMessage{}, &bytes);
      EncodeFrontendMessage(SyncMessage{}, &bytes);
    }
    REQUIRE(client.SendBytes(bytes));
    for (int index = 0; index < 50; ++index) {
      std::vector<BackendMessage> messages = client.ReadUntilReady();
      REQUIRE(MessageTypes(messages) == "12DCZ");
      CHECK(testing::DataRows(messages)[0][0] == std::to_string(index));
    }
  }

  TEST_CASE("a burst larger than the read and write buffers is answered completely and in order") {
    TestServer server;
    WireClient client(20000);
    REQUIRE(client.Connect(server.port()));
    REQUIRE(client.Startup());
    constexpr int kQueries = 3000;
    std::string padding(4000, 'x');
    std::string bytes;
    for (int index = 0; index < kQueries; ++index) {
      EncodeFrontendMessage(QueryMessage{"select " + std::to_string(index) + ", '" + padding + "'"}, &bytes);
    }
    // 12 MB each way: the client must read while it writes, as pipelining clients do.
    std::thread writer([&] { client.SendBytes(bytes); });
    int answered = 0;
    for (int index = 0; index < kQueries; ++index) {
      std::vector<BackendMessage> messages = client.ReadUntilReady();
      if (MessageTypes(messages) != "TDCZ" || testing::DataRows(messages)[0][0] != std::to_string(index)) break;
      ++answered;
    }
    writer.join();
    CHECK(answered == kQueries);
  }

  TEST_CASE("clients beyond max_connections get FATAL 53300") {
    ServerOptions options;
    options.max_connections = 2;
    TestServer server(options);
    WireClient first;
    WireClient second;
    REQUIRE(first.Connect(server.port()));
    REQUIRE(first.Startup());
    REQUIRE(second.Connect(server.port()));
    REQUIRE(second.Startup());
    Connection third(PQconnectdb(server.ConnectionString().c_str()));
    CHECK(PQstatus(third.get()) == CONNECTION_BAD);
    CHECK(std::string(PQerrorMessage(third.get())).find("sorry, too many clients already") != std::string::npos);
    first.Close();
    for (int attempt = 0; attempt < 100 && server.server().connection_count() > 1; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Connection fourth(PQconnectdb(server.ConnectionString().c_str()));
    CHECK(PQstatus(fourth.get()) == CONNECTION_OK);
  }

  TEST_CASE("Stop sends idle clients FATAL 57P01 and closes them") {
    auto server = std::make_unique<TestServer>();
    WireClient client;
    REQUIRE(client.Connect(server->port()));
    REQUIRE(client.Startup());
    std::thread stopper([&] { server.reset(); });
    std::vector<BackendMessage> messages;
    CHECK(client.ReadUntilClosed(&messages));
    CHECK(FirstErrorCode(messages) == "57P01");
    stopper.join();
  }

  TEST_CASE("a large result streams through in order") {
    TestServer server;
    Connection connection = Connect(server);
    Result result(PQexec(connection.get(), "select g, repeat('x', 100) from generate_series(1, 200000) g"));
    REQUIRE(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
    CHECK(PQntuples(result.get()) == 200000);
    CHECK(std::string(PQgetvalue(result.get(), 199999, 0)) == "200000");
  }
}

}  // namespace
}  // namespace tessera::protocol
