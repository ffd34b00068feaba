// SPDX-License-Identifier: Apache-2.0
// Tests text_format against PostgreSQL 15's input and output functions; expected strings come from a real server.
#include "base/text_format.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "base/error.h"

namespace tessera::text_format {
namespace {

// Returns the result, or the error as "ERROR <sqlstate>: <message>".
std::string Outcome(const std::function<std::string()>& compute) {
  try {
    return compute();
  } catch (const SqlError& error) {
    return "ERROR " + std::string(SqlStateCode(error.state())) + ": " + error.info().message;
  }
}

struct TextCase {
  const char* input;
  const char* expected;
};

TEST_SUITE("TextFormat") {
  TEST_CASE("ParseInt16, ParseInt32 and ParseInt64 follow int2in, int4in and int8in") {
    struct Case {
      const char* input;
      const char* int2;
      const char* int4;
      const char* int8;
    };
    const Case cases[] = {
        {"0", "0", "0", "0"},
        {"-0", "0", "0", "0"},
        {"+0", "0", "0", "0"},
        {"12", "12", "12", "12"},
        {" 12 ", "12", "12", "12"},
        {"\t5\n", "5", "5", "5"},
        {"+12", "12", "12", "12"},
        {"-12", "-12", "-12", "-12"},
        // The short form (minus and digits10 digits) has its own fast path; these sit on its edges.
        {"-9999", "-9999", "-9999", "-9999"},
        {"-999999999", "ERROR 22003: value \"-999999999\" is out of range for type smallint", "-999999999",
         "-999999999"},
        {"12a", "ERROR 22P02: invalid input syntax for type smallint: \"12a\"",
         "ERROR 22P02: invalid input syntax for type integer: \"12a\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"12a\""},
        {"-", "ERROR 22P02: invalid input syntax for type smallint: \"-\"",
         "ERROR 22P02: invalid input syntax for type integer: \"-\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"-\""},
        {"00000000000000000000001", "1", "1", "1"},
        {"32767", "32767", "32767", "32767"},
        {"32768", "ERROR 22003: value \"32768\" is out of range for type smallint", "32768", "32768"},
        {"-32768", "-32768", "-32768", "-32768"},
        {"-32769", "ERROR 22003: value \"-32769\" is out of range for type smallint", "-32769", "-32769"},
        {"2147483647", "ERROR 22003: value \"2147483647\" is out of range for type smallint", "2147483647",
         "2147483647"},
        {"2147483648", "ERROR 22003: value \"2147483648\" is out of range for type smallint",
         "ERROR 22003: value \"2147483648\" is out of range for type integer", "2147483648"},
        {"-2147483648", "ERROR 22003: value \"-2147483648\" is out of range for type smallint", "-2147483648",
         "-2147483648"},
        {"-2147483649", "ERROR 22003: value \"-2147483649\" is out of range for type smallint",
         "ERROR 22003: value \"-2147483649\" is out of range for type integer", "-2147483649"},
        {"9223372036854775807", "ERROR 22003: value \"9223372036854775807\" is out of range for type smallint",
         "ERROR 22003: value \"9223372036854775807\" is out of range for type integer", "9223372036854775807"},
        {"9223372036854775808", "ERROR 22003: value \"9223372036854775808\" is out of range for type smallint",
         "ERROR 22003: value \"9223372036854775808\" is out of range for type integer",
         "ERROR 22003: value \"9223372036854775808\" is out of range for type bigint"},
        {"-9223372036854775808", "ERROR 22003: value \"-9223372036854775808\" is out of range for type smallint",
         "ERROR 22003: value \"-9223372036854775808\" is out of range for type integer", "-9223372036854775808"},
        {"-9223372036854775809", "ERROR 22003: value \"-9223372036854775809\" is out of range for type smallint",
         "ERROR 22003: value \"-9223372036854775809\" is out of range for type integer",
         "ERROR 22003: value \"-9223372036854775809\" is out of range for type bigint"},
        {"99999999999abc", "ERROR 22003: value \"99999999999abc\" is out of range for type smallint",
         "ERROR 22003: value \"99999999999abc\" is out of range for type integer",
         "ERROR 22P02: invalid input syntax for type bigint: \"99999999999abc\""},
        {" 99999999999 ", "ERROR 22003: value \" 99999999999 \" is out of range for type smallint",
         "ERROR 22003: value \" 99999999999 \" is out of range for type integer", "99999999999"},
        {"99999999999999999999999", "ERROR 22003: value \"99999999999999999999999\" is out of range for type smallint",
         "ERROR 22003: value \"99999999999999999999999\" is out of range for type integer",
         "ERROR 22003: value \"99999999999999999999999\" is out of range for type bigint"},
        {"", "ERROR 22P02: invalid input syntax for type smallint: \"\"",
         "ERROR 22P02: invalid input syntax for type integer: \"\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"\""},
        {" ", "ERROR 22P02: invalid input syntax for type smallint: \" \"",
         "ERROR 22P02: invalid input syntax for type integer: \" \"",
         "ERROR 22P02: invalid input syntax for type bigint: \" \""},
        {"1_000", "ERROR 22P02: invalid input syntax for type smallint: \"1_000\"",
         "ERROR 22P02: invalid input syntax for type integer: \"1_000\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"1_000\""},
        {"0x10", "ERROR 22P02: invalid input syntax for type smallint: \"0x10\"",
         "ERROR 22P02: invalid input syntax for type integer: \"0x10\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"0x10\""},
        {"1.0", "ERROR 22P02: invalid input syntax for type smallint: \"1.0\"",
         "ERROR 22P02: invalid input syntax for type integer: \"1.0\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"1.0\""},
        {"1e3", "ERROR 22P02: invalid input syntax for type smallint: \"1e3\"",
         "ERROR 22P02: invalid input syntax for type integer: \"1e3\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"1e3\""},
        {"12abc", "ERROR 22P02: invalid input syntax for type smallint: \"12abc\"",
         "ERROR 22P02: invalid input syntax for type integer: \"12abc\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"12abc\""},
        {"abc", "ERROR 22P02: invalid input syntax for type smallint: \"abc\"",
         "ERROR 22P02: invalid input syntax for type integer: \"abc\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"abc\""},
        {" +", "ERROR 22P02: invalid input syntax for type smallint: \" +\"",
         "ERROR 22P02: invalid input syntax for type integer: \" +\"",
         "ERROR 22P02: invalid input syntax for type bigint: \" +\""},
        {"-", "ERROR 22P02: invalid input syntax for type smallint: \"-\"",
         "ERROR 22P02: invalid input syntax for type integer: \"-\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"-\""},
        {"1 2", "ERROR 22P02: invalid input syntax for type smallint: \"1 2\"",
         "ERROR 22P02: invalid input syntax for type integer: \"1 2\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"1 2\""},
        {"--1", "ERROR 22P02: invalid input syntax for type smallint: \"--1\"",
         "ERROR 22P02: invalid input syntax for type integer: \"--1\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"--1\""},
        {"+-1", "ERROR 22P02: invalid input syntax for type smallint: \"+-1\"",
         "ERROR 22P02: invalid input syntax for type integer: \"+-1\"",
         "ERROR 22P02: invalid input syntax for type bigint: \"+-1\""},
        {"\v7\f", "7", "7", "7"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return std::to_string(ParseInt16(test.input)); }) == test.int2);
      CHECK(Outcome([&] { return std::to_string(ParseInt32(test.input)); }) == test.int4);
      CHECK(Outcome([&] { return std::to_string(ParseInt64(test.input)); }) == test.int8);
    }
  }

  TEST_CASE(
      "ParseFloat32 and ParseFloat64 read what float4in and float8in read, and print it back as PostgreSQL does") {
    struct Case {
      const char* input;
      const char* float4;
      const char* float8;
    };
    const Case cases[] = {
        {"0.1", "0.1", "0.1"},
        {"100", "100", "100"},
        {"12345678.9", "1.2345679e+07", "12345678.9"},
        {"1e15", "1e+15", "1e+15"},
        {"123456789012345", "1.2345679e+14", "123456789012345"},
        {"1e-4", "0.0001", "0.0001"},
        {"1e-5", "1e-05", "1e-05"},
        {"1.5e20", "1.5e+20", "1.5e+20"},
        {"1e100", "ERROR 22003: \"1e100\" is out of range for type real", "1e+100"},
        {"9007199254740992", "9.007199e+15", "9.007199254740992e+15"},
        {"9007199254740993", "9.007199e+15", "9.007199254740992e+15"},
        {"1e6", "1e+06", "1000000"},
        {"100000", "100000", "100000"},
        {"1234567", "1.234567e+06", "1234567"},
        {"999999", "999999", "999999"},
        {"0.0001", "0.0001", "0.0001"},
        {"0.00001", "1e-05", "1e-05"},
        {"16777217", "1.6777216e+07", "16777217"},
        {"2.52e10", "2.5200001e+10", "25200000000"},
        {"1e22", "1e+22", "1e+22"},
        {"1e23", "1e+23", "9.999999999999999e+22"},
        {"0.30000000000000004", "0.3", "0.30000000000000004"},
        {"123.456", "123.456", "123.456"},
        {"-1.5e-10", "-1.5e-10", "-1.5e-10"},
        {"0.00015000000000000001", "0.00015", "0.00015000000000000001"},
        {"999999999999999", "1e+15", "999999999999999"},
        {"1e14", "1e+14", "100000000000000"},
        {"1e16", "1e+16", "1e+16"},
        {"3.4e38", "3.4e+38", "3.4e+38"},
        {"1e-45", "1e-45", "1e-45"},
        {"1.17549435e-38", "1.1754944e-38", "1.17549435e-38"},
        {"1e-310", "ERROR 22003: \"1e-310\" is out of range for type real", "1e-310"},
        {"4.9e-324", "ERROR 22003: \"4.9e-324\" is out of range for type real", "5e-324"},
        {"1.7976931348623157e308", "ERROR 22003: \"1.7976931348623157e308\" is out of range for type real",
         "1.7976931348623157e+308"},
        {"2.2250738585072014e-308", "ERROR 22003: \"2.2250738585072014e-308\" is out of range for type real",
         "2.2250738585072014e-308"},
        {".5", "0.5", "0.5"},
        {"5.", "5", "5"},
        {" 1.5e+3 ", "1500", "1500"},
        {"-0", "-0", "-0"},
        {"+0", "0", "0"},
        {"0x10", "16", "16"},
        {"0x1p3", "8", "8"},
        {"  NaN  ", "NaN", "NaN"},
        {"nan", "NaN", "NaN"},
        {"-nan", "NaN", "NaN"},
        {"nan(123)", "NaN", "NaN"},
        {"Infinity", "Infinity", "Infinity"},
        {"+Infinity", "Infinity", "Infinity"},
        {"-Infinity", "-Infinity", "-Infinity"},
        {"infinity", "Infinity", "Infinity"},
        {"inf", "Infinity", "Infinity"},
        {"+inf", "Infinity", "Infinity"},
        {"-INF", "-Infinity", "-Infinity"},
        {"", "ERROR 22P02: invalid input syntax for type real: \"\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"\""},
        {" ", "ERROR 22P02: invalid input syntax for type real: \" \"",
         "ERROR 22P02: invalid input syntax for type double precision: \" \""},
        {"x", "ERROR 22P02: invalid input syntax for type real: \"x\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"x\""},
        {"1e", "ERROR 22P02: invalid input syntax for type real: \"1e\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"1e\""},
        {".", "ERROR 22P02: invalid input syntax for type real: \".\"",
         "ERROR 22P02: invalid input syntax for type double precision: \".\""},
        {"1e5 x", "ERROR 22P02: invalid input syntax for type real: \"1e5 x\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"1e5 x\""},
        {"1e 5", "ERROR 22P02: invalid input syntax for type real: \"1e 5\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"1e 5\""},
        {"infinit", "ERROR 22P02: invalid input syntax for type real: \"infinit\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"infinit\""},
        {"infx", "ERROR 22P02: invalid input syntax for type real: \"infx\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"infx\""},
        {"nanx", "ERROR 22P02: invalid input syntax for type real: \"nanx\"",
         "ERROR 22P02: invalid input syntax for type double precision: \"nanx\""},
        {" 1e400 ", "ERROR 22003: \" 1e400 \" is out of range for type real",
         "ERROR 22003: \"1e400\" is out of range for type double precision"},
        {"1e-400", "ERROR 22003: \"1e-400\" is out of range for type real",
         "ERROR 22003: \"1e-400\" is out of range for type double precision"},
        {"1e400x", "ERROR 22003: \"1e400x\" is out of range for type real",
         "ERROR 22003: \"1e400\" is out of range for type double precision"},
        {"3.5e38", "ERROR 22003: \"3.5e38\" is out of range for type real", "3.5e+38"},
        {"1e39", "ERROR 22003: \"1e39\" is out of range for type real", "1e+39"},
        {"1e-46", "ERROR 22003: \"1e-46\" is out of range for type real", "1e-46"},
        {"1e-50", "ERROR 22003: \"1e-50\" is out of range for type real", "1e-50"},
        {"1.8e308", "ERROR 22003: \"1.8e308\" is out of range for type real",
         "ERROR 22003: \"1.8e308\" is out of range for type double precision"},
        {"2e-324", "ERROR 22003: \"2e-324\" is out of range for type real",
         "ERROR 22003: \"2e-324\" is out of range for type double precision"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return FormatFloat32(ParseFloat32(test.input)); }) == test.float4);
      CHECK(Outcome([&] { return FormatFloat64(ParseFloat64(test.input)); }) == test.float8);
    }
  }

  TEST_CASE("FormatFloat64 prints the shortest digits that read back, in %g layout") {
    struct Case {
      double value;
      const char* expected;
    };
    const Case cases[] = {
        {1.0 / 3.0, "0.3333333333333333"},
        {0.1 + 0.2, "0.30000000000000004"},
        {std::pow(2.0, 53), "9.007199254740992e+15"},
        {std::pow(2.0, 70), "1.1805916207174113e+21"},
        {1e300 * 1e8, "1e+308"},
        {-1.0 / 7.0, "-0.14285714285714285"},
        {std::sqrt(2.0), "1.4142135623730951"},
        {1.0 / 1024.0, "0.0009765625"},
        {123456789.0 * 1000.0, "123456789000"},
        {std::pow(10.0, -5) * 3.0, "3.0000000000000004e-05"},
        {0.1 * 3.0, "0.30000000000000004"},
        {5e-324 * 3.0, "1.5e-323"},
        {std::pow(2.0, -1022), "2.2250738585072014e-308"},
        {-0.0, "-0"},
        {std::numeric_limits<double>::quiet_NaN(), "NaN"},
        {std::numeric_limits<double>::infinity(), "Infinity"},
        {-std::numeric_limits<double>::infinity(), "-Infinity"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.expected);
      CHECK(FormatFloat64(test.value) == test.expected);
    }
  }

  TEST_CASE("FormatFloat32 prints the shortest digits that read back, in %g layout") {
    struct Case {
      float value;
      const char* expected;
    };
    const Case cases[] = {
        {1.0f / 3.0f, "0.33333334"},
        {0.1f + 0.2f, "0.3"},
        {16777216.0f, "1.6777216e+07"},
        {1e-40f, "1e-40"},
        {3.4028235e38f, "3.4028235e+38"},
        {-2.0f / 3.0f, "-0.6666667"},
        {1e6f, "1e+06"},
        {123456.7f, "123456.7"},
        {-0.0f, "-0"},
        {std::numeric_limits<float>::quiet_NaN(), "NaN"},
        {-std::numeric_limits<float>::infinity(), "-Infinity"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.expected);
      CHECK(FormatFloat32(test.value) == test.expected);
    }
  }

  // PostgreSQL's Ryu never prints a decimal that lies exactly halfway between two floats, even when it
  // would read back by round-half-even; std::to_chars does for even mantissas. PostgreSQL prints:
  TEST_CASE("FormatFloat avoids decimals that lie exactly on a rounding bound") {
    const TextCase float4_cases[] = {
        {"2.52e10", "2.5200001e+10"}, {"25200000000", "2.5200001e+10"}, {"212e8", "2.1199999e+10"},
        {"980e7", "9.799999e+09"},    {"352e9", "3.5200002e+11"},
    };
    for (const TextCase& test : float4_cases) {
      CAPTURE(test.input);
      CHECK(FormatFloat32(ParseFloat32(test.input)) == test.expected);
    }
    const TextCase float8_cases[] = {
        {"652e20", "6.5200000000000004e+22"}, {"745e19", "7.449999999999999e+21"},
        {"109e20", "1.0899999999999999e+22"}, {"895e19", "8.950000000000001e+21"},
        {"152e21", "1.5200000000000002e+23"},
    };
    for (const TextCase& test : float8_cases) {
      CAPTURE(test.input);
      CHECK(FormatFloat64(ParseFloat64(test.input)) == test.expected);
    }
  }

  TEST_CASE("Plain decimals read to the same bits as strtod, denormals and long digit strings included") {
    const uint32_t seed = std::random_device{}();
    INFO("seed ", seed);
    std::mt19937_64 random(seed);
    for (int iteration = 0; iteration < 20000; ++iteration) {
      std::string text = random() % 2 ? "-" : "";
      const int digits = 1 + static_cast<int>(random() % 25);
      for (int digit = 0; digit < digits; ++digit) text += static_cast<char>('0' + random() % 10);
      if (random() % 2) text.insert(text.size() - random() % digits, ".");
      if (random() % 2) text += "e" + std::to_string(static_cast<int>(random() % 640) - 330);
      CAPTURE(text);
      const double expected = std::strtod(text.c_str(), nullptr);
      if (expected == 0 && text.find_first_of("123456789") != std::string::npos) continue;  // underflow: 22003
      if (std::isinf(expected)) continue;                                                   // overflow: 22003
      const double parsed = ParseFloat64(text);
      CHECK(std::memcmp(&parsed, &expected, sizeof(parsed)) == 0);
      const float expected32 = std::strtof(text.c_str(), nullptr);
      if (std::isinf(expected32) || (expected32 == 0 && expected != 0)) continue;
      const float parsed32 = ParseFloat32(text);
      CHECK(std::memcmp(&parsed32, &expected32, sizeof(parsed32)) == 0);
    }
  }

  TEST_CASE("Formatted floats read back to the same bits") {
    const uint32_t seed = std::random_device{}();
    INFO("seed ", seed);
    std::mt19937_64 random(seed);
    for (int iteration = 0; iteration < 20000; ++iteration) {
      uint64_t bits = random();
      double value;
      std::memcpy(&value, &bits, sizeof(value));
      uint32_t bits32 = static_cast<uint32_t>(bits >> 32);
      float value32;
      std::memcpy(&value32, &bits32, sizeof(value32));
      if (std::isfinite(value)) {
        std::string text = FormatFloat64(value);
        CAPTURE(text);
        double parsed = ParseFloat64(text);
        CHECK(std::memcmp(&parsed, &value, sizeof(value)) == 0);
      }
      if (std::isfinite(value32)) {
        std::string text = FormatFloat32(value32);
        CAPTURE(text);
        float parsed = ParseFloat32(text);
        CHECK(std::memcmp(&parsed, &value32, sizeof(value32)) == 0);
      }
    }
  }

  TEST_CASE("ParseBool accepts boolin's words and unique prefixes") {
    const TextCase cases[] = {
        {"t", "true"},
        {"tr", "true"},
        {"tru", "true"},
        {"true", "true"},
        {"TRUE", "true"},
        {" True ", "true"},
        {"\ttrue\n", "true"},
        {"f", "false"},
        {"fa", "false"},
        {"false", "false"},
        {"FaLsE", "false"},
        {"y", "true"},
        {"ye", "true"},
        {"yes", "true"},
        {"n", "false"},
        {"no", "false"},
        {"on", "true"},
        {"ON", "true"},
        {"of", "false"},
        {"off", "false"},
        {"OFF", "false"},
        {"1", "true"},
        {"0", "false"},
        {"truex", "ERROR 22P02: invalid input syntax for type boolean: \"truex\""},
        {"yes1", "ERROR 22P02: invalid input syntax for type boolean: \"yes1\""},
        {"non", "ERROR 22P02: invalid input syntax for type boolean: \"non\""},
        {"offf", "ERROR 22P02: invalid input syntax for type boolean: \"offf\""},
        {"o", "ERROR 22P02: invalid input syntax for type boolean: \"o\""},
        {"O", "ERROR 22P02: invalid input syntax for type boolean: \"O\""},
        {"01", "ERROR 22P02: invalid input syntax for type boolean: \"01\""},
        {"10", "ERROR 22P02: invalid input syntax for type boolean: \"10\""},
        {"", "ERROR 22P02: invalid input syntax for type boolean: \"\""},
        {"  ", "ERROR 22P02: invalid input syntax for type boolean: \"  \""},
        {"maybe", "ERROR 22P02: invalid input syntax for type boolean: \"maybe\""},
        {"t rue", "ERROR 22P02: invalid input syntax for type boolean: \"t rue\""},
        {"2", "ERROR 22P02: invalid input syntax for type boolean: \"2\""},
        {"-1", "ERROR 22P02: invalid input syntax for type boolean: \"-1\""},
    };
    for (const TextCase& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return ParseBool(test.input) ? "true" : "false"; }) == test.expected);
    }
  }

  TEST_CASE("ParseBytea reads hex and escape formats and FormatBytea prints hex") {
    const TextCase cases[] = {
        {"\\x0a0B", "\\x0a0b"},
        {"\\x 0a 0b\n", "\\x0a0b"},
        {"\\x", "\\x"},
        {"\\x\t00\r\n11", "\\x0011"},
        {"\\xAbCdEf", "\\xabcdef"},
        {"abc", "\\x616263"},
        {"a\\\\b", "\\x615c62"},
        {"\\001\\377", "\\x01ff"},
        {"", "\\x"},
        {"é", "\\xc3a9"},
        {"\\\\x41", "\\x5c783431"},
        {"\\0000", "\\x0030"},
        {"\\x0 a", "ERROR 22023: invalid hexadecimal digit: \" \""},
        {"\\x0", "ERROR 22023: invalid hexadecimal data: odd number of digits"},
        {"\\xzz", "ERROR 22023: invalid hexadecimal digit: \"z\""},
        {"\\x0é", "ERROR 22023: invalid hexadecimal digit: \"é\""},
        {"\\xéé", "ERROR 22023: invalid hexadecimal digit: \"é\""},
        {"\\x0a\\x", "ERROR 22023: invalid hexadecimal digit: \"\\\""},
        {"\\X0a", "ERROR 22P02: invalid input syntax for type bytea"},
        {"\\400", "ERROR 22P02: invalid input syntax for type bytea"},
        {"\\", "ERROR 22P02: invalid input syntax for type bytea"},
        {"\\1", "ERROR 22P02: invalid input syntax for type bytea"},
        {"\\12", "ERROR 22P02: invalid input syntax for type bytea"},
        {"\\128", "ERROR 22P02: invalid input syntax for type bytea"},
        {"ab\\", "ERROR 22P02: invalid input syntax for type bytea"},
        {" \\x01", "ERROR 22P02: invalid input syntax for type bytea"},
    };
    for (const TextCase& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return FormatBytea(ParseBytea(test.input)); }) == test.expected);
    }
    CHECK(ParseBytea("\\x00ff7f") == std::string("\x00\xff\x7f", 3));
    CHECK(FormatBytea(std::string("\x00\x01\xfe", 3)) == "\\x0001fe");
  }
}

}  // namespace
}  // namespace tessera::text_format
