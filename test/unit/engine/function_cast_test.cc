// SPDX-License-Identifier: Apache-2.0
// Tests of casts: which pairs exist in which context (pg_cast), and the conversions' results and errors
// as PostgreSQL 15 gives them.
#include <doctest/doctest.h>

#include <cmath>

#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

const LogicalType kSmallint(TypeId::kInt16);
const LogicalType kInteger(TypeId::kInt32);
const LogicalType kBigint(TypeId::kInt64);
const LogicalType kReal(TypeId::kFloat32);
const LogicalType kDouble(TypeId::kFloat64);
const LogicalType kNumeric(TypeId::kNumeric);
const LogicalType kTextType(TypeId::kText);
const LogicalType kBoolean(TypeId::kBool);
const LogicalType kDate(TypeId::kDate);
const LogicalType kTimestamp(TypeId::kTimestamp);
const LogicalType kTimestampTz(TypeId::kTimestampTz);

LogicalType Flavoured(uint32_t oid) {
  LogicalType type(TypeId::kOid);
  type.oid_flavour = oid;
  return type;
}

TEST_SUITE("function_cast") {
  TEST_CASE("cast contexts follow pg_cast") {
    struct ContextCase {
      LogicalType source;
      LogicalType target;
      CastContext context;
    };
    const ContextCase cases[] = {
        {kSmallint, kInteger, CastContext::kImplicit},
        {kInteger, kSmallint, CastContext::kAssignment},
        {kInteger, kNumeric, CastContext::kImplicit},
        {kNumeric, kDouble, CastContext::kImplicit},
        {kDouble, kNumeric, CastContext::kAssignment},
        {kNumeric, kInteger, CastContext::kAssignment},
        {kReal, kDouble, CastContext::kImplicit},
        {kInteger, kBoolean, CastContext::kExplicit},
        {kBoolean, kInteger, CastContext::kExplicit},
        {kBoolean, kSmallint, CastContext::kNone},
        {kBoolean, kTextType, CastContext::kAssignment},
        {kInteger, kTextType, CastContext::kAssignment},
        {kTextType, kInteger, CastContext::kExplicit},
        {kTextType, LogicalType::Varchar(3), CastContext::kImplicit},
        {LogicalType(TypeId::kChar), kTextType, CastContext::kImplicit},
        {LogicalType(TypeId::kName), LogicalType(TypeId::kVarchar), CastContext::kAssignment},
        {LogicalType::Varchar(3), LogicalType::Varchar(5), CastContext::kImplicit},
        {LogicalType(TypeId::kUnknown), kDate, CastContext::kImplicit},
        {kDate, kTimestamp, CastContext::kImplicit},
        {kTimestamp, kDate, CastContext::kAssignment},
        {kTimestampTz, kTimestamp, CastContext::kAssignment},
        {kInteger, kDate, CastContext::kNone},
        {kInteger, LogicalType(TypeId::kOid), CastContext::kImplicit},
        {LogicalType(TypeId::kOid), kBigint, CastContext::kAssignment},
        {kTextType, Flavoured(2205), CastContext::kImplicit},
        {kTextType, LogicalType(TypeId::kOid), CastContext::kExplicit},
        {LogicalType(TypeId::kBytea), kTextType, CastContext::kAssignment},
        {kDate, LogicalType(TypeId::kInterval), CastContext::kNone},
    };
    for (const ContextCase& one : cases) {
      INFO(FormatType(one.source) << " -> " << FormatType(one.target));
      CHECK(static_cast<int>(GetCastContext(one.source, one.target)) == static_cast<int>(one.context));
    }
  }

  TEST_CASE("numeric casts round and check ranges") {
    CHECK(Cast(Float8(2.5), kInteger) == "2");
    CHECK(Cast(Float8(3.5), kInteger) == "4");
    CHECK(Cast(Float8(-2.5), kInteger) == "-2");
    CHECK(Cast(Num("2.5"), kInteger) == "3");
    CHECK(Cast(Num("-2.5"), kInteger) == "-3");
    CHECK(Cast(Num("2147483647.5"), kInteger) == "ERROR 22003");
    CHECK(Cast(Float8(1e10), kInteger) == "ERROR 22003");
    CHECK(Cast(Float8(NAN), kInteger) == "ERROR 22003");
    CHECK(Cast(Float8(1e39), kReal) == "ERROR 22003");
    CHECK(Cast(Float8(1e-50), kReal) == "ERROR 22003");
    CHECK(Cast(Int4(70000), kSmallint) == "ERROR 22003");
    CHECK(Cast(Int8(-9223372036854775807), kInteger) == "ERROR 22003");
    CHECK(Cast(Float4(1.5f), kSmallint) == "2");
    CHECK(Cast(Float4(1.23456789f), kNumeric) == "1.23457");
    CHECK(Cast(Float8(1.23456789012345678), kNumeric) == "1.23456789012346");
    CHECK(Cast(Float4(1e-7f), kNumeric) == "0.0000001");
    CHECK(Cast(Num("12.345"), LogicalType::Numeric(4, 2)) == "12.35");
    CHECK(Cast(Num("123.456"), LogicalType::Numeric(4, 2)) == "ERROR 22003");
    CHECK(Cast(Float8(12.345), LogicalType::Numeric(4, 2)) == "12.35");
    CHECK(Cast(Int4(5), kNumeric) == "5");
    CHECK(Cast(Num("1.5"), kDouble) == "1.5");
    CHECK(Cast(Int4(1), kBoolean) == "t");
    CHECK(Cast(Int4(0), kBoolean) == "f");
    CHECK(Cast(Bool(true), kInteger) == "1");
    CHECK(Cast(Bool(true), kSmallint) == "ERROR 42846");
    CHECK(Cast(Int4(-1), LogicalType(TypeId::kOid)) == "4294967295");
    CHECK(Cast(Int8(4294967295), LogicalType(TypeId::kOid)) == "4294967295");
    CHECK(Cast(Int8(-1), LogicalType(TypeId::kOid)) == "ERROR 22003");
    CHECK(Cast(Typed(TypeId::kOid, "3000000000"), kInteger) == "-1294967296");
    CHECK(Cast(Int4(1), kDate) == "ERROR 42846");
  }

  TEST_CASE("casts to text use the output functions") {
    CHECK(Cast(Bool(true), kTextType) == "true");
    CHECK(Cast(Bool(false), LogicalType(TypeId::kVarchar)) == "false");
    CHECK(Cast(Bool(true), LogicalType::Char(5)) == "true ");
    CHECK(Cast(Float8(1.5), kTextType) == "1.5");
    CHECK(Cast(Float8(1e20), kTextType) == "1e+20");
    CHECK(Cast(Float4(1.5f), kTextType) == "1.5");
    CHECK(Cast(Num("1.50"), kTextType) == "1.50");
    CHECK(Cast(Int2(12), kTextType) == "12");
    CHECK(Cast(Typed(TypeId::kChar, "abc  "), kTextType) == "abc");
    CHECK(Cast(Typed(TypeId::kBytea, "\\x41"), kTextType) == "\\x41");
    CHECK(Cast(Typed(TypeId::kDate, "2020-01-01"), kTextType) == "2020-01-01");
    CHECK(Cast(Value::FromInt(Flavoured(2206), 23), kTextType) == "integer");
  }

  TEST_CASE("varchar(n) and char(n) enforce their length as PostgreSQL") {
    CHECK(Cast(Text("abcdef"), LogicalType::Varchar(3), true) == "abc");
    CHECK(Cast(Text("abcdef"), LogicalType::Varchar(3), false) == "ERROR 22001");
    CHECK(Cast(Text("abc   "), LogicalType::Varchar(3), false) == "abc");
    CHECK(Cast(Text("h\xC3\xA9llo"), LogicalType::Varchar(2), true) == "h\xC3\xA9");
    CHECK(Cast(Text("ab"), LogicalType::Char(4)) == "ab  ");
    CHECK(Cast(Text("abc  "), LogicalType::Char(2), false) == "ERROR 22001");
    CHECK(Cast(Text("abc  "), LogicalType::Char(3), false) == "abc");
    CHECK(Cast(Typed(TypeId::kChar, "ab  "), LogicalType::Varchar(10)) == "ab");
    CHECK(Cast(Typed(TypeId::kChar, "ab  "), LogicalType::Char(6)) == "ab    ");
    CHECK(Cast(Text(std::string(70, 'x')), LogicalType(TypeId::kName)) == std::string(63, 'x'));
    CHECK(Cast(Int4(12345), LogicalType::Varchar(3), false) == "ERROR 22001");
    ExecContext context;
    try {
      CastValue(Text("abcdef"), LogicalType::Varchar(3), context, false);
      FAIL("expected an error");
    } catch (const SqlError& error) {
      CHECK(error.info().message == "value too long for type character varying(3)");
    }
  }

  TEST_CASE("casts from text use the input functions") {
    CHECK(Cast(Text("  12  "), kInteger) == "12");
    CHECK(Cast(Text("abc"), kInteger) == "ERROR 22P02");
    CHECK(Cast(Text("99999999999"), kInteger) == "ERROR 22003");
    CHECK(Cast(Text(" t "), kBoolean) == "t");
    CHECK(Cast(Text("yes"), kBoolean) == "t");
    CHECK(Cast(Text("1e3"), kNumeric) == "1000");
    CHECK(Cast(Text("1.2345"), LogicalType::Numeric(5, 2)) == "1.23");
    CHECK(Cast(Text("x"), kDate) == "ERROR 22007");
    CHECK(Cast(Text("abc"), LogicalType(TypeId::kBytea)) == "\\x616263");
    CHECK(Cast(Typed(TypeId::kUnknown, "2020-01-01"), kDate) == "2020-01-01");
    CHECK(Cast(Text("2020-01-01 10:00:00.123456"), LogicalType(TypeId::kTimestamp, 2)) == "2020-01-01 10:00:00.12");
    CHECK(Cast(Text("-1"), LogicalType(TypeId::kOid)) == "4294967295");
    CHECK(Cast(Text("x1"), LogicalType(TypeId::kOid)) == "ERROR 22P02");
    CHECK(Cast(Text("int4"), Flavoured(2206)) == "23");
    CHECK(Cast(Value::FromInt(Flavoured(2206), 1043), kTextType) == "character varying");
    CHECK(Cast(Text("nosuchtype"), Flavoured(2206)) == "ERROR 42704");
    CHECK(Cast(Text("{a,b}"), LogicalType(TypeId::kTextArray)) == "{a,b}");
    CHECK(Cast(Text("a,b"), LogicalType(TypeId::kTextArray)) == "ERROR 22P02");
  }

  TEST_CASE("date and time casts") {
    CHECK(Cast(Typed(TypeId::kDate, "2020-01-01"), kTimestampTz) == "2020-01-01 00:00:00+00");
    CHECK(Cast(Typed(TypeId::kDate, "infinity"), kTimestamp) == "infinity");
    CHECK(Cast(Typed(TypeId::kTimestamp, "2020-01-01 23:59"), kDate) == "2020-01-01");
    CHECK(Cast(Typed(TypeId::kTimestamp, "1999-12-31 23:59"), kDate) == "1999-12-31");
    CHECK(Cast(Typed(TypeId::kInterval, "25 hours"), LogicalType(TypeId::kTime)) == "01:00:00");
    CHECK(Cast(Typed(TypeId::kTime, "10:00"), LogicalType(TypeId::kInterval)) == "10:00:00");
    CHECK(Cast(Typed(TypeId::kTimestamp, "infinity"), LogicalType(TypeId::kTime)) == "NULL");
    CHECK(Cast(Typed(TypeId::kTimestamp, "2020-01-01 10:00:00.125"), LogicalType(TypeId::kTimestamp, 2)) ==
          "2020-01-01 10:00:00.13");

    ExecContext context;
    context.time_zone.offset_seconds = 3 * 3600;
    context.time_zone.name = "+03";
    const Value midnight_utc = Typed(TypeId::kTimestampTz, "2020-01-01 00:00:00+00");
    CHECK(Cast(midnight_utc, kDate, context, true) == "2020-01-01");
    CHECK(Cast(midnight_utc, kTimestamp, context, true) == "2020-01-01 03:00:00");
    CHECK(Cast(midnight_utc, LogicalType(TypeId::kTime), context, true) == "03:00:00");
    CHECK(Cast(Typed(TypeId::kTimestamp, "2020-01-01 00:00"), kTimestampTz, context, true) == "2020-01-01 00:00:00+03");
    CHECK(Cast(midnight_utc, kTextType, context, true) == "2020-01-01 03:00:00+03");
  }

  TEST_CASE("casting NULL keeps NULL and still rejects impossible pairs") {
    CHECK(Cast(Null(TypeId::kInt32), kTextType) == "NULL");
    CHECK(Cast(Null(TypeId::kInt32), kDate) == "ERROR 42846");
  }

  TEST_CASE("CastVector converts a batch with NULL rows without reading them") {
    Vector input(LogicalType(TypeId::kInt64));
    input.AppendValue(Value::Int64(1));
    input.AppendValue(Value::Null(LogicalType(TypeId::kInt64)));
    input.AppendValue(Value::Int64(3));
    input.Data<int64_t>()[1] = INT64_MAX;  // garbage under the NULL must not raise "integer out of range"
    ExecContext context;
    Vector result;
    CastVector(input, LogicalType(TypeId::kInt32), result, context, false);
    REQUIRE(result.size() == 3);
    CHECK(result.Data<int32_t>()[0] == 1);
    CHECK(result.IsNull(1));
    CHECK(result.Data<int32_t>()[2] == 3);
  }
}

}  // namespace
}  // namespace tessera::engine::testing
