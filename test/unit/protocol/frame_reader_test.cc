// SPDX-License-Identifier: Apache-2.0
// Tests of FrameReader: stream splitting, the startup-to-typed phase switch and length limits.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/wire_bytes.h"
#include "protocol/frame_reader.h"
#include "protocol/frontend_messages.h"

namespace tessera::protocol {
namespace {

std::string Encode(const std::vector<FrontendMessage>& messages) {
  std::string bytes;
  for (const FrontendMessage& message : messages) EncodeFrontendMessage(message, &bytes);
  return bytes;
}

std::string Header(char type, uint32_t length) {
  std::string bytes(1, type);
  bytes.resize(5);
  StoreBigEndian32(bytes.data() + 1, length);
  return bytes;
}

std::string StartupHeader(uint32_t length) {
  std::string bytes(4, '\0');
  StoreBigEndian32(bytes.data(), length);
  return bytes;
}

FrameReader ReaderPastStartup() {
  FrameReader reader;
  reader.Append(Encode({StartupMessage{kProtocolVersion3, {{"user", "u"}}}}));
  Frame frame;
  REQUIRE(reader.Next(&frame));
  REQUIRE(!reader.in_startup_phase());
  return reader;
}

void CheckRejected(FrameReader& reader, const std::string& bytes, const std::string& message) {
  reader.Append(bytes);
  Frame frame;
  try {
    reader.Next(&frame);
    FAIL("accepted");
  } catch (const SqlError& error) {
    CHECK(SqlStateCode(error.state()) == "08P01");
    CHECK(error.info().message == message);
  }
}

TEST_SUITE("FrameReader") {
  TEST_CASE("a stream fed one byte at a time yields the same frames") {
    std::vector<FrontendMessage> messages = {
        SslRequest{}, StartupMessage{kProtocolVersion3, {{"user", "u"}}}, QueryMessage{"select 1"},
        ParseMessage{"", "select $1", {23}}, SyncMessage{}, TerminateMessage{}};
    std::string bytes = Encode(messages);
    FrameReader reader;
    std::vector<FrontendMessage> parsed;
    for (char byte : bytes) {
      reader.Append(std::string_view(&byte, 1));
      Frame frame;
      while (reader.Next(&frame)) parsed.push_back(ParseFrame(frame));
    }
    CHECK(parsed == messages);
    CHECK(reader.buffered_bytes() == 0);
  }

  TEST_CASE("the reader stays in the startup phase after SSLRequest and GSSENCRequest only") {
    FrameReader reader;
    reader.Append(Encode({SslRequest{}, GssEncRequest{}}));
    Frame frame;
    REQUIRE(reader.Next(&frame));
    CHECK(reader.in_startup_phase());
    REQUIRE(reader.Next(&frame));
    CHECK(reader.in_startup_phase());
    reader.Append(Encode({CancelRequest{1, 2}}));
    REQUIRE(reader.Next(&frame));
    CHECK(!reader.in_startup_phase());
  }

  TEST_CASE("startup packet lengths outside 8..10000 are rejected") {
    for (uint32_t length : {0u, 4u, 7u, 10001u, 0x7fffffffu, 0xffffffffu}) {
      FrameReader reader;
      CheckRejected(reader, StartupHeader(length), "invalid length of startup packet");
    }
    FrameReader reader;
    reader.Append(StartupHeader(10000));
    Frame frame;
    CHECK(!reader.Next(&frame));  // valid length: waits for the body
  }

  TEST_CASE("an unknown type byte is rejected before its length arrives") {
    FrameReader reader = ReaderPastStartup();
    CheckRejected(reader, "z", "invalid frontend message type 122");
  }

  TEST_CASE("message lengths are bounded per type as in PostgreSQL 15") {
    struct Case {
      char type;
      uint32_t length;
      bool accepted;
    };
    std::vector<Case> cases = {
        {'Q', 3, false},          {'Q', 4, true},           {'Q', (1u << 30) - 2, true},
        {'Q', (1u << 30) - 1, false}, {'Q', 0xffffffffu, false}, {'S', 10000, true},
        {'S', 10001, false},      {'E', 20000, false},      {'B', 1u << 29, true},
        {'d', 0x80000000u, false}, {'p', 65535, true},         {'p', 65536, false},
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.type);
      CAPTURE(test_case.length);
      FrameReader reader = ReaderPastStartup();
      if (test_case.accepted) {
        reader.Append(Header(test_case.type, test_case.length));
        Frame frame;
        CHECK_NOTHROW(reader.Next(&frame));
      } else {
        CheckRejected(reader, Header(test_case.type, test_case.length), "invalid message length");
      }
    }
  }

  TEST_CASE("a huge announced length does not allocate before the bytes arrive") {
    FrameReader reader = ReaderPastStartup();
    reader.Append(Header('Q', (1u << 30) - 2));
    Frame frame;
    CHECK(!reader.Next(&frame));
    CHECK(reader.buffered_bytes() == 5);
  }
}

}  // namespace
}  // namespace tessera::protocol
