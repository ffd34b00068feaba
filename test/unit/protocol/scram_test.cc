// SPDX-License-Identifier: Apache-2.0
// Tests of SCRAM-SHA-256: the arithmetic against RFC 7677's example, base64, the server's exchange
// driven by a client written here, and PostgreSQL's errors for malformed messages.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/error.h"
#include "protocol/scram.h"
#include "protocol/scram_exchange.h"

namespace tessera::protocol {
namespace {

using scram::Base64Decode;
using scram::Base64Encode;

// RFC 7677 section 3: user "user", password "pencil".
constexpr std::string_view kClientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kClientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

std::string RfcAuthMessage() {
  return fmt::format("{},{},{}", kClientFirstBare, kServerFirst, kClientFinalWithoutProof);
}

std::string RfcSalt() { return *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="); }

scram::Key ToKey(std::string_view bytes) {
  scram::Key key{};
  REQUIRE(bytes.size() == key.size());
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

// A SCRAM client: sends "n,,n=,r=<nonce>" as libpq does, answers the server-first message.
struct TestClient {
  std::string password;
  char gs2_flag = 'n';  // 'n' or 'y': no channel binding
  std::string nonce = "fyko+d2lbbFgONRv9qkxdawL";
  std::string client_first_bare;
  std::string auth_message;
  scram::Key salted{};

  std::string First() {
    client_first_bare = "n=,r=" + nonce;
    return std::string(1, gs2_flag) + ",," + client_first_bare;
  }
  std::string Final(const std::string& server_first) {
    size_t salt_at = server_first.find(",s=");
    size_t iterations_at = server_first.find(",i=");
    std::string combined_nonce = server_first.substr(2, salt_at - 2);
    std::string salt = *Base64Decode(server_first.substr(salt_at + 3, iterations_at - salt_at - 3));
    int iterations = std::stoi(server_first.substr(iterations_at + 3));
    salted = scram::SaltedPassword(password, salt, iterations);
    std::string without_proof = "c=" + Base64Encode(std::string(1, gs2_flag) + ",,") + ",r=" + combined_nonce;
    auth_message = client_first_bare + "," + server_first + "," + without_proof;
    return without_proof + ",p=" + Base64Encode(scram::AsBytes(scram::ClientProof(salted, auth_message)));
  }
  std::string ExpectedServerFinal() const {
    scram::Key server_key = scram::Hmac(salted, "Server Key");
    return "v=" + Base64Encode(scram::AsBytes(scram::ServerSignature(server_key, auth_message)));
  }
};

ScramExchange ExchangeFor(std::string_view password, bool doomed = false) {
  return ScramExchange(scram::MakeSecret(password, scram::RandomBytes(scram::kSaltLength)), doomed);
}

// Runs `exchange` up to the server-first message and returns it.
std::string ServerFirst(ScramExchange& exchange, TestClient& client) {
  ScramExchange::Step step = exchange.Handle(client.First());
  REQUIRE(step.outcome == ScramExchange::Outcome::kContinue);
  return step.message;
}

// Returns the SqlError `body` throws as "CODE: message (detail)", or "" when it does not throw.
template <typename Body>
std::string ErrorOf(Body&& body) {
  try {
    body();
  } catch (const SqlError& error) {
    std::string text = fmt::format("{}: {}", SqlStateCode(error.state()), error.info().message);
    if (!error.info().detail.empty()) text += " (" + error.info().detail + ")";
    return text;
  }
  return "";
}

TEST_SUITE("Scram") {
  TEST_CASE("client proof and server signature match RFC 7677's example") {
    scram::Key salted = scram::SaltedPassword("pencil", RfcSalt(), 4096);
    CHECK(Base64Encode(scram::AsBytes(scram::ClientProof(salted, RfcAuthMessage()))) == kClientProof);
    scram::Secret secret = scram::MakeSecret("pencil", RfcSalt());
    CHECK(Base64Encode(scram::AsBytes(scram::ServerSignature(secret.server_key, RfcAuthMessage()))) ==
          kServerSignature);
    CHECK(scram::VerifyClientProof(secret, RfcAuthMessage(), ToKey(*Base64Decode(kClientProof))));
  }

  TEST_CASE("a proof made with another password or message does not verify") {
    scram::Secret secret = scram::MakeSecret("pencil", RfcSalt());
    scram::Key wrong = scram::ClientProof(scram::SaltedPassword("pencil!", RfcSalt(), 4096), RfcAuthMessage());
    CHECK_FALSE(scram::VerifyClientProof(secret, RfcAuthMessage(), wrong));
    scram::Key right = ToKey(*Base64Decode(kClientProof));
    CHECK_FALSE(scram::VerifyClientProof(secret, RfcAuthMessage() + "x", right));
  }

  TEST_CASE("base64 round-trips every length and rejects malformed text") {
    std::string bytes;
    for (int length = 0; length < 40; ++length) {
      CHECK(Base64Decode(Base64Encode(bytes)) == bytes);
      bytes.push_back(static_cast<char>(length * 37));
    }
    CHECK(Base64Encode("n,,") == "biws");
    CHECK(Base64Encode("y,,") == "eSws");
    for (std::string_view bad : {"abc", "ab=c", "a===", "ab!d", "ab==abcd", "=abc"}) {
      CAPTURE(bad);
      CHECK_FALSE(Base64Decode(bad).has_value());
    }
  }

  TEST_CASE("the exchange accepts the right password and signs with the server key") {
    for (char gs2_flag : {'n', 'y'}) {
      ScramExchange exchange = ExchangeFor("pencil");
      TestClient client{"pencil", gs2_flag};
      ScramExchange::Step step = exchange.Handle(client.First());
      REQUIRE(step.outcome == ScramExchange::Outcome::kContinue);
      CHECK(step.message.rfind("r=" + client.nonce, 0) == 0);
      CHECK(step.message.find(",i=4096") != std::string::npos);
      step = exchange.Handle(client.Final(step.message));
      CHECK(step.outcome == ScramExchange::Outcome::kSucceeded);
      CHECK(step.message == client.ExpectedServerFinal());
    }
  }

  TEST_CASE("a wrong password or an unknown user fails only after the client-final message") {
    for (bool doomed : {false, true}) {
      ScramExchange exchange = ExchangeFor("pencil", doomed);
      TestClient client{doomed ? "pencil" : "wrong"};
      std::string server_first = ServerFirst(exchange, client);
      CHECK(exchange.Handle(client.Final(server_first)).outcome == ScramExchange::Outcome::kFailed);
    }
  }

  TEST_CASE("an initial response without data gets an empty challenge") {
    ScramExchange exchange = ExchangeFor("pencil");
    ScramExchange::Step step = exchange.Handle(std::nullopt);
    CHECK(step.outcome == ScramExchange::Outcome::kContinue);
    CHECK(step.message.empty());
    TestClient client{"pencil"};
    std::string server_first = ServerFirst(exchange, client);
    CHECK(exchange.Handle(client.Final(server_first)).outcome == ScramExchange::Outcome::kSucceeded);
  }

  TEST_CASE("malformed client-first messages get PostgreSQL's errors") {
    struct Case {
      std::string message;
      std::string error;
    };
    std::vector<Case> cases = {
        {"", "08P01: malformed SCRAM message (The message is empty.)"},
        {std::string("n,,n=,r=a\0b", 11), "08P01: malformed SCRAM message (Message length does not match input length.)"},
        {"x,,n=,r=abc", "08P01: malformed SCRAM message (Unexpected channel-binding flag \"'x'\".)"},
        {"p=tls-server-end-point,,n=,r=abc",
         "08P01: malformed SCRAM message (The client selected SCRAM-SHA-256 without channel binding, but the SCRAM "
         "message includes channel binding data.)"},
        {"n;,n=,r=abc", "08P01: malformed SCRAM message (Comma expected, but found character \"';'\".)"},
        {"n,a=admin,n=,r=abc", "0A000: client uses authorization identity, but it is not supported"},
        {"n,x,n=,r=abc", "08P01: malformed SCRAM message (Unexpected attribute \"'x'\" in client-first-message.)"},
        {"n,,m=ext,n=,r=abc", "0A000: client requires an unsupported SCRAM extension"},
        {"n,,r=abc", "08P01: malformed SCRAM message (Expected attribute \"n\" but found \"'r'\".)"},
        {"n,,n", "08P01: malformed SCRAM message (Expected character \"=\" for attribute \"n\".)"},
        {"n,,n=", "08P01: malformed SCRAM message (Expected attribute \"r\" but found \"0x00\".)"},
        {"n,,n=,r=a\x01", "08P01: non-printable characters in SCRAM nonce"},
        {"n,,n=,r=abc,1=x", "08P01: malformed SCRAM message (Attribute expected, but found invalid character \"'1'\".)"},
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.message);
      ScramExchange exchange = ExchangeFor("pencil");
      CHECK(ErrorOf([&] { exchange.Handle(test_case.message); }) == test_case.error);
    }
    ScramExchange extensions = ExchangeFor("pencil");
    CHECK(ErrorOf([&] { extensions.Handle("n,,n=,r=abc,x=1,y=2,"); }) == "");
  }

  TEST_CASE("malformed client-final messages get PostgreSQL's errors") {
    struct Case {
      std::string (*make)(const std::string& good);
      std::string error;
    };
    std::vector<Case> cases = {
        {[](const std::string& good) { return "c=eSws" + good.substr(6); },
         "08P01: unexpected SCRAM channel-binding attribute in client-final-message"},
        {[](const std::string& good) { return "r=" + good; },
         "08P01: malformed SCRAM message (Expected attribute \"c\" but found \"'r'\".)"},
        {[](const std::string& good) { return good.substr(0, good.find(",p=")); },
         "08P01: malformed SCRAM message (Attribute expected, but found end of string.)"},
        {[](const std::string& good) { return good.substr(0, good.find(",p=")) + ",p=AAAA"; },
         "08P01: malformed SCRAM message (Malformed proof in client-final-message.)"},
        {[](const std::string& good) { return good + ",x=1"; },
         "08P01: malformed SCRAM message (Garbage found at the end of client-final-message.)"},
        {[](const std::string& good) { return "c=biws,r=other" + good.substr(good.find(",p=")); },
         "08P01: invalid SCRAM response (Nonce does not match.)"},
    };
    for (const Case& test_case : cases) {
      ScramExchange exchange = ExchangeFor("pencil");
      TestClient client{"pencil"};
      std::string final_message = test_case.make(client.Final(ServerFirst(exchange, client)));
      CAPTURE(final_message);
      CHECK(ErrorOf([&] { exchange.Handle(final_message); }) == test_case.error);
    }
  }

  TEST_CASE("extensions before the proof are part of the signed message") {
    ScramExchange exchange = ExchangeFor("pencil");
    TestClient client{"pencil"};
    std::string server_first = ServerFirst(exchange, client);
    client.Final(server_first);  // derives the salted password
    std::string without_proof = "c=biws,r=" + server_first.substr(2, server_first.find(",s=") - 2) + ",x=ext";
    std::string auth_message = client.client_first_bare + "," + server_first + "," + without_proof;
    std::string proof = Base64Encode(scram::AsBytes(scram::ClientProof(client.salted, auth_message)));
    CHECK(exchange.Handle(without_proof + ",p=" + proof).outcome == ScramExchange::Outcome::kSucceeded);
  }
}

}  // namespace
}  // namespace tessera::protocol
