// SPDX-License-Identifier: Apache-2.0
// Tests of the arithmetic, comparison and math functions against PostgreSQL 15's results and errors.
#include <doctest/doctest.h>

#include <cmath>

#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

const Value kNaN = Float8(std::nan(""));
const Value kInfinity = Float8(INFINITY);

TEST_SUITE("function_arithmetic") {
  TEST_CASE("integer operators keep the operand type and raise PostgreSQL's range errors") {
    CheckCases({
        {"+", {Int4(1), Int4(2)}, "3"},
        {"+", {Int2(32767), Int2(1)}, "ERROR 22003"},
        {"+", {Int2(32767), Int4(1)}, "32768"},
        {"+", {Int8(9223372036854775807), Int8(1)}, "ERROR 22003"},
        {"+", {Int4(2147483647), Int8(1)}, "2147483648"},
        {"-", {Int4(-2147483647 - 1), Int4(1)}, "ERROR 22003"},
        {"*", {Int4(2147483647), Int4(2)}, "ERROR 22003"},
        {"*", {Int8(3037000499), Int8(3037000499)}, "9223372030926249001"},
        {"/", {Int4(-7), Int4(2)}, "-3"},
        {"/", {Int4(7), Int4(0)}, "ERROR 22012"},
        {"/", {Int4(-2147483647 - 1), Int4(-1)}, "ERROR 22003"},
        {"/", {Int2(-32768), Int2(-1)}, "ERROR 22003"},
        {"/", {Int8(INT64_MIN), Int8(-1)}, "ERROR 22003"},
        {"%", {Int4(-7), Int4(2)}, "-1"},
        {"%", {Int4(7), Int4(-2)}, "1"},
        {"%", {Int4(-2147483647 - 1), Int4(-1)}, "0"},
        {"%", {Int8(INT64_MIN), Int8(-1)}, "0"},
        {"%", {Int4(5), Int4(0)}, "ERROR 22012"},
        {"-", {Int4(-2147483647 - 1)}, "ERROR 22003"},
        {"-", {Int2(5)}, "-5"},
        {"+", {Int8(5)}, "5"},
        {"&", {Int4(6), Int4(3)}, "2"},
        {"|", {Int4(6), Int4(3)}, "7"},
        {"#", {Int4(5), Int4(3)}, "6"},
        {"~", {Int4(5)}, "-6"},
        {"<<", {Int2(1), Int4(20)}, "0"},
        {"<<", {Int2(1), Int4(15)}, "-32768"},
        {"<<", {Int4(1), Int4(33)}, "2"},
        {"<<", {Int4(1), Int4(-1)}, "-2147483648"},
        {"<<", {Int8(1), Int4(65)}, "2"},
        {">>", {Int4(-8), Int4(1)}, "-4"},
        {">>", {Int2(-1), Int4(20)}, "-1"},
    });
  }

  TEST_CASE("float operators check overflow, underflow and division by zero") {
    CheckCases({
        {"+", {Float8(0.1), Float8(0.2)}, "0.30000000000000004"},
        {"+", {Float4(0.1f), Float4(0.2f)}, "0.3"},
        {"/", {Float4(3), Float8(7)}, "0.42857142857142855"},
        {"/", {Float4(3), Float4(7)}, "0.42857143"},
        {"*", {Float8(1e308), Float8(10)}, "ERROR 22003"},
        {"*", {Float8(1e-308), Float8(1e-308)}, "ERROR 22003"},
        {"*", {Float4(1e38f), Float4(10)}, "ERROR 22003"},
        {"/", {Float8(1), Float8(0)}, "ERROR 22012"},
        {"/", {kNaN, Float8(0)}, "NaN"},
        {"/", {Float8(1e-300), Float8(1e300)}, "ERROR 22003"},
        {"-", {kInfinity, kInfinity}, "NaN"},
        {"*", {kInfinity, Float8(0)}, "NaN"},
        {"+", {Float8(1e308), Float8(1e308)}, "ERROR 22003"},
        {"-", {Float8(2.5)}, "-2.5"},
    });
    CHECK(ErrorMessage("*", {Float8(1e308), Float8(10)}) == "value out of range: overflow");
    CHECK(ErrorMessage("*", {Float8(1e-308), Float8(1e-308)}) == "value out of range: underflow");
    CHECK(ErrorMessage("+", {Int2(32767), Int2(1)}) == "smallint out of range");
    CHECK(ErrorMessage("+", {Int4(2147483647), Int4(1)}) == "integer out of range");
    CHECK(ErrorMessage("+", {Int8(INT64_MAX), Int8(1)}) == "bigint out of range");
    CHECK(ErrorMessage("/", {Int4(1), Int4(0)}) == "division by zero");
  }

  TEST_CASE("numeric operators use PostgreSQL's result scales") {
    CheckCases({
        {"+", {Num("1.00"), Num("2.5")}, "3.50"},
        {"*", {Num("2.50"), Num("1.5")}, "3.750"},
        {"/", {Num("10.0"), Num("3")}, "3.3333333333333333"},
        {"/", {Num("1"), Num("3")}, "0.33333333333333333333"},
        {"/", {Num("1.0"), Num("0")}, "ERROR 22012"},
        {"%", {Num("5.5"), Num("2")}, "1.5"},
        {"%", {Num("-5.5"), Num("2")}, "-1.5"},
        {"-", {Num("1.50")}, "-1.50"},
    });
  }

  TEST_CASE("comparisons follow PostgreSQL's orderings") {
    CheckCases({
        {"=", {Int4(1), Int8(1)}, "t"},
        {"<", {Int2(-1), Int8(0)}, "t"},
        {"=", {kNaN, kNaN}, "t"},
        {">", {kNaN, kInfinity}, "t"},
        {"<", {kNaN, kNaN}, "f"},
        {"=", {Float8(-0.0), Float8(0.0)}, "t"},
        {"=", {Float4(std::nanf("")), Float4(std::nanf(""))}, "t"},
        {"=", {Num("1.0"), Num("1.000")}, "t"},
        {"<", {Num("-0.5"), Num("0.25")}, "t"},
        {"<", {Text("B"), Text("a")}, "t"},
        {"<", {Text("a"), Text("ab")}, "t"},
        {">", {Text("\xC3\xA9"), Text("z")}, "t"},
        {"=", {Typed(TypeId::kChar, "ab  "), Typed(TypeId::kChar, "ab")}, "t"},
        {"<>", {Text("ab  "), Text("ab")}, "t"},
        {"<=", {Bool(false), Bool(true)}, "t"},
        {"=", {Typed(TypeId::kInterval, "1 mon"), Typed(TypeId::kInterval, "30 days")}, "t"},
        {"<", {Typed(TypeId::kDate, "2020-01-01"), Typed(TypeId::kTimestamp, "2020-01-01 00:00:01")}, "t"},
        {"=", {Typed(TypeId::kDate, "2020-01-01"), Typed(TypeId::kTimestamp, "2020-01-01")}, "t"},
        {"=", {Null(TypeId::kInt32), Int4(1)}, "NULL"},
    });
  }

  TEST_CASE("math functions on floats") {
    CheckCases({
        {"round", {Float8(2.5)}, "2"},
        {"round", {Float8(-2.5)}, "-2"},
        {"round", {Float8(3.5)}, "4"},
        {"trunc", {Float8(-2.7)}, "-2"},
        {"ceil", {Float8(-0.5)}, "-0"},
        {"floor", {Float8(-2.5)}, "-3"},
        {"sign", {Float8(-0.0)}, "0"},
        {"sqrt", {Float8(2)}, "1.4142135623730951"},
        {"sqrt", {Float8(-1)}, "ERROR 2201F"},
        {"|/", {Float8(16)}, "4"},
        {"cbrt", {Float8(-8)}, "-2"},
        {"exp", {Float8(1)}, "2.718281828459045"},
        {"exp", {Float8(1000)}, "ERROR 22003"},
        {"exp", {Float8(-1000)}, "ERROR 22003"},
        {"ln", {Float8(2)}, "0.6931471805599453"},
        {"ln", {Float8(0)}, "ERROR 2201E"},
        {"ln", {Float8(-1)}, "ERROR 2201E"},
        {"log", {Float8(100)}, "2"},
        {"log10", {Float8(1000)}, "3"},
        {"power", {Float8(2), Float8(0.5)}, "1.4142135623730951"},
        {"^", {Float8(2), Float8(10)}, "1024"},
        {"^", {Float8(0), Float8(-1)}, "ERROR 2201F"},
        {"^", {Float8(-1), Float8(0.5)}, "ERROR 2201F"},
        {"pi", {}, "3.141592653589793"},
        {"degrees", {Float8(3.141592653589793)}, "180"},
        {"radians", {Float8(180)}, "3.141592653589793"},
        {"sin", {Float8(1)}, "0.8414709848078965"},
        {"cos", {Float8(1)}, "0.5403023058681398"},
        {"tan", {Float8(1)}, "1.5574077246549023"},
        {"cot", {Float8(1)}, "0.6420926159343306"},
        {"asin", {Float8(1)}, "1.5707963267948966"},
        {"acos", {Float8(0)}, "1.5707963267948966"},
        {"asin", {Float8(2)}, "ERROR 22003"},
        {"atan", {Float8(1)}, "0.7853981633974483"},
        {"atan2", {Float8(1), Float8(1)}, "0.7853981633974483"},
        {"abs", {Float4(-1.5f)}, "1.5"},
        {"@", {Float8(-5)}, "5"},
        {"width_bucket", {Float8(5.35), Float8(0.024), Float8(10.06), Int4(5)}, "3"},
        {"width_bucket", {Float8(-1), Float8(0), Float8(10), Int4(5)}, "0"},
        {"width_bucket", {Float8(10), Float8(0), Float8(10), Int4(5)}, "6"},
        {"width_bucket", {Float8(1), Float8(10), Float8(0), Int4(5)}, "5"},
    });
    CHECK(ErrorMessage("sqrt", {Float8(-1)}) == "cannot take square root of a negative number");
    CHECK(ErrorMessage("ln", {Float8(0)}) == "cannot take logarithm of zero");
  }

  TEST_CASE("math functions on integers") {
    CheckCases({
        {"abs", {Int4(-5)}, "5"},
        {"abs", {Int2(-32768)}, "ERROR 22003"},
        {"@", {Int4(-2147483647 - 1)}, "ERROR 22003"},
        {"mod", {Int4(-7), Int4(2)}, "-1"},
        {"mod", {Int2(5), Int2(3)}, "2"},
        {"mod", {Int4(5), Int4(0)}, "ERROR 22012"},
        {"gcd", {Int4(12), Int4(18)}, "6"},
        {"gcd", {Int4(-12), Int4(18)}, "6"},
        {"gcd", {Int4(0), Int4(0)}, "0"},
        {"gcd", {Int4(-2147483647 - 1), Int4(0)}, "ERROR 22003"},
        {"lcm", {Int4(4), Int4(6)}, "12"},
        {"lcm", {Int4(-4), Int4(6)}, "12"},
        {"lcm", {Int4(2147483647), Int4(2)}, "ERROR 22003"},
        {"gcd", {Int8(INT64_MIN), Int8(2)}, "2"},
    });
  }

  TEST_CASE("math functions on numeric use PostgreSQL's result scales") {
    CheckCases({
        {"round", {Num("2.5")}, "3"},
        {"round", {Num("-2.5")}, "-3"},
        {"round", {Num("2.567"), Int4(2)}, "2.57"},
        {"round", {Num("1234.5"), Int4(-2)}, "1200"},
        {"round", {Num("12.0"), Int4(3)}, "12.000"},
        {"trunc", {Num("2.789"), Int4(2)}, "2.78"},
        {"trunc", {Num("-0.4")}, "0"},
        {"floor", {Num("-2.5")}, "-3"},
        {"ceil", {Num("-0.5")}, "0"},
        {"ceiling", {Num("2.1")}, "3"},
        {"sign", {Num("2.00")}, "1"},
        {"abs", {Num("-2.50")}, "2.50"},
        {"sqrt", {Num("2")}, "1.414213562373095"},
        {"sqrt", {Num("16")}, "4.000000000000000"},
        {"sqrt", {Num("-1")}, "ERROR 2201F"},
        {"exp", {Num("1")}, "2.7182818284590452"},
        {"exp", {Num("2.5")}, "12.182493960703473"},
        {"exp", {Num("50.0")}, "5184705528587072464087.5"},
        {"exp", {Num("-10.0")}, "0.00004539992976248485"},
        {"exp", {Num("1.000000000000000000000")}, "2.718281828459045235360"},
        {"ln", {Num("2")}, "0.6931471805599453"},
        {"ln", {Num("1.05")}, "0.048790164169432003"},
        {"ln", {Num("1e20")}, "46.051701859880914"},
        {"ln", {Num("0.001")}, "-6.9077552789821371"},
        {"ln", {Num("1.0")}, "0.0000000000000000"},
        {"ln", {Num("0")}, "ERROR 2201E"},
        {"ln", {Num("-1")}, "ERROR 2201E"},
        {"log", {Num("100")}, "2.0000000000000000"},
        {"log", {Num("1e20")}, "20.000000000000000"},
        {"log", {Num("2"), Num("8")}, "3.0000000000000000"},
        {"log", {Num("10"), Num("10.00")}, "1.0000000000000000"},
        {"log", {Num("1"), Num("8")}, "ERROR 22012"},
        {"power", {Num("2.0"), Num("10")}, "1024.0000000000000000"},
        {"power", {Num("10"), Num("-2")}, "0.0100000000000000"},
        {"power", {Num("2"), Num("0.5")}, "1.4142135623730950"},
        {"power", {Num("1e10"), Num("1.5")}, "1000000000000000.0"},
        {"power", {Num("2"), Num("-0.5")}, "0.7071067811865475"},
        {"power", {Num("1.5"), Num("3")}, "3.3750000000000000"},
        {"power", {Num("0.0"), Num("0")}, "1.0000000000000000"},
        {"power", {Num("0"), Num("0.5")}, "0.0000000000000000"},
        {"power", {Num("2.00000000000000000000"), Num("2")}, "4.00000000000000000000"},
        {"power", {Num("1.5"), Num("2.5")}, "2.7556759606310754"},
        {"^", {Num("0"), Num("-1")}, "ERROR 2201F"},
        {"^", {Num("-8.0"), Num("0.5")}, "ERROR 2201F"},
        {"mod", {Num("7.5"), Num("2")}, "1.5"},
        {"div", {Num("7.5"), Num("2")}, "3"},
        {"div", {Num("-7"), Num("2")}, "-3"},
        {"div", {Num("5"), Num("0")}, "ERROR 22012"},
        {"gcd", {Num("12.5"), Num("7.5")}, "2.5"},
        {"lcm", {Num("1.5"), Num("2.5")}, "7.5"},
        {"scale", {Num("1.500")}, "3"},
        {"min_scale", {Num("1.500")}, "1"},
        {"trim_scale", {Num("1.500")}, "1.5"},
    });
  }

  TEST_CASE("random draws from the context's generator in [0, 1)") {
    ExecContext context;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const double value = std::stod(Evaluate("random", {}, context));
      CHECK(value >= 0);
      CHECK(value < 1);
    }
  }
}

}  // namespace
}  // namespace tessera::engine::testing
