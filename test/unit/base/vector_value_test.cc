// SPDX-License-Identifier: Apache-2.0
// Tests the vector type's text input and output (base/vector_value.h) against pgvector's vector_in and
// vector_out as its source reads (pgvector is not installed here, so expectations are not from a server).
#include "base/vector_value.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "base/error.h"

namespace tessera {
namespace {

// Parses then formats, or returns the error as "ERROR <sqlstate>: <message>".
std::string RoundTrip(const std::string& text, int32_t typmod = -1) {
  try {
    return FormatVector(ParseVector(text, typmod));
  } catch (const SqlError& error) {
    return "ERROR " + std::string(SqlStateCode(error.state())) + ": " + error.info().message;
  }
}

std::string PayloadOf(std::initializer_list<float> elements) {
  std::string payload;
  for (float element : elements) AppendVectorElement(payload, element);
  return payload;
}

// "[1,1,...,1]" with `count` elements.
std::string Ones(int count) {
  std::string text = "[";
  for (int index = 0; index < count; ++index) text += index == 0 ? "1" : ",1";
  return text + "]";
}

TEST_SUITE("VectorValue") {
  TEST_CASE("ParseVector accepts vector_in's spacing, exponents and strtof's number forms") {
    struct Case {
      const char* input;
      const char* expected;
    };
    const Case kCases[] = {
        {"[1,2,3]", "[1,2,3]"},
        {"  [ 1 ,\t2 ,\n3 ]  ", "[1,2,3]"},
        {"[1e3,-2E-2,+.5,5.]", "[1000,-0.02,0.5,5]"},
        {"[0.1]", "[0.1]"},
        {"[3.14159265358979]", "[3.1415927]"},
        {"[16777217]", "[1.6777216e+07]"},  // float4out switches to exponents at 7 digits
        {"[1e-45]", "[1e-45]"},
        {"[1e-50]", "[0]"},              // underflow rounds to zero as strtof's result
        {"[-0]", "[-0]"},
        {"[0x1p4]", "[16]"},             // strtof reads hex floats
        {"[3.4028235e38]", "[3.4028235e+38]"},
        {"[123456789]", "[1.2345679e+08]"},
    };
    for (const Case& test : kCases) {
      CAPTURE(test.input);
      CHECK(RoundTrip(test.input) == test.expected);
    }
  }

  TEST_CASE("ParseVector rejects what vector_in rejects, with its SQLSTATEs") {
    struct Case {
      const char* input;
      const char* expected;
    };
    const Case kCases[] = {
        {"", "ERROR 22P02: invalid input syntax for type vector: \"\""},
        {"1,2", "ERROR 22P02: invalid input syntax for type vector: \"1,2\""},
        {"[1,2", "ERROR 22P02: invalid input syntax for type vector: \"[1,2\""},
        {"[1,", "ERROR 22P02: invalid input syntax for type vector: \"[1,\""},
        {"[1,]", "ERROR 22P02: invalid input syntax for type vector: \"[1,]\""},
        {"[,1]", "ERROR 22P02: invalid input syntax for type vector: \"[,1]\""},
        {"[1 2]", "ERROR 22P02: invalid input syntax for type vector: \"[1 2]\""},
        {"[1];", "ERROR 22P02: invalid input syntax for type vector: \"[1];\""},
        {"[1][2]", "ERROR 22P02: invalid input syntax for type vector: \"[1][2]\""},
        {"{1,2}", "ERROR 22P02: invalid input syntax for type vector: \"{1,2}\""},
        {"[]", "ERROR 22000: vector must have at least 1 dimension"},
        {"[  ]", "ERROR 22000: vector must have at least 1 dimension"},
        {"[NaN]", "ERROR 22000: NaN not allowed in vector"},
        {"[1,nan]", "ERROR 22000: NaN not allowed in vector"},
        {"[Infinity]", "ERROR 22000: infinite value not allowed in vector"},
        {"[-inf]", "ERROR 22000: infinite value not allowed in vector"},
        {"[1e39]", "ERROR 22003: \"1e39\" is out of range for type vector"},
        {"[1, -4e40]", "ERROR 22003: \"-4e40\" is out of range for type vector"},
    };
    for (const Case& test : kCases) {
      CAPTURE(test.input);
      CHECK(RoundTrip(test.input) == test.expected);
    }
  }

  TEST_CASE("ParseVector allows 16000 dimensions and no more") {
    CHECK(VectorDimensions(ParseVector(Ones(kMaxVectorDimensions))) == kMaxVectorDimensions);
    CHECK(RoundTrip(Ones(kMaxVectorDimensions + 1)) == "ERROR 54000: vector cannot have more than 16000 dimensions");
  }

  TEST_CASE("ParseVector checks the typmod's dimension count") {
    CHECK(RoundTrip("[1,2,3]", 3) == "[1,2,3]");
    CHECK(RoundTrip("[1,2]", 3) == "ERROR 22000: expected 3 dimensions, not 2");
    CHECK(RoundTrip("[1,2,3,4]", 3) == "ERROR 22000: expected 3 dimensions, not 4");
  }

  TEST_CASE("the payload is the elements' little-endian float32 bytes, with no header") {
    const std::string payload = ParseVector("[1,-2.5]");
    REQUIRE(payload.size() == 8);
    const unsigned char expected[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0};
    CHECK(std::memcmp(payload.data(), expected, sizeof(expected)) == 0);
    CHECK(VectorElement(payload, 1) == -2.5f);
  }

  TEST_CASE("FormatVector output reads back to the same bits") {
    std::mt19937 random(20261124);
    CAPTURE(20261124);
    for (int iteration = 0; iteration < 2000; ++iteration) {
      std::string payload;
      const int dimensions = 1 + static_cast<int>(random() % 8);
      for (int index = 0; index < dimensions; ++index) {
        uint32_t bits = static_cast<uint32_t>(random());
        float element;
        std::memcpy(&element, &bits, sizeof(element));
        if (!std::isfinite(element)) element = 0.5f;
        AppendVectorElement(payload, element);
      }
      const std::string text = FormatVector(payload);
      CAPTURE(text);
      CHECK(ParseVector(text) == payload);
    }
  }

  TEST_CASE("CanonicalVectorPayload turns -0 into 0 and leaves other payloads alone") {
    std::string scratch;
    const std::string plain = PayloadOf({1, 0, -2});
    CHECK(CanonicalVectorPayload(plain, scratch).data() == plain.data());
    CHECK(CanonicalVectorPayload(PayloadOf({1, -0.0f, -0.0f}), scratch) == PayloadOf({1, 0, 0}));
    CHECK(CanonicalVectorPayload(PayloadOf({-0.0f}), scratch) == PayloadOf({0}));
  }

  TEST_CASE("CompareVectors orders element by element, then by dimension count; -0 equals 0") {
    CHECK(CompareVectors(PayloadOf({1, 2}), PayloadOf({1, 2})) == 0);
    CHECK(CompareVectors(PayloadOf({1, 2}), PayloadOf({1, 3})) == -1);
    CHECK(CompareVectors(PayloadOf({-1, 9}), PayloadOf({-2})) == 1);
    CHECK(CompareVectors(PayloadOf({1, 2}), PayloadOf({1, 2, 0})) == -1);
    CHECK(CompareVectors(PayloadOf({-0.0f}), PayloadOf({0.0f})) == 0);
  }
}

}  // namespace
}  // namespace tessera
