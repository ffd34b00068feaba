// SPDX-License-Identifier: Apache-2.0
// Tests Decimal against PostgreSQL 15's numeric; every expected string was printed by a real server.
#include "base/decimal.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "base/error.h"

namespace tessera {
namespace {

// Returns the result, or the error as "ERROR <sqlstate>: <message>[ DETAIL: <detail>]".
std::string Outcome(const std::function<std::string()>& compute) {
  try {
    return compute();
  } catch (const SqlError& error) {
    std::string text = "ERROR " + std::string(SqlStateCode(error.state())) + ": " + error.info().message;
    if (!error.info().detail.empty()) text += " DETAIL: " + error.info().detail;
    return text;
  }
}

Decimal D(std::string_view text) { return Decimal::Parse(text); }

struct UnaryCase {
  const char* input;
  const char* expected;
};

struct BinaryCase {
  const char* op;
  const char* left;
  const char* right;
  const char* expected;
};

std::string Apply(const BinaryCase& test) {
  std::string op = test.op;
  Decimal left = D(test.left);
  Decimal right = D(test.right);
  if (op == "+") return Decimal::Add(left, right).ToString();
  if (op == "-") return Decimal::Subtract(left, right).ToString();
  if (op == "*") return Decimal::Multiply(left, right).ToString();
  if (op == "/") return Decimal::Divide(left, right).ToString();
  if (op == "%") return Decimal::Modulo(left, right).ToString();
  return Decimal::DivideTrunc(left, right).ToString();  // "div"
}

TEST_SUITE("Decimal") {
  TEST_CASE("Parse reads numeric input as PostgreSQL does and ToString keeps the input's scale") {
    const UnaryCase cases[] = {
        {"0", "0"},
        {"-0", "0"},
        {"-0.000", "0.000"},
        {"1.500", "1.500"},
        {" 1.5e3 ", "1500"},
        {"1.5E-3", "0.0015"},
        {"1e-3", "0.001"},
        {"+.5", "0.5"},
        {"-5.", "-5"},
        {"1.", "1"},
        {".1", "0.1"},
        {"00012.3400", "12.3400"},
        {"\t12\n", "12"},
        {"1e 5", "100000"},
        {"1e+05", "100000"},
        {"1.50e1", "15.0"},
        {"0.00e2", "0"},
        {"-0.0e-2", "0.000"},
        {"0e999999999", "0"},
        {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
        {"-99999999999999999999999999999999999999", "-99999999999999999999999999999999999999"},
        {"0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"},
        {"1234567890.1234567890123456789012345678", "1234567890.1234567890123456789012345678"},
        {"", "ERROR 22P02: invalid input syntax for type numeric: \"\""},
        {" ", "ERROR 22P02: invalid input syntax for type numeric: \" \""},
        {".", "ERROR 22P02: invalid input syntax for type numeric: \".\""},
        {"-", "ERROR 22P02: invalid input syntax for type numeric: \"-\""},
        {"+", "ERROR 22P02: invalid input syntax for type numeric: \"+\""},
        {"x", "ERROR 22P02: invalid input syntax for type numeric: \"x\""},
        {"abc", "ERROR 22P02: invalid input syntax for type numeric: \"abc\""},
        {"12abc", "ERROR 22P02: invalid input syntax for type numeric: \"12abc\""},
        {"1e", "ERROR 22P02: invalid input syntax for type numeric: \"1e\""},
        {"1e+", "ERROR 22P02: invalid input syntax for type numeric: \"1e+\""},
        {"1 e5", "ERROR 22P02: invalid input syntax for type numeric: \"1 e5\""},
        {"1_000", "ERROR 22P02: invalid input syntax for type numeric: \"1_000\""},
        {"0x10", "ERROR 22P02: invalid input syntax for type numeric: \"0x10\""},
        {"1.2.3", "ERROR 22P02: invalid input syntax for type numeric: \"1.2.3\""},
        {"1e2.5", "ERROR 22P02: invalid input syntax for type numeric: \"1e2.5\""},
        {"- 1", "ERROR 22P02: invalid input syntax for type numeric: \"- 1\""},
        {"++1", "ERROR 22P02: invalid input syntax for type numeric: \"++1\""},
        {"1e-+5", "ERROR 22P02: invalid input syntax for type numeric: \"1e-+5\""},
        {"nanx", "ERROR 22P02: invalid input syntax for type numeric: \"nanx\""},
        {"-nan", "ERROR 22P02: invalid input syntax for type numeric: \"-nan\""},
        {"1e-16384", "ERROR 22003: value overflows numeric format"},
        {"1e20000000000000", "ERROR 22003: value overflows numeric format"},
    };
    for (const UnaryCase& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return D(test.input).ToString(); }) == test.expected);
    }
  }

  TEST_CASE("Parse rejects NaN and infinities, which Decimal cannot hold, with 0A000") {
    for (const char* input : {"NaN", " nan ", "Infinity", "-Infinity", "+inf", "-INF", "inf"}) {
      CAPTURE(input);
      CHECK(Outcome([&] { return D(input).ToString(); }) ==
            "ERROR 0A000: numeric value \"" + std::string(input) + "\" is not supported");
    }
  }

  TEST_CASE("Arithmetic uses PostgreSQL's result scales, including select_div_scale for division") {
    const BinaryCase cases[] = {
        {"+", "1.5", "2.25", "3.75"},
        {"+", "1.5", "-1.5", "0.0"},
        {"+", "0.1", "0.2", "0.3"},
        {"+", "-7", "3.000", "-4.000"},
        {"+", "99999999999999999999999999999999999998", "1", "99999999999999999999999999999999999999"},
        {"+", "12345678901234567890", "0.000000000000000001", "12345678901234567890.000000000000000001"},
        {"-", "1.50", "1.5", "0.00"},
        {"-", "0.0", "0", "0.0"},
        {"-", "-5", "2.75", "-7.75"},
        {"-", "1", "0.0000000001", "0.9999999999"},
        {"*", "1.5", "2.25", "3.375"},
        {"*", "0.1", "0.1", "0.01"},
        {"*", "0.1", "10", "1.0"},
        {"*", "1.10", "2.0", "2.200"},
        {"*", "-3", "0.25", "-0.75"},
        {"*", "123456789012345678", "1000000000000000000", "123456789012345678000000000000000000"},
        {"*", "99999999999", "99999999999", "9999999999800000000001"},
        {"*", "0.000001", "0.000001", "0.000000000001"},
        {"*", "-0.5", "0", "0.0"},
        {"/", "1", "3", "0.33333333333333333333"},
        {"/", "10", "4", "2.5000000000000000"},
        {"/", "2", "3", "0.66666666666666666667"},
        {"/", "1", "7", "0.14285714285714285714"},
        {"/", "100", "7", "14.2857142857142857"},
        {"/", "12345", "7", "1763.5714285714285714"},
        {"/", "123456789", "7", "17636684.142857142857"},
        {"/", "1", "70000", "0.000014285714285714285714"},
        {"/", "1.5", "0.5", "3.0000000000000000"},
        {"/", "0.001", "3", "0.00033333333333333333"},
        {"/", "9999", "10000", "0.99990000000000000000"},
        {"/", "10000", "9999", "1.0001000100010001"},
        {"/", "1", "9999", "0.00010001000100010001"},
        {"/", "1", "10000", "0.000100000000000000000000"},
        {"/", "2", "10000", "0.00020000000000000000"},
        {"/", "1.000000000000000000000", "3", "0.333333333333333333333"},
        {"/", "-7", "2", "-3.5000000000000000"},
        {"/", "7", "-2", "-3.5000000000000000"},
        {"/", "0", "5", "0.00000000000000000000"},
        {"/", "1", "3.00000000000000000000000000", "0.33333333333333333333333333"},
        {"/", "22", "7.0", "3.1428571428571429"},
        {"/", "1e20", "3", "33333333333333333333"},
        {"/", "5", "0.001", "5000.0000000000000000"},
        {"/", "0.5", "100000000", "0.0000000050000000000000000000"},
        {"/", "-1", "-3", "0.33333333333333333333"},
        {"/", "123.456", "1.2", "102.8800000000000000"},
        {"/", "1", "0", "ERROR 22012: division by zero"},
        {"/", "0", "0", "ERROR 22012: division by zero"},
        {"/", "1", "0.000", "ERROR 22012: division by zero"},
        {"%", "10.5", "3", "1.5"},
        {"%", "-10.5", "3", "-1.5"},
        {"%", "10", "-3.5", "3.0"},
        {"%", "1.00", "0.3", "0.10"},
        {"%", "-7", "2.50", "-2.00"},
        {"%", "123.456", "1", "0.456"},
        {"%", "1e20", "7", "2"},
        {"%", "5", "0.0", "ERROR 22012: division by zero"},
        {"%", "0", "7", "0"},
        {"div", "7.5", "2", "3"},
        {"div", "-7.5", "2", "-3"},
        {"div", "1e20", "3", "33333333333333333333"},
        {"div", "7", "0.3", "23"},
        {"div", "-1", "3", "0"},
        {"div", "1", "0", "ERROR 22012: division by zero"},
    };
    for (const BinaryCase& test : cases) {
      CAPTURE(test.op);
      CAPTURE(test.left);
      CAPTURE(test.right);
      CHECK(Outcome([&] { return Apply(test); }) == test.expected);
    }
  }

  TEST_CASE("Round and Trunc take negative digits and keep max(digits, 0) as the scale") {
    struct Case {
      const char* input;
      int digits;
      const char* rounded;
      const char* truncated;
    };
    const Case cases[] = {
        {"1234.5678", 2, "1234.57", "1234.56"},
        {"1234.5678", -2, "1200", "1200"},
        {"1250", -2, "1300", "1200"},
        {"-1250", -2, "-1300", "-1200"},
        {"1.5", 3, "1.500", "1.500"},
        {"2.5", 0, "3", "2"},
        {"-2.5", 0, "-3", "-2"},
        {"0.5", -1, "0", "0"},
        {"5", -1, "10", "0"},
        {"4.9", -1, "0", "0"},
        {"123", -3, "0", "0"},
        {"999", -3, "1000", "0"},
        {"-999.5", 0, "-1000", "-999"},
        {"1.5", -1000, "0", "0"},
        {"0.04999", 1, "0.0", "0.0"},
        {"0.05", 1, "0.1", "0.0"},
        {"-0.05", 1, "-0.1", "0.0"},
        {"12.345", 5, "12.34500", "12.34500"},
        {"99.99", 1, "100.0", "99.9"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CAPTURE(test.digits);
      CHECK(D(test.input).Round(test.digits).ToString() == test.rounded);
      CHECK(D(test.input).Trunc(test.digits).ToString() == test.truncated);
    }
  }

  TEST_CASE("Floor and Ceil return scale 0") {
    struct Case {
      const char* input;
      const char* floor;
      const char* ceil;
    };
    const Case cases[] = {
        {"1.5", "1", "2"},
        {"-1.5", "-2", "-1"},
        {"1.2", "1", "2"},
        {"-1.2", "-2", "-1"},
        {"1.00", "1", "1"},
        {"-0.5", "-1", "0"},
        {"0.5", "0", "1"},
        {"7", "7", "7"},
        {"-7", "-7", "-7"},
        {"0.0001", "0", "1"},
        {"-99999999999999999999999999999999999.9", "-100000000000000000000000000000000000",
         "-99999999999999999999999999999999999"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(D(test.input).Floor().ToString() == test.floor);
      CHECK(D(test.input).Ceil().ToString() == test.ceil);
    }
  }

  TEST_CASE("Sqrt rounds to PostgreSQL's result scale and rejects negative input with 2201F") {
    const UnaryCase cases[] = {
        {"2", "1.414213562373095"},
        {"4", "2.000000000000000"},
        {"0", "0.000000000000000"},
        {"0.00", "0.000000000000000"},
        {"100", "10.000000000000000"},
        {"10000", "100.0000000000000"},
        {"1e10", "100000.00000000000"},
        {"0.0001", "0.01000000000000000"},
        {"2.0000000000000000000000", "1.4142135623730950488017"},
        {"123456789", "11111.11106055556"},
        {"0.5", "0.70710678118654752"},
        {"99999999", "9999.9999499999999"},
        {"1.5e-10", "0.000012247448713915890"},
        {"1e30", "1000000000000000.0"},
        {"3", "1.732050807568877"},
        {"15", "3.872983346207417"},
        {"1e-20", "0.0000000001000000000000000"},
        {"2.25", "1.500000000000000"},
        {"1e7", "3162.2776601683793"},
        {"999", "31.606961258558217"},
        {"12345", "111.1080555135405"},
        {"-1", "ERROR 2201F: cannot take square root of a negative number"},
        {"-0.0001", "ERROR 2201F: cannot take square root of a negative number"},
    };
    for (const UnaryCase& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return D(test.input).Sqrt().ToString(); }) == test.expected);
    }
  }

  TEST_CASE("ApplyTypmod rounds to the scale and reports numeric field overflow with PostgreSQL's detail") {
    struct Case {
      const char* input;
      int precision;
      int scale;
      const char* expected;
    };
    const Case cases[] = {
        {"1.5e-3", 5, 2, "0.00"},
        {"123.456", 5, 2, "123.46"},
        {"999.995", 5, 2,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 5, scale 2 must round to an absolute "
         "value less than 10^3."},
        {"999.994", 5, 2, "999.99"},
        {"-999.995", 5, 2,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 5, scale 2 must round to an absolute "
         "value less than 10^3."},
        {"1.0", 2, 2,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 2, scale 2 must round to an absolute "
         "value less than 1."},
        {"0.995", 2, 2,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 2, scale 2 must round to an absolute "
         "value less than 1."},
        {"0.994", 2, 2, "0.99"},
        {"12345", 3, -2, "12300"},
        {"123456", 3, -2,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 3, scale -2 must round to an absolute "
         "value less than 10^5."},
        {"0.001", 3, 5, "0.00100"},
        {"0.01", 3, 5,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 3, scale 5 must round to an absolute "
         "value less than 10^-2."},
        {"5", 1, 0, "5"},
        {"10", 1, 0,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 1, scale 0 must round to an absolute "
         "value less than 10^1."},
        {"-10", 2, 1,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 2, scale 1 must round to an absolute "
         "value less than 10^1."},
        {"9.5", 1, 0,
         "ERROR 22003: numeric field overflow DETAIL: A field with precision 1, scale 0 must round to an absolute "
         "value less than 10^1."},
        {"0", 1, 0, "0"},
        {"1.23456789", 10, 8, "1.23456789"},
        {"-0.000001", 3, 2, "0.00"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CAPTURE(test.precision);
      CAPTURE(test.scale);
      CHECK(Outcome([&] { return D(test.input).ApplyTypmod(test.precision, test.scale).ToString(); }) == test.expected);
    }
  }

  TEST_CASE("FromDouble keeps 15 significant digits as the float8 to numeric cast does") {
    struct Case {
      double input;
      const char* expected;
    };
    const Case cases[] = {
        {0.1, "0.1"},
        {0.333333333333333314829616256247, "0.333333333333333"},
        {1e20, "100000000000000000000"},
        {1.5e-7, "0.00000015"},
        {123456789012345678.0, "123456789012346000"},
        {1e-20, "0.00000000000000000001"},
        {9007199254740992.0, "9007199254740990"},
        {100.0, "100"},
        {1.23456789012345678e-5, "0.0000123456789012346"},
        {-0.0, "0"},
        {1e37, "10000000000000000000000000000000000000"},
        {1e-38, "0.00000000000000000000000000000000000001"},
        {0.000001, "0.000001"},
        {123.456, "123.456"},
        {1e15, "1000000000000000"},
        {2.5, "2.5"},
        {-2.5, "-2.5"},
        {12345678.9, "12345678.9"},
        {-1.5e-10, "-0.00000000015"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(Decimal::FromDouble(test.input).ToString() == test.expected);
    }
    CHECK(Outcome([] { return Decimal::FromDouble(std::numeric_limits<double>::quiet_NaN()).ToString(); }) ==
          "ERROR 22003: cannot convert NaN to numeric");
    CHECK(Outcome([] { return Decimal::FromDouble(-std::numeric_limits<double>::infinity()).ToString(); }) ==
          "ERROR 22003: cannot convert infinity to numeric");
  }

  TEST_CASE("ToInt64, ToInt32 and ToInt16 round half away from zero and report the target type's range") {
    struct Case {
      const char* input;
      const char* int8;
      const char* int4;
      const char* int2;
    };
    const Case cases[] = {
        {"2.5", "3", "3", "3"},
        {"-2.5", "-3", "-3", "-3"},
        {"0.5", "1", "1", "1"},
        {"-0.5", "-1", "-1", "-1"},
        {"0.4999", "0", "0", "0"},
        {"1.5", "2", "2", "2"},
        {"-1.5", "-2", "-2", "-2"},
        {"0", "0", "0", "0"},
        {"9223372036854775807.4", "9223372036854775807", "ERROR 22003: integer out of range",
         "ERROR 22003: smallint out of range"},
        {"-9223372036854775808.4", "-9223372036854775808", "ERROR 22003: integer out of range",
         "ERROR 22003: smallint out of range"},
        {"9223372036854775807.5", "ERROR 22003: bigint out of range", "ERROR 22003: integer out of range",
         "ERROR 22003: smallint out of range"},
        {"-9223372036854775808.5", "ERROR 22003: bigint out of range", "ERROR 22003: integer out of range",
         "ERROR 22003: smallint out of range"},
        {"2147483647.4", "2147483647", "2147483647", "ERROR 22003: smallint out of range"},
        {"2147483647.5", "2147483648", "ERROR 22003: integer out of range", "ERROR 22003: smallint out of range"},
        {"-2147483648.5", "-2147483649", "ERROR 22003: integer out of range", "ERROR 22003: smallint out of range"},
        {"32767.5", "32768", "32768", "ERROR 22003: smallint out of range"},
        {"-32768.5", "-32769", "-32769", "ERROR 22003: smallint out of range"},
        {"99999999999999999999", "ERROR 22003: bigint out of range", "ERROR 22003: integer out of range",
         "ERROR 22003: smallint out of range"},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return std::to_string(D(test.input).ToInt64()); }) == test.int8);
      CHECK(Outcome([&] { return std::to_string(D(test.input).ToInt32()); }) == test.int4);
      CHECK(Outcome([&] { return std::to_string(D(test.input).ToInt16()); }) == test.int2);
    }
  }

  TEST_CASE("ToDouble returns the double nearest to the decimal value") {
    struct Case {
      const char* input;
      double expected;
    };
    const Case cases[] = {
        {"1.5", 1.5},
        {"0.1", 0.1},
        {"12345678901234567890.123", 1.2345678901234567e+19},
        {"0.00000000000000000000000000000000000001", 1e-38},
        {"99999999999999999999999999999999999999", 1e+38},
        {"-0.5", -0.5},
        {"1e-20", 1e-20},
        {"3.14159265358979323846264338327950288", 3.141592653589793},
        {"0.3333333333333333333333", 0.3333333333333333},
        {"-123456.789", -123456.789},
    };
    for (const Case& test : cases) {
      CAPTURE(test.input);
      CHECK(D(test.input).ToDouble() == test.expected);
    }
  }

  TEST_CASE("FromInt64 covers the whole int64 range") {
    CHECK(Decimal::FromInt64(std::numeric_limits<int64_t>::min()).ToString() == "-9223372036854775808");
    CHECK(Decimal::FromInt64(std::numeric_limits<int64_t>::max()).ToString() == "9223372036854775807");
    CHECK(Decimal::FromInt64(0).ToString() == "0");
  }

  TEST_CASE("Compare ignores scale") {
    struct Case {
      const char* left;
      const char* right;
      int expected;
    };
    const Case cases[] = {
        {"1.0", "1.00", 0},
        {"0", "-0.000", 0},
        {"-1", "1", -1},
        {"0.1", "0.09", 1},
        {"-5", "-4.99", -1},
        {"0.00000000000000000000000000000000000001", "0", 1},
        {"99999999999999999999999999999999999999", "0.00000000000000000000000000000000000001", 1},
        {"-99999999999999999999999999999999999999", "-0.00000000000000000000000000000000000001", -1},
        {"12345678901234567890", "12345678901234567890.000000000000000001", -1},
    };
    for (const Case& test : cases) {
      CAPTURE(test.left);
      CAPTURE(test.right);
      CHECK(Decimal::Compare(D(test.left), D(test.right)) == test.expected);
      CHECK(Decimal::Compare(D(test.right), D(test.left)) == -test.expected);
    }
  }

  TEST_CASE("Hash and Normalized agree for equal values whatever their scale") {
    CHECK(D("1.500").Normalized().ToString() == "1.5");
    CHECK(D("-2.50").Normalized().ToString() == "-2.5");
    CHECK(D("0.000").Normalized().ToString() == "0");
    CHECK(D("100").Normalized().ToString() == "100");
    CHECK(D("1.0").Hash() == D("1").Hash());
    CHECK(D("1.0").Hash() == D("1.0000000000000000000000000000000000000").Hash());
    CHECK(D("-0.000").Hash() == D("0").Hash());
    CHECK(D("-2.50").Hash() == D("-2.5").Hash());
    CHECK(D("1").Hash() != D("10").Hash());
    CHECK(D("1").Hash() != D("0.1").Hash());
    CHECK(D("1").Hash() != D("-1").Hash());
  }

  TEST_CASE("Rescale rounds half away from zero and fails rather than exceed 38 digits") {
    CHECK(D("1.005").Rescale(2).ToString() == "1.01");
    CHECK(D("-1.005").Rescale(2).ToString() == "-1.01");
    CHECK(D("1.5").Rescale(4).ToString() == "1.5000");
    CHECK(D("0").Rescale(38).ToString() == "0.00000000000000000000000000000000000000");
    CHECK(Outcome([] { return D("12345678901234567890").Rescale(19).ToString(); }) ==
          "ERROR 22003: value overflows numeric format");
  }

  // PostgreSQL's numeric has up to 131072 integral and 16383 fractional digits; Decimal has 38 in all.
  // Results that need more fail with 0A000 rather than lose digits PostgreSQL keeps, and with 22003 where
  // the integral part alone does not fit. The PostgreSQL result is given for comparison.
  TEST_CASE("Results that need more than 38 digits fail with 0A000, or 22003 when the integral part does not fit") {
    const UnaryCase inputs[] = {
        // PostgreSQL: 0.000000000000000000000000000000000000015
        {"0.000000000000000000000000000000000000015", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        // PostgreSQL: 123456789012345678901234567890.123456789
        {"123456789012345678901234567890.123456789", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        // PostgreSQL: 0.00000000000000000000000000000000000000000000000001
        {"1e-50", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        {"99999999999999999999999999999999999999.4", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        {"0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"},
        {"1e38", "ERROR 22003: value overflows numeric format"},
    };
    for (const UnaryCase& test : inputs) {
      CAPTURE(test.input);
      CHECK(Outcome([&] { return D(test.input).ToString(); }) == test.expected);
    }
    const BinaryCase cases[] = {
        // PostgreSQL: 9999999999999999999999999999999999999.05
        {"+", "9999999999999999999999999999999999999", "0.05", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        {"+", "99999999999999999999999999999999999999", "1", "ERROR 22003: value overflows numeric format"},
        // PostgreSQL: 0.0000000000000000000000000000000000000001
        {"*", "0.00000000000000000001", "0.00000000000000000001", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        // PostgreSQL: 1219326311370217952237463801111263526900 (40 digits)
        {"*", "12345678901234567890", "98765432109876543210", "ERROR 22003: value overflows numeric format"},
        // PostgreSQL: 20000000000000000000000000000.0000000000000000000000000000
        {"/", "2", "0.0000000000000000000000000001", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        // PostgreSQL: 0.000000000000000000000000000000962741530248274604
        {"/", "7763.1706690", "8063608377835337406812415868344978.6", "ERROR 0A000: numeric values of more than 38 digits are not supported yet"},
        {"/", "-48196", "0.00000000000000000000000000000000000001", "ERROR 22003: value overflows numeric format"},
        {"div", "1", "0.00000000000000000000000000000000000001", "ERROR 22003: value overflows numeric format"},
    };
    for (const BinaryCase& test : cases) {
      CAPTURE(test.op);
      CAPTURE(test.left);
      CAPTURE(test.right);
      CHECK(Outcome([&] { return Apply(test); }) == test.expected);
    }
    // PostgreSQL: 1.5 followed by 999 zeros.
    CHECK(D("1.5").Round(1000).ToString() == "1.5000000000000000000000000000000000000");
    CHECK(Outcome([] { return D("99999999999999999999999999999999999999").Round(-1).ToString(); }) ==
          "ERROR 22003: value overflows numeric format");
    CHECK(Outcome([] { return D("99999999999999999999999999999999999999").ApplyTypmod(12, -1).ToString(); }) ==
          "ERROR 22003: numeric field overflow DETAIL: A field with precision 12, scale -1 must round to an "
          "absolute value less than 10^13.");
  }

  TEST_CASE("Random operands satisfy exact identities") {
    const uint32_t seed = std::random_device{}();
    INFO("seed ", seed);
    std::mt19937_64 random(seed);
    auto random_decimal = [&] {
      int scale = static_cast<int>(random() % 12);
      __int128 value = static_cast<__int128>(random() % 1'000'000'000'000'000ULL) * (random() % 1000);
      return Decimal{random() % 2 ? value : -value, scale};
    };
    for (int iteration = 0; iteration < 2000; ++iteration) {
      Decimal a = random_decimal();
      Decimal b = random_decimal();
      CAPTURE(a.ToString());
      CAPTURE(b.ToString());
      CHECK(Decimal::Compare(Decimal::Subtract(Decimal::Add(a, b), b), a) == 0);
      CHECK(Decimal::Parse(a.ToString()).value == a.value);
      CHECK(a.Rescale(a.scale + 3).Hash() == a.Hash());
      if (b.value != 0) {
        // a = div(a, b) * b + a % b, with the remainder taking the dividend's sign.
        Decimal quotient = Decimal::DivideTrunc(a, b);
        Decimal remainder = Decimal::Modulo(a, b);
        CHECK(Decimal::Compare(Decimal::Add(Decimal::Multiply(quotient, b), remainder), a) == 0);
        CHECK((remainder.Sign() == 0 || remainder.Sign() == a.Sign()));
      }
    }
  }
}

}  // namespace
}  // namespace tessera
