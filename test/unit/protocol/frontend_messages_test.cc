// SPDX-License-Identifier: Apache-2.0
// Tests of frontend message parsing and encoding: round trips and PostgreSQL's validation.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "protocol/frame_reader.h"
#include "protocol/frontend_messages.h"

namespace tessera::protocol {
namespace {

std::vector<FrontendMessage> SampleTypedMessages() {
  BindMessage bind;
  bind.portal_name = "p1";
  bind.statement_name = "s1";
  bind.parameter_formats = {0, 1};
  bind.parameters = {std::string("42"), std::nullopt, std::string("\x00\x01\x02", 3), std::string()};
  bind.result_formats = {1};
  return {
      QueryMessage{"select 1; select 'x'"},
      QueryMessage{""},
      ParseMessage{"stmt", "select $1::int + $2", {23, 0}},
      ParseMessage{"", "select 1", {}},
      bind,
      BindMessage{},
      DescribeMessage{'S', "stmt"},
      DescribeMessage{'P', ""},
      ExecuteMessage{"portal", 10},
      ExecuteMessage{"", 0},
      CloseMessage{'S', "stmt"},
      CloseMessage{'P', "portal"},
      SyncMessage{},
      FlushMessage{},
      TerminateMessage{},
      CopyDataMessage{std::string("a\tb\n\0c", 6)},
      CopyDoneMessage{},
      CopyFailMessage{"client gave up"},
      FunctionCallMessage{std::string("\0\0\0\x01", 4)},
      PasswordMessage{EncodeSaslInitialResponse({"SCRAM-SHA-256", "n,,n=,r=abc"})},
      PasswordMessage{"c=biws,r=abc,p=xyz"},
  };
}

std::vector<FrontendMessage> SampleStartupPackets() {
  return {
      StartupMessage{kProtocolVersion3, {{"user", "alice"}, {"database", "tessera"}, {"application_name", "psql"}}},
      StartupMessage{kProtocolVersion3, {}},
      StartupMessage{(3 << 16) | 2, {{"user", "bob"}, {"_pq_.compression", "on"}}},
      SslRequest{},
      GssEncRequest{},
      CancelRequest{12345, -559038737},
  };
}

// Encodes `message` and cuts it back into exactly one frame.
Frame EncodeToFrame(const FrontendMessage& message, bool startup) {
  std::string bytes;
  EncodeFrontendMessage(message, &bytes);
  FrameReader reader;
  if (!startup) {
    // Move the reader past its startup phase with a StartupMessage.
    std::string startup_bytes;
    EncodeFrontendMessage(StartupMessage{kProtocolVersion3, {{"user", "u"}}}, &startup_bytes);
    reader.Append(startup_bytes);
    Frame ignored;
    REQUIRE(reader.Next(&ignored));
  }
  reader.Append(bytes);
  Frame frame;
  REQUIRE(reader.Next(&frame));
  CHECK(reader.buffered_bytes() == 0);
  return frame;
}

bool HasRestOfMessageBody(char type) { return type == 'd' || type == 'F' || type == 'p'; }

std::string CodeOf(const SqlError& error) { return std::string(SqlStateCode(error.state())); }

TEST_SUITE("FrontendMessages") {
  TEST_CASE("every typed message survives encode, framing and parse") {
    for (const FrontendMessage& message : SampleTypedMessages()) {
      Frame frame = EncodeToFrame(message, false);
      CHECK(ParseFrame(frame) == message);
    }
  }

  TEST_CASE("every startup packet survives encode, framing and parse") {
    for (const FrontendMessage& message : SampleStartupPackets()) {
      Frame frame = EncodeToFrame(message, true);
      CHECK(frame.type == 0);
      CHECK(ParseFrame(frame) == message);
    }
  }

  TEST_CASE("truncated message bodies are protocol violations") {
    for (const FrontendMessage& message : SampleTypedMessages()) {
      Frame frame = EncodeToFrame(message, false);
      if (HasRestOfMessageBody(frame.type)) continue;
      for (size_t length = 0; length < frame.body.size(); ++length) {
        CAPTURE(frame.type);
        CAPTURE(length);
        try {
          ParseFrontendMessage(frame.type, std::string_view(frame.body).substr(0, length));
          FAIL("truncated body parsed");
        } catch (const SqlError& error) {
          CHECK(CodeOf(error) == "08P01");
        }
      }
    }
  }

  TEST_CASE("bytes after the end of a message are rejected as invalid message format") {
    for (const FrontendMessage& message : SampleTypedMessages()) {
      Frame frame = EncodeToFrame(message, false);
      if (HasRestOfMessageBody(frame.type)) continue;
      CAPTURE(frame.type);
      try {
        ParseFrontendMessage(frame.type, frame.body + "x");
        FAIL("trailing byte accepted");
      } catch (const SqlError& error) {
        CHECK(CodeOf(error) == "08P01");
        bool expected_message = error.info().message == "invalid message format" ||
                                error.info().message == "insufficient data left in message";
        CHECK(expected_message);
      }
    }
  }

  TEST_CASE("SASLInitialResponse bodies round-trip and are validated as PostgreSQL does") {
    for (const SaslInitialResponse& response :
         {SaslInitialResponse{"SCRAM-SHA-256", "n,,n=,r=abc"}, SaslInitialResponse{"SCRAM-SHA-256", std::nullopt},
          SaslInitialResponse{"X", std::string()}}) {
      std::string body = EncodeSaslInitialResponse(response);
      CHECK(ParseSaslInitialResponse(body) == response);
      for (size_t length = 0; length < body.size(); ++length) {
        CAPTURE(length);
        CHECK_THROWS_AS(ParseSaslInitialResponse(std::string_view(body).substr(0, length)), SqlError);
      }
      CHECK_THROWS_WITH_AS(ParseSaslInitialResponse(body + "x"), "invalid message format", SqlError);
    }
    std::string negative_length = std::string("M\0", 2) + std::string("\xff\xff\xff\xfe", 4);
    CHECK_THROWS_WITH_AS(ParseSaslInitialResponse(negative_length), "insufficient data left in message", SqlError);
  }

  TEST_CASE("unknown message types are rejected with PostgreSQL's message") {
    for (char type : {'z', 'Z', 'T', '\0', 'x', '\x7f'}) {
      try {
        ParseFrontendMessage(type, "");
        FAIL("unknown type accepted");
      } catch (const SqlError& error) {
        CHECK(CodeOf(error) == "08P01");
        CHECK(error.info().message == "invalid frontend message type " + std::to_string(static_cast<int>(type)));
      }
    }
  }

  TEST_CASE("a Bind parameter length below -1 is rejected") {
    std::string body("\0\0\0\0\0\x01\xff\xff\xff\xfe\0\0", 12);
    CHECK_THROWS_AS(ParseFrontendMessage('B', body), SqlError);
  }

  TEST_CASE("a Bind with a huge parameter count and no data does not allocate it up front") {
    // 65535 parameters announced, none present: must fail cleanly.
    std::string body("\0\0\0\0\xff\xff", 6);
    CHECK_THROWS_AS(ParseFrontendMessage('B', body), SqlError);
  }

  TEST_CASE("startup packets must end with the terminator byte") {
    struct Case {
      std::string body;
      bool valid;
    };
    std::string version("\x00\x03\x00\x00", 4);
    std::vector<Case> cases = {
        {version + std::string("\0", 1), true},
        {version + std::string("user\0bob\0\0", 10), true},
        {version, false},                                     // no terminator at all
        {version + std::string("user\0bob\0", 9), false},     // last pair not terminated
        {version + std::string("user\0bob", 8), false},       // value without NUL
        {version + std::string("user\0", 5), false},          // name without value
        {version + std::string("\0\0", 2), false},            // bytes after the terminator
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.body.size());
      if (test_case.valid) {
        CHECK_NOTHROW(ParseStartupPacket(test_case.body));
      } else {
        try {
          ParseStartupPacket(test_case.body);
          FAIL("bad layout accepted");
        } catch (const SqlError& error) {
          CHECK(error.info().message == "invalid startup packet layout: expected terminator as last byte");
        }
      }
    }
  }

  TEST_CASE("a cancel request must be exactly 16 bytes") {
    std::string body("\x04\xd2\x16\x2e\0\0\0\x01\0\0\0\x02", 12);
    CHECK(std::get<CancelRequest>(ParseStartupPacket(body)) == CancelRequest{1, 2});
    CHECK_THROWS_AS(ParseStartupPacket(body + "x"), SqlError);
    CHECK_THROWS_AS(ParseStartupPacket(body.substr(0, 8)), SqlError);
  }

  TEST_CASE("the StartupMessage keeps any protocol version for the session to judge") {
    std::string body("\x00\x02\x00\x00user\0u\0\0", 12);
    CHECK(std::get<StartupMessage>(ParseStartupPacket(body)).protocol_version == (2 << 16));
  }
}

}  // namespace
}  // namespace tessera::protocol
