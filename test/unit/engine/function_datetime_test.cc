// SPDX-License-Identifier: Apache-2.0
// Tests of the date/time functions and operators, in UTC and in a session zone of +03, against
// PostgreSQL 15's results.
#include <doctest/doctest.h>

#include "base/datetime.h"
#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

Value Date(std::string_view text) { return Typed(TypeId::kDate, text); }
Value Time(std::string_view text) { return Typed(TypeId::kTime, text); }
Value Timestamp(std::string_view text) { return Typed(TypeId::kTimestamp, text); }
Value TimestampTz(std::string_view text) { return Typed(TypeId::kTimestampTz, text); }
Value Span(std::string_view text) { return Typed(TypeId::kInterval, text); }

ExecContext ContextInZone(int32_t offset_seconds, std::string name) {
  ExecContext context;
  context.time_zone.offset_seconds = offset_seconds;
  context.time_zone.name = std::move(name);
  // now() is the transaction start; statement_timestamp() a minute later, a later statement of the block.
  context.transaction_timestamp = datetime::ParseTimestampTz("2020-06-15 22:30:00+00", datetime::TimeZone{});
  context.statement_timestamp = datetime::ParseTimestampTz("2020-06-15 22:31:00+00", datetime::TimeZone{});
  return context;
}

TEST_SUITE("function_datetime") {
  TEST_CASE("date and timestamp arithmetic") {
    CheckCases({
        {"+", {Date("2020-01-31"), Int4(1)}, "2020-02-01"},
        {"+", {Int4(1), Date("2020-01-31")}, "2020-02-01"},
        {"-", {Date("2020-03-01"), Int4(1)}, "2020-02-29"},
        {"-", {Date("2020-03-01"), Date("2020-01-01")}, "60"},
        {"-", {Date("infinity"), Date("2020-01-01")}, "ERROR 22008"},
        {"+", {Date("infinity"), Int4(1)}, "infinity"},
        {"+", {Date("5874897-12-31"), Int4(1)}, "ERROR 22008"},
        {"+", {Date("2020-01-31"), Span("1 month")}, "2020-02-29 00:00:00"},
        {"+", {Date("2020-01-01"), Time("10:00")}, "2020-01-01 10:00:00"},
        {"-", {Date("2020-01-01"), Span("1 hour")}, "2019-12-31 23:00:00"},
        {"-", {Timestamp("2020-01-01"), Timestamp("2019-12-01 12:00")}, "30 days 12:00:00"},
        {"-", {Timestamp("infinity"), Timestamp("2019-12-01")}, "ERROR 22008"},
        {"+", {Timestamp("infinity"), Span("1 day")}, "infinity"},
        {"+", {Time("10:00"), Span("3 hours")}, "13:00:00"},
        {"+", {Time("23:00"), Span("3 hours")}, "02:00:00"},
        {"-", {Time("10:00"), Time("09:30")}, "00:30:00"},
        {"*", {Span("1 day"), Float8(1.5)}, "1 day 12:00:00"},
        {"/", {Span("1 month"), Float8(2)}, "15 days"},
        {"/", {Span("1 month"), Float8(0)}, "ERROR 22012"},
        {"-", {Span("1 day 2 hours")}, "-1 days -02:00:00"},
        {"+", {Span("1 hour"), Span("1 day")}, "1 day 01:00:00"},
        {"-", {Span("1 hour"), Span("1 day")}, "-1 days +01:00:00"},
    });
  }

  TEST_CASE("construction, justification and to_timestamp") {
    CheckCases({
        {"make_date", {Int4(2023), Int4(2), Int4(28)}, "2023-02-28"},
        {"make_date", {Int4(-44), Int4(3), Int4(15)}, "0044-03-15 BC"},
        {"make_date", {Int4(2023), Int4(2), Int4(30)}, "ERROR 22008"},
        {"make_date", {Int4(0), Int4(1), Int4(1)}, "ERROR 22008"},
        {"make_time", {Int4(10), Int4(20), Float8(30.5)}, "10:20:30.5"},
        {"make_time", {Int4(24), Int4(0), Float8(0)}, "24:00:00"},
        {"make_timestamp", {Int4(2023), Int4(1), Int4(2), Int4(3), Int4(4), Float8(5.5)}, "2023-01-02 03:04:05.5"},
        {"make_timestamp", {Int4(2023), Int4(1), Int4(2), Int4(3), Int4(4), Float8(60)}, "2023-01-02 03:05:00"},
        {"make_timestamp", {Int4(2023), Int4(1), Int4(2), Int4(25), Int4(4), Float8(5.5)}, "ERROR 22008"},
        {"justify_days", {Span("35 days")}, "1 mon 5 days"},
        {"justify_hours", {Span("27 hours")}, "1 day 03:00:00"},
        {"justify_interval", {Span("1 month -1 hour")}, "29 days 23:00:00"},
        {"to_timestamp", {Float8(0)}, "1970-01-01 00:00:00+00"},
        {"to_timestamp", {Float8(1.5)}, "1970-01-01 00:00:01.5+00"},
        {"to_timestamp", {Float8(INFINITY)}, "infinity"},
        {"to_timestamp", {Float8(NAN)}, "ERROR 22008"},
        {"to_timestamp", {Float8(1e20)}, "ERROR 22008"},
        {"isfinite", {Date("infinity")}, "f"},
        {"isfinite", {Timestamp("2020-01-01")}, "t"},
        {"age", {Timestamp("2020-03-01"), Timestamp("2019-01-15 10:00")}, "1 year 1 mon 16 days 14:00:00"},
    });
    CHECK(ErrorMessage("make_date", {Int4(2023), Int4(2), Int4(30)}) == "date field value out of range: 2023-02-30");
    CHECK(ErrorMessage("make_timestamp", {Int4(2023), Int4(1), Int4(2), Int4(25), Int4(4), Float8(5.5)}) ==
          "time field value out of range: 25:04:5.5");
    CHECK(ErrorMessage("to_timestamp", {Float8(1e20)}) == "timestamp out of range: \"1e+20\"");
  }

  TEST_CASE("date_part returns float8 and extract returns exact numeric") {
    CheckCases({
        {"date_trunc", {Text("month"), Timestamp("2020-05-17 10:11:12")}, "2020-05-01 00:00:00"},
        {"date_trunc", {Text("HOUR"), Timestamp("2020-05-17 10:11:12")}, "2020-05-17 10:00:00"},
        {"date_trunc", {Text("hour"), Span("1 day 5 hours 30 minutes")}, "1 day 05:00:00"},
        {"date_part", {Text("dow"), Date("2020-01-01")}, "3"},
        {"date_part", {Text("hour"), Date("2020-01-01")}, "0"},
        {"date_part", {Text("epoch"), Timestamp("2020-01-01 00:00:00.5")}, "1577836800.5"},
        {"date_part", {Text("second"), Timestamp("2020-01-01 00:00:07.5")}, "7.5"},
        {"date_part", {Text("epoch"), Timestamp("infinity")}, "Infinity"},
        {"date_part", {Text("hour"), Timestamp("infinity")}, "NULL"},
        {"date_part", {Text("hour"), Time("10:30")}, "10"},
        {"extract", {Text("epoch"), Timestamp("2020-01-01 00:00:00.5")}, "1577836800.500000"},
        {"extract", {Text("second"), Timestamp("2020-01-01 00:00:07.5")}, "7.500000"},
        {"extract", {Text("year"), Timestamp("2020-01-01")}, "2020"},
        {"extract", {Text("milliseconds"), Timestamp("2020-01-01 00:00:07.5")}, "7500.000"},
        {"extract", {Text("microseconds"), Timestamp("2020-01-01 00:00:02.5")}, "2500000"},
        {"extract", {Text("julian"), Timestamp("2020-01-01 12:00")}, "2458850.50000000000000000000"},
        {"extract", {Text("julian"), Timestamp("2020-01-01 08:00")}, "2458850.33333333333333333333"},
        {"extract", {Text("epoch"), Date("2020-01-01")}, "1577836800"},
        {"extract", {Text("day"), Date("2020-01-01")}, "1"},
        {"extract", {Text("julian"), Date("2020-01-01")}, "2458850"},
        {"extract", {Text("hour"), Date("2020-01-01")}, "ERROR 0A000"},
        {"extract", {Text("epoch"), Span("1 day 2 hours")}, "93600.000000"},
        {"extract", {Text("epoch"), Span("1 year 2 months 3 days 04:05:06.5")}, "37015506.500000"},
        {"extract", {Text("second"), Span("-1 min -2.5 sec")}, "-2.500000"},
        {"extract", {Text("epoch"), Time("01:00:00.25")}, "3600.250000"},
        {"extract", {Text("milliseconds"), Time("10:00:02.5")}, "2500.000"},
        {"extract", {Text("dow"), Date("2020-01-01")}, "3"},
        {"extract", {Text("century"), Date("2020-01-01")}, "21"},
        {"extract", {Text("hour"), Timestamp("infinity")}, "NULL"},
        {"extract", {Text("timezone"), Timestamp("infinity")}, "NULL"},
        {"extract", {Text("month"), Date("infinity")}, "NULL"},
        {"extract", {Text("hour"), Date("infinity")}, "ERROR 0A000"},
        // PostgreSQL answers Infinity; a Decimal cannot hold it.
        {"extract", {Text("year"), Timestamp("infinity")}, "ERROR 0A000"},
        {"date_part", {Text("foo"), Date("2020-01-01")}, "ERROR 22023"},
    });
  }

  TEST_CASE("timestamptz functions use the session's time zone") {
    ExecContext context = ContextInZone(3 * 3600, "+03");
    CheckCases(
        {
            {"date_trunc", {Text("day"), TimestampTz("2020-05-17 23:30:00+00")}, "2020-05-18 00:00:00+03"},
            {"extract", {Text("hour"), TimestampTz("2020-01-01 00:00:00+00")}, "3"},
            {"extract", {Text("timezone"), TimestampTz("2020-01-01 00:00:00+00")}, "10800"},
            {"extract", {Text("epoch"), TimestampTz("2020-01-01 00:00:00+00")}, "1577836800.000000"},
            {"date_part", {Text("timezone_hour"), TimestampTz("2020-01-01 00:00:00+00")}, "3"},
            {"to_char", {TimestampTz("2020-01-01 00:00:00+00"), Text("YYYY-MM-DD HH24:MI")}, "2020-01-01 03:00"},
            {"+", {TimestampTz("2020-01-31 22:00+00"), Span("1 month")}, "2020-03-01 01:00:00+03"},
            {"=", {Date("2020-01-01"), TimestampTz("2019-12-31 21:00+00")}, "t"},
            {"now", {}, "2020-06-16 01:30:00+03"},
            {"statement_timestamp", {}, "2020-06-16 01:31:00+03"},
            {"current_date", {}, "2020-06-16"},
            {"localtimestamp", {}, "2020-06-16 01:30:00"},
            {"age", {TimestampTz("2020-03-01 00:00+02"), TimestampTz("2020-01-01 00:00+00")}, "1 mon 30 days 22:00:00"},
        },
        context);
  }

  TEST_CASE("to_char formats timestamps, intervals and numbers") {
    CheckCases({
        {"to_char", {Timestamp("2020-03-05 14:07:09"), Text("YYYY-MM-DD HH24:MI:SS")}, "2020-03-05 14:07:09"},
        {"to_char", {Span("1 day 02:03:04"), Text("HH24:MI:SS")}, "02:03:04"},
        {"to_char", {Num("12"), Text("99")}, " 12"},
        {"to_char", {Num("-12"), Text("99")}, "-12"},
        {"to_char", {Num("1234.5"), Text("9999.99")}, " 1234.50"},
        {"to_char", {Num("1234.5"), Text("FM9999.99")}, "1234.5"},
        {"to_char", {Num("1234.5"), Text("FM9990.00")}, "1234.50"},
        {"to_char", {Num("0.5"), Text("9.99")}, "  .50"},
        {"to_char", {Num("0.5"), Text("0.99")}, " 0.50"},
        {"to_char", {Num("0.5"), Text("FM9.99")}, ".5"},
        {"to_char", {Num("0"), Text("FM9.99")}, "0."},
        {"to_char", {Num("0"), Text("9.99")}, "  .00"},
        {"to_char", {Num("0"), Text("9")}, " 0"},
        {"to_char", {Num("0.5"), Text("99.99")}, "   .50"},
        {"to_char", {Num("12345"), Text("999")}, " ###"},
        {"to_char", {Num("-12345"), Text("999")}, "-###"},
        {"to_char", {Num("0.1"), Text(".99")}, " .##"},
        {"to_char", {Num("1234567.891"), Text("9,999,999.99")}, " 1,234,567.89"},
        {"to_char", {Num("1234567.891"), Text("9G999G999D99")}, " 1,234,567.89"},
        {"to_char", {Num("-1234567.891"), Text("FM9G999G999D99MI")}, "1,234,567.89-"},
        {"to_char", {Num("5"), Text("9,999")}, "     5"},
        {"to_char", {Num("-5"), Text("9,999")}, "    -5"},
        {"to_char", {Num("12"), Text("FM9,999")}, "12"},
        {"to_char", {Num("-5"), Text("S99")}, " -5"},
        {"to_char", {Num("5"), Text("S99")}, " +5"},
        {"to_char", {Num("-5"), Text("99S")}, " 5-"},
        {"to_char", {Num("-5"), Text("99MI")}, " 5-"},
        {"to_char", {Num("5"), Text("99MI")}, " 5 "},
        {"to_char", {Num("-5"), Text("MI99")}, "- 5"},
        {"to_char", {Num("5"), Text("PL99")}, "+  5"},
        {"to_char", {Num("-5"), Text("PL99")}, "  -5"},
        {"to_char", {Num("5"), Text("SG99")}, "+ 5"},
        {"to_char", {Num("-5"), Text("99PR")}, " <5>"},
        {"to_char", {Num("5"), Text("99PR")}, "  5 "},
        {"to_char", {Num("-123"), Text("FM999PR")}, "<123>"},
        {"to_char", {Num("12.345"), Text("99V99")}, " 1235"},
        {"to_char", {Num("1234.5"), Text("9.99EEEE")}, " 1.23e+03"},
        {"to_char", {Num("-0.00012"), Text("9.99EEEE")}, "-1.20e-04"},
        {"to_char", {Num("3"), Text("9th")}, " 3rd"},
        {"to_char", {Num("21"), Text("FM99TH")}, "21ST"},
        {"to_char", {Num("11"), Text("99th")}, " 11th"},
        {"to_char", {Num("-3"), Text("9th")}, "-3"},
        {"to_char", {Num("5"), Text("00")}, " 05"},
        {"to_char", {Num("-5"), Text("0000")}, "-0005"},
        {"to_char", {Num("123.5"), Text("999")}, " 124"},
        {"to_char", {Num("1"), Text("9.")}, " 1"},
        {"to_char", {Num("1234.0"), Text("FM9999.99")}, "1234."},
        {"to_char", {Num("12"), Text("00.9")}, " 12.0"},
        {"to_char", {Num("42"), Text("\"n=\"99")}, "n= 42"},
        {"to_char", {Num("12"), Text("9X9")}, " 1X2"},
        {"to_char", {Num("12"), Text("L99")}, "  12"},
        {"to_char", {Int4(1994), Text("RN")}, "        MCMXCIV"},
        {"to_char", {Int4(4), Text("FMRN")}, "IV"},
        {"to_char", {Int4(12), Text("99.99")}, " 12.00"},
        {"to_char", {Int4(-12), Text("FM99.99")}, "-12."},
        {"to_char", {Int8(123456789012), Text("999999999999")}, " 123456789012"},
        {"to_char", {Float8(3.14159), Text("9.99")}, " 3.14"},
        {"to_char", {Float8(2.5), Text("9")}, " 2"},
        {"to_char", {Float8(123456789.123456789), Text("999999999.999999999")}, " 123456789.123457"},
        {"to_char", {Float8(-0.0), Text("9.9")}, " -.0"},
        {"to_char", {Float8(INFINITY), Text("999")}, " ###"},
        {"to_char", {Float8(NAN), Text("999")}, " NaN"},
        {"to_char", {Float4(1.23456789f), Text("9.9999999")}, " 1.23457"},
        {"to_char", {Num("1"), Text("9.9V9")}, "ERROR 42601"},
        {"to_char", {Num("12"), Text("9.")}, " #."},
        {"to_char", {Num("99.999"), Text("9.99EEEE")}, " 10.00e+01"},
        {"to_char", {Num("0"), Text("FM999.00")}, ".00"},
        {"to_char", {Float8(1e20), Text("9.99")}, " #."},
        {"to_char", {Float8(1e20), Text("FM999.999")}, "###."},
        {"to_char", {Timestamp("infinity"), Text("YYYY")}, "NULL"},
    });
  }
}

}  // namespace
}  // namespace tessera::engine::testing
