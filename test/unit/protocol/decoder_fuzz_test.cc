// SPDX-License-Identifier: Apache-2.0
// Fuzzes every decoder of untrusted bytes in protocol_codec (framing, frontend and backend messages,
// binary parameters of every type, UTF-8): random and mutated inputs may only raise SqlError.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/binary_format.h"
#include "base/error.h"
#include "base/utf8.h"
#include "protocol/backend_messages.h"
#include "protocol/frame_reader.h"
#include "protocol/frontend_messages.h"

namespace tessera::protocol {
namespace {

constexpr int kIterations = 20000;

std::string RandomBytes(std::mt19937_64& random, size_t max_length) {
  std::string bytes(random() % (max_length + 1), '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

// Flips, inserts, deletes or overwrites a few bytes, favouring length fields and small integers.
std::string Mutate(std::mt19937_64& random, std::string bytes) {
  int edits = 1 + static_cast<int>(random() % 4);
  for (int edit = 0; edit < edits; ++edit) {
    size_t position = bytes.empty() ? 0 : random() % bytes.size();
    switch (random() % 5) {
      case 0:
        if (!bytes.empty()) bytes[position] = static_cast<char>(random());
        break;
      case 1:
        bytes.insert(position, 1, static_cast<char>(random()));
        break;
      case 2:
        if (!bytes.empty()) bytes.erase(position, 1 + random() % 4);
        break;
      case 3:
        if (!bytes.empty()) bytes.resize(position);
        break;
      default:
        if (bytes.size() >= position + 4) {
          static const uint32_t kInteresting[] = {0, 1, 3, 4, 5, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 10000};
          uint32_t value = kInteresting[random() % std::size(kInteresting)];
          for (int index = 0; index < 4; ++index) bytes[position + index] = static_cast<char>(value >> (24 - 8 * index));
        }
        break;
    }
  }
  return bytes;
}

std::vector<std::string> SeedStreams() {
  std::vector<std::string> seeds;
  std::string stream;
  EncodeFrontendMessage(StartupMessage{kProtocolVersion3, {{"user", "u"}, {"database", "d"}}}, &stream);
  EncodeFrontendMessage(QueryMessage{"select 1"}, &stream);
  EncodeFrontendMessage(ParseMessage{"s", "select $1, $2", {23, 25}}, &stream);
  BindMessage bind{"p", "s", {1, 0}, {std::string("\0\0\0\x05", 4), std::string("x")}, {1}};
  EncodeFrontendMessage(bind, &stream);
  EncodeFrontendMessage(DescribeMessage{'P', "p"}, &stream);
  EncodeFrontendMessage(ExecuteMessage{"p", 5}, &stream);
  EncodeFrontendMessage(CloseMessage{'S', "s"}, &stream);
  EncodeFrontendMessage(SyncMessage{}, &stream);
  seeds.push_back(stream);
  std::string ssl;
  EncodeFrontendMessage(SslRequest{}, &ssl);
  EncodeFrontendMessage(CancelRequest{1, 2}, &ssl);
  seeds.push_back(ssl);
  return seeds;
}

// Runs the stream through framing and parsing; returns normally or with SqlError only.
void FrameAndParse(const std::string& bytes) {
  FrameReader reader;
  reader.Append(bytes);
  Frame frame;
  try {
    while (reader.Next(&frame)) {
      try {
        ParseFrame(frame);
      } catch (const SqlError&) {
      }
    }
  } catch (const SqlError&) {
  }
}

TEST_SUITE("DecoderFuzz") {
  TEST_CASE("framing and frontend parsing survive random and mutated streams") {
    std::mt19937_64 random(7);
    std::vector<std::string> seeds = SeedStreams();
    for (int iteration = 0; iteration < kIterations; ++iteration) {
      std::string input = iteration % 4 == 0 ? RandomBytes(random, 64) : Mutate(random, seeds[random() % seeds.size()]);
      CHECK_NOTHROW(FrameAndParse(input));
    }
  }

  TEST_CASE("backend parsing survives mutated messages") {
    std::mt19937_64 random(11);
    std::string seed;
    EncodeBackendMessage(RowDescription{{FieldDescription{"a", 1, 1, 23, 4, -1, 0}}}, &seed);
    EncodeBackendMessage(DataRow{{std::string("1"), std::nullopt}}, &seed);
    ErrorFields fields;
    fields.message = "m";
    EncodeBackendMessage(ErrorResponse{fields}, &seed);
    EncodeBackendMessage(NegotiateProtocolVersion{0, {"x"}}, &seed);
    for (int iteration = 0; iteration < kIterations; ++iteration) {
      std::string input = Mutate(random, seed);
      std::vector<BackendMessage> messages;
      try {
        ParseBackendMessages(input, &messages);
      } catch (const SqlError&) {
      }
    }
  }

  TEST_CASE("binary parameters of every type survive random bytes") {
    std::mt19937_64 random(13);
    std::vector<LogicalType> types;
    for (int id = static_cast<int>(TypeId::kUnknown); id <= static_cast<int>(TypeId::kVector); ++id) {
      types.emplace_back(static_cast<TypeId>(id));
    }
    for (int iteration = 0; iteration < kIterations; ++iteration) {
      const LogicalType& type = types[random() % types.size()];
      std::string bytes = RandomBytes(random, 40);
      if (iteration % 3 == 0 && bytes.size() >= 12) {
        // Plausible array header: one dimension and the right element type, so elements get decoded.
        bytes[3] = 1;
        bytes[7] = static_cast<char>(random() % 2);
        uint32_t element_oid = TypeOid(LogicalType(ArrayElementType(type.id)));
        for (int index = 0; index < 4; ++index) bytes[8 + index] = static_cast<char>(element_oid >> (24 - 8 * index));
      }
      Value value;
      bool decoded = false;
      try {
        value = DecodeBinaryParameter(type, bytes, 1);
        decoded = true;
      } catch (const SqlError&) {
      }
      // Whatever decodes must encode again (arrays go through their text form in between).
      std::string encoded;
      if (decoded) CHECK_NOTHROW(EncodeBinaryValue(value, &encoded));
    }
  }

  TEST_CASE("UTF-8 validation agrees with its prefix function on random bytes") {
    std::mt19937_64 random(17);
    for (int iteration = 0; iteration < kIterations; ++iteration) {
      std::string bytes = RandomBytes(random, 16);
      bool valid = ValidUtf8Prefix(bytes) == bytes.size();
      bool threw = false;
      try {
        ValidateUtf8(bytes);
      } catch (const SqlError&) {
        threw = true;
      }
      CHECK(valid != threw);
    }
  }
}

}  // namespace
}  // namespace tessera::protocol
