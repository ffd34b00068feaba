// SPDX-License-Identifier: Apache-2.0
// Tests of backend message encoding: exact bytes for fixed messages and a round trip for every message.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "protocol/backend_messages.h"

namespace tessera::protocol {
namespace {

std::string Encode(const BackendMessage& message) {
  std::string bytes;
  EncodeBackendMessage(message, &bytes);
  return bytes;
}

std::string Bytes(std::initializer_list<int> values) {
  std::string bytes;
  for (int value : values) bytes.push_back(static_cast<char>(value));
  return bytes;
}

ErrorFields FullError() {
  ErrorFields fields;
  fields.severity = "ERROR";
  fields.code = "42P01";
  fields.message = "relation \"t\" does not exist";
  fields.detail = "some detail";
  fields.hint = "some hint";
  fields.position = 15;
  fields.context = "SQL function \"f\" statement 1";
  return fields;
}

std::vector<BackendMessage> SampleMessages() {
  ErrorFields notice;
  notice.severity = "NOTICE";
  notice.code = "00000";
  notice.message = "table \"t\" does not exist, skipping";
  return {
      AuthenticationOk{},
      AuthenticationSasl{{"SCRAM-SHA-256"}},
      AuthenticationSaslContinue{"r=abc,s=c2FsdA==,i=4096"},
      AuthenticationSaslFinal{"v=c2lnbmF0dXJl"},
      ParameterStatus{"server_version", "15.0 (Tessera 0.1.0)"},
      BackendKeyData{4242, -17},
      ReadyForQuery{'I'},
      ReadyForQuery{'T'},
      ReadyForQuery{'E'},
      RowDescription{{FieldDescription{"id", 16384, 1, 23, 4, -1, 0},
                      FieldDescription{"price", 16384, 2, 1700, -1, (10 << 16 | 2) + 4, 1},
                      FieldDescription{"?column?", 0, 0, 25, -1, -1, 0}}},
      RowDescription{},
      DataRow{{std::string("1"), std::nullopt, std::string(), std::string("\0\xff", 2)}},
      DataRow{},
      CommandComplete{"SELECT 3"},
      CommandComplete{"INSERT 0 1"},
      EmptyQueryResponse{},
      ErrorResponse{FullError()},
      NoticeResponse{notice},
      ParseComplete{},
      BindComplete{},
      CloseComplete{},
      NoData{},
      ParameterDescription{{23, 25, 0}},
      ParameterDescription{},
      PortalSuspended{},
      NegotiateProtocolVersion{0, {"_pq_.compression"}},
      CopyResponse{true, 0, {0, 0}},
      CopyResponse{false, 1, {1}},
      CopyData{"1\tx\n"},
      CopyData{},
      CopyDone{},
  };
}

TEST_SUITE("BackendMessages") {
  TEST_CASE("every backend message survives encode and parse") {
    for (const BackendMessage& message : SampleMessages()) {
      std::string bytes = Encode(message);
      std::vector<BackendMessage> parsed;
      CHECK(ParseBackendMessages(bytes, &parsed) == bytes.size());
      REQUIRE(parsed.size() == 1);
      CHECK(parsed[0] == message);
    }
  }

  TEST_CASE("fixed messages have PostgreSQL's exact bytes") {
    CHECK(Encode(AuthenticationOk{}) == Bytes({'R', 0, 0, 0, 8, 0, 0, 0, 0}));
    CHECK(Encode(AuthenticationSasl{{"SCRAM-SHA-256"}}) ==
          Bytes({'R', 0, 0, 0, 23, 0, 0, 0, 10, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '2', '5', '6', 0, 0}));
    CHECK(Encode(AuthenticationSaslFinal{"v=x"}) == Bytes({'R', 0, 0, 0, 11, 0, 0, 0, 12, 'v', '=', 'x'}));
    CHECK(Encode(ReadyForQuery{'I'}) == Bytes({'Z', 0, 0, 0, 5, 'I'}));
    CHECK(Encode(BackendKeyData{1, 2}) == Bytes({'K', 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2}));
    CHECK(Encode(ParseComplete{}) == Bytes({'1', 0, 0, 0, 4}));
    CHECK(Encode(BindComplete{}) == Bytes({'2', 0, 0, 0, 4}));
    CHECK(Encode(CloseComplete{}) == Bytes({'3', 0, 0, 0, 4}));
    CHECK(Encode(NoData{}) == Bytes({'n', 0, 0, 0, 4}));
    CHECK(Encode(PortalSuspended{}) == Bytes({'s', 0, 0, 0, 4}));
    CHECK(Encode(EmptyQueryResponse{}) == Bytes({'I', 0, 0, 0, 4}));
    CHECK(Encode(CommandComplete{"BEGIN"}) == Bytes({'C', 0, 0, 0, 10, 'B', 'E', 'G', 'I', 'N', 0}));
    CHECK(Encode(ParameterStatus{"a", "b"}) == Bytes({'S', 0, 0, 0, 8, 'a', 0, 'b', 0}));
    CHECK(Encode(CopyResponse{true, 0, {0, 0}}) == Bytes({'G', 0, 0, 0, 11, 0, 0, 2, 0, 0, 0, 0}));
    CHECK(Encode(CopyResponse{false, 1, {1}}) == Bytes({'H', 0, 0, 0, 9, 1, 0, 1, 0, 1}));
    CHECK(Encode(CopyData{"ab"}) == Bytes({'d', 0, 0, 0, 6, 'a', 'b'}));
    CHECK(Encode(CopyDone{}) == Bytes({'c', 0, 0, 0, 4}));
  }

  TEST_CASE("RowDescription lays out each field as name, table, attnum, type, typlen, typmod, format") {
    std::string bytes = Encode(RowDescription{{FieldDescription{"n", 16384, 2, 1700, -1, 655366, 1}}});
    CHECK(bytes == Bytes({'T', 0, 0, 0, 26, 0, 1, 'n', 0, 0, 0, 0x40, 0, 0, 2, 0, 0, 6, 0xa4, 0xff, 0xff, 0, 0x0a,
                          0, 6, 0, 1}));
  }

  TEST_CASE("DataRow sends NULL as length -1") {
    CHECK(Encode(DataRow{{std::nullopt, std::string("ab")}}) ==
          Bytes({'D', 0, 0, 0, 16, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 'a', 'b'}));
  }

  TEST_CASE("error fields go out in PostgreSQL's order S V C M D H P W and skip empty ones") {
    auto field = [](char tag, const std::string& value) { return std::string(1, tag) + value + '\0'; };
    std::string bytes = Encode(ErrorResponse{FullError()});
    std::string expected_body = field('S', "ERROR") + field('V', "ERROR") + field('C', "42P01") +
                                field('M', "relation \"t\" does not exist") + field('D', "some detail") +
                                field('H', "some hint") + field('P', "15") +
                                field('W', "SQL function \"f\" statement 1") + '\0';
    CHECK(bytes.substr(5) == expected_body);

    ErrorFields minimal;
    minimal.severity = "FATAL";
    minimal.code = "08P01";
    minimal.message = "invalid message length";
    CHECK(Encode(ErrorResponse{minimal}).substr(5) ==
          field('S', "FATAL") + field('V', "FATAL") + field('C', "08P01") + field('M', "invalid message length") + '\0');
  }

  TEST_CASE("ErrorFields keeps every field of an ErrorInfo") {
    ErrorInfo info;
    info.state = SqlState::kDivisionByZero;
    info.message = "division by zero";
    info.detail = "d";
    info.hint = "h";
    info.position = 8;
    info.context = "c";
    ErrorFields fields = ErrorFields::FromInfo(info, "ERROR");
    CHECK(fields.code == "22012");
    CHECK(fields.message == "division by zero");
    CHECK(fields.detail == "d");
    CHECK(fields.hint == "h");
    CHECK(fields.position == 8);
    CHECK(fields.context == "c");
  }

  TEST_CASE("a partial message is left for later") {
    std::string bytes = Encode(CommandComplete{"SELECT 1"}) + Encode(ReadyForQuery{'I'});
    std::vector<BackendMessage> parsed;
    CHECK(ParseBackendMessages(std::string_view(bytes).substr(0, bytes.size() - 1), &parsed) ==
          bytes.size() - 6);
    CHECK(parsed.size() == 1);
  }
}

}  // namespace
}  // namespace tessera::protocol
