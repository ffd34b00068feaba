// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of password authentication: the tessera executable started with --auth,
// --password-file and --cluster-secret-file, reached with libpq (password=...) and with a raw SCRAM
// client that checks the exact FATAL errors, including malformed SASL messages.
#include <doctest/doctest.h>

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "protocol/scram.h"
#include "test/slt/server_process.h"
#include "wire_client.h"

namespace tessera::protocol {
namespace {

using testing::WireClient;

// A temporary directory with a password file and a cluster secret file, removed by the destructor.
class Credentials {
 public:
  Credentials() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera_auth_XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    Write("passwords", "# user:password\nalice:wonder land\nbob:b:o:b\n");
    Write("cluster_secret", "s3cret-of-the-cluster\n");
  }
  ~Credentials() { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& contents) const {
    std::ofstream(dir_ / name) << contents;
    return Path(name);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// A tessera server process started with `flags`.
class AuthServer {
 public:
  AuthServer(const Credentials& credentials, std::vector<std::string> flags)
      : process_(TESSERA_BINARY, credentials.Path("data"), credentials.Path("server.log"), std::move(flags)) {
    process_.Start(std::chrono::seconds(30));
  }
  int port() const { return process_.port(); }
  std::string ConnInfo(const std::string& user, const std::string& password) const {
    std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port()) + " dbname=tessera user=" + user;
    if (!password.empty()) conninfo += " password='" + password + "'";
    return conninfo;
  }

 private:
  slt::ServerProcess process_;
};

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConnection = std::unique_ptr<PGconn, ConnectionCloser>;

// Connects with libpq; returns "" on success (after checking a query works), else the error message.
std::string ConnectWithLibpq(const AuthServer& server, const std::string& user, const std::string& password) {
  PgConnection connection(PQconnectdb(server.ConnInfo(user, password).c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) return PQerrorMessage(connection.get());
  PGresult* result = PQexec(connection.get(), "select 40 + 2");
  bool ok = PQresultStatus(result) == PGRES_TUPLES_OK && std::string(PQgetvalue(result, 0, 0)) == "42";
  PQclear(result);
  return ok ? "" : "query failed";
}

std::string AuthFailure(const std::string& user) {
  return "FATAL:  password authentication failed for user \"" + user + "\"";
}

const ErrorResponse* FindError(const std::vector<BackendMessage>& messages) {
  for (const BackendMessage& message : messages) {
    if (const auto* error = std::get_if<ErrorResponse>(&message)) return error;
  }
  return nullptr;
}

// Sends a StartupMessage for `user` and expects AuthenticationSASL offering only SCRAM-SHA-256.
void StartLogin(WireClient& client, int port, const std::string& user) {
  REQUIRE(client.Connect(static_cast<uint16_t>(port)));
  REQUIRE(client.Send(StartupMessage{kProtocolVersion3, {{"user", user}, {"database", "tessera"}}}));
  std::vector<BackendMessage> messages = client.ReadUntilReady();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == BackendMessage(AuthenticationSasl{{"SCRAM-SHA-256"}}));
}

// Runs a SCRAM login with the wire client and returns all messages up to ReadyForQuery or close.
std::vector<BackendMessage> ScramLogin(int port, const std::string& user, const std::string& password) {
  WireClient client(500);
  StartLogin(client, port, user);
  std::string client_first_bare = "n=,r=0123456789abcdefghijklmn";
  REQUIRE(client.Send(PasswordMessage{EncodeSaslInitialResponse({"SCRAM-SHA-256", "n,," + client_first_bare})}));
  std::vector<BackendMessage> messages = client.ReadUntilReady();
  REQUIRE(messages.size() == 1);
  const auto* challenge = std::get_if<AuthenticationSaslContinue>(&messages[0]);
  REQUIRE(challenge != nullptr);
  const std::string& server_first = challenge->data;
  size_t salt_at = server_first.find(",s=");
  size_t iterations_at = server_first.find(",i=");
  std::string salt = *scram::Base64Decode(server_first.substr(salt_at + 3, iterations_at - salt_at - 3));
  scram::Key salted = scram::SaltedPassword(password, salt, std::stoi(server_first.substr(iterations_at + 3)));
  std::string without_proof = "c=biws," + server_first.substr(0, salt_at);
  std::string auth_message = client_first_bare + "," + server_first + "," + without_proof;
  std::string proof = scram::Base64Encode(scram::AsBytes(scram::ClientProof(salted, auth_message)));
  REQUIRE(client.Send(PasswordMessage{without_proof + ",p=" + proof}));
  bool closed = false;
  messages = client.ReadUntilReady(&closed);
  return messages;
}

TEST_SUITE("AuthServer") {
  TEST_CASE("scram-sha-256 admits the password file's users and the cluster user, nobody else") {
    Credentials credentials;
    AuthServer server(credentials, {"--auth", "scram-sha-256", "--password-file", credentials.Path("passwords"),
                                    "--cluster-secret-file", credentials.Path("cluster_secret")});
    CHECK(ConnectWithLibpq(server, "alice", "wonder land") == "");
    CHECK(ConnectWithLibpq(server, "bob", "b:o:b") == "");
    CHECK(ConnectWithLibpq(server, "tessera_cluster", "s3cret-of-the-cluster") == "");
    CHECK(ConnectWithLibpq(server, "alice", "wonderland").find(AuthFailure("alice")) != std::string::npos);
    CHECK(ConnectWithLibpq(server, "nobody", "wonder land").find(AuthFailure("nobody")) != std::string::npos);
    CHECK(ConnectWithLibpq(server, "tessera_cluster", "guess").find(AuthFailure("tessera_cluster")) !=
          std::string::npos);
    CHECK(ConnectWithLibpq(server, "alice", "").find("no password supplied") != std::string::npos);
    CHECK(ConnectWithLibpq(server, "alice", "wonder land") == "");  // still serving
  }

  TEST_CASE("the login ends with SASLFinal and AuthenticationOk, or with FATAL 28P01") {
    Credentials credentials;
    AuthServer server(credentials, {"--auth=scram-sha-256", "--password-file=" + credentials.Path("passwords")});
    std::vector<BackendMessage> messages = ScramLogin(server.port(), "alice", "wonder land");
    REQUIRE(messages.size() >= 3);
    CHECK(std::holds_alternative<AuthenticationSaslFinal>(messages[0]));
    CHECK(std::get<AuthenticationSaslFinal>(messages[0]).data.rfind("v=", 0) == 0);
    CHECK(messages[1] == BackendMessage(AuthenticationOk{}));
    CHECK(std::holds_alternative<ReadyForQuery>(messages.back()));
    for (const std::string user : {"alice", "nobody"}) {
      messages = ScramLogin(server.port(), user, "wrong");
      REQUIRE(messages.size() == 1);
      const ErrorResponse* error = FindError(messages);
      REQUIRE(error != nullptr);
      CHECK(error->fields.severity == "FATAL");
      CHECK(error->fields.code == "28P01");
      CHECK(error->fields.message == "password authentication failed for user \"" + user + "\"");
    }
  }

  TEST_CASE("malformed SASL messages are FATAL 08P01 and the server goes on") {
    Credentials credentials;
    AuthServer server(credentials, {"--auth", "scram-sha-256", "--password-file", credentials.Path("passwords")});
    struct Case {
      FrontendMessage message;
      std::string error;
    };
    std::vector<Case> cases = {
        {PasswordMessage{EncodeSaslInitialResponse({"SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=x"})},
         "client selected an invalid SASL authentication mechanism"},
        {PasswordMessage{EncodeSaslInitialResponse({"SCRAM-SHA-256", "x,,n=,r=abc"})}, "malformed SCRAM message"},
        {PasswordMessage{"SCRAM-SHA-256"}, "invalid string in message"},
        {QueryMessage{"select 1"}, "expected SASL response, got message type 81"},
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.error);
      WireClient client(500);
      StartLogin(client, server.port(), "alice");
      REQUIRE(client.Send(test_case.message));
      std::vector<BackendMessage> messages;
      CHECK(client.ReadUntilClosed(&messages));
      const ErrorResponse* error = FindError(messages);
      REQUIRE(error != nullptr);
      CHECK(error->fields.severity == "FATAL");
      CHECK(error->fields.code == "08P01");
      CHECK(error->fields.message == test_case.error);
    }
    CHECK(ConnectWithLibpq(server, "alice", "wonder land") == "");
  }

  TEST_CASE("trust admits anyone without a password, but not the cluster user without its secret") {
    Credentials credentials;
    {
      AuthServer server(credentials, {});
      CHECK(ConnectWithLibpq(server, "anyone", "") == "");
      CHECK(ConnectWithLibpq(server, "tessera_cluster", "").find("no password supplied") != std::string::npos);
      CHECK(ConnectWithLibpq(server, "tessera_cluster", "s3cret-of-the-cluster").find(AuthFailure("tessera_cluster")) !=
            std::string::npos);
    }
    AuthServer server(credentials, {"--auth", "trust", "--cluster-secret-file", credentials.Path("cluster_secret")});
    CHECK(ConnectWithLibpq(server, "anyone", "") == "");
    CHECK(ConnectWithLibpq(server, "tessera_cluster", "s3cret-of-the-cluster") == "");
    CHECK(ConnectWithLibpq(server, "tessera_cluster", "wrong").find(AuthFailure("tessera_cluster")) !=
          std::string::npos);
  }

  TEST_CASE("bad auth options stop the server at start") {
    Credentials credentials;
    std::string bad_file = credentials.Write("bad_passwords", "alice:x\nno colon here\n");
    std::vector<std::vector<std::string>> cases = {
        {"--auth", "md5"},
        {"--password-file", credentials.Path("passwords")},  // needs --auth scram-sha-256
        {"--auth", "scram-sha-256", "--password-file", bad_file},
        {"--auth", "scram-sha-256", "--password-file", credentials.Path("missing")},
        {"--cluster-secret-file", credentials.Write("empty_secret", "")},
    };
    for (std::vector<std::string> arguments : cases) {
      CAPTURE(arguments.back());
      arguments.insert(arguments.begin(), {TESSERA_BINARY, "--port", "0", "--data-dir", credentials.Path("data")});
      pid_t pid = slt::SpawnLogged(arguments, credentials.Path("bad.log"));
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 2);
    }
  }
}

}  // namespace
}  // namespace tessera::protocol
