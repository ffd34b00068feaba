// SPDX-License-Identifier: Apache-2.0
// Tests of the string, formatting and pattern-matching functions against PostgreSQL 15's results.
#include <doctest/doctest.h>

#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

Value Char(std::string_view text) { return Typed(TypeId::kChar, text); }
Value Bytea(std::string_view text) { return Typed(TypeId::kBytea, text); }

TEST_SUITE("function_string") {
  TEST_CASE("lengths count UTF-8 characters; bpchar ignores its padding") {
    CheckCases({
        {"length", {Text("h\xC3\xA9llo")}, "5"},
        {"char_length", {Text("")}, "0"},
        {"octet_length", {Text("h\xC3\xA9llo")}, "6"},
        {"length", {Char("ab  ")}, "2"},
        {"octet_length", {Char("ab   ")}, "5"},
        {"bit_length", {Text("ab")}, "16"},
        {"length", {Bytea("\\x0102")}, "2"},
        {"length", {Null(TypeId::kText)}, "NULL"},
    });
  }

  TEST_CASE("case conversion is Unicode-aware") {
    CheckCases({
        {"lower", {Text("\xC3\x80" "BC")}, "\xC3\xA0" "bc"},
        {"upper", {Text("\xC3\xA0" "bc")}, "\xC3\x80" "BC"},
        {"upper", {Text("stra\xC3\x9F" "e")}, "STRA\xC3\x9F" "E"},
        {"initcap", {Text("hello wORLD foo-bar x1y")}, "Hello World Foo-Bar X1y"},
        {"initcap", {Text("hi THERE_you 3rd")}, "Hi There_You 3rd"},
    });
  }

  TEST_CASE("substrings, positions and slices") {
    CheckCases({
        {"substr", {Text("hello"), Int4(2)}, "ello"},
        {"substr", {Text("hello"), Int4(-1), Int4(3)}, "h"},
        {"substr", {Text("hello"), Int4(0)}, "hello"},
        {"substr", {Text("hello"), Int4(10)}, ""},
        {"substr", {Text("h\xC3\xA9llo"), Int4(2), Int4(2)}, "\xC3\xA9l"},
        {"substring", {Text("hello"), Int4(2), Int4(10)}, "ello"},
        {"substr", {Text("hello"), Int4(2), Int4(-1)}, "ERROR 22011"},
        {"substr", {Bytea("\\x010203"), Int4(2), Int4(1)}, "\\x02"},
        {"position", {Text("hello"), Text("lo")}, "4"},
        {"strpos", {Text("h\xC3\xA9llo"), Text("l")}, "3"},
        {"position", {Text("abc"), Text("")}, "1"},
        {"strpos", {Text("abc"), Text("x")}, "0"},
        {"left", {Text("h\xC3\xA9llo"), Int4(2)}, "h\xC3\xA9"},
        {"left", {Text("hello"), Int4(-2)}, "hel"},
        {"right", {Text("hello"), Int4(2)}, "lo"},
        {"right", {Text("hello"), Int4(-2)}, "llo"},
        {"split_part", {Text("a,b,c"), Text(","), Int4(2)}, "b"},
        {"split_part", {Text("a,b,c"), Text(","), Int4(-1)}, "c"},
        {"split_part", {Text("a,b,c"), Text(","), Int4(5)}, ""},
        {"split_part", {Text("abc"), Text(""), Int4(1)}, "abc"},
        {"split_part", {Text("a,b"), Text(","), Int4(0)}, "ERROR 22023"},
        {"starts_with", {Text("hello"), Text("he")}, "t"},
    });
  }

  TEST_CASE("trimming, padding and rewriting") {
    CheckCases({
        {"btrim", {Text("  x  ")}, "x"},
        {"ltrim", {Text("xxyxz"), Text("xy")}, "z"},
        {"rtrim", {Text("zxyxx"), Text("xy")}, "z"},
        {"btrim", {Text("\xC3\xA9" "a\xC3\xA9"), Text("\xC3\xA9")}, "a"},
        {"lpad", {Text("hi"), Int4(5)}, "   hi"},
        {"lpad", {Text("hi"), Int4(5), Text("xy")}, "xyxhi"},
        {"lpad", {Text("hello"), Int4(3)}, "hel"},
        {"rpad", {Text("hi"), Int4(5), Text("xy")}, "hixyx"},
        {"lpad", {Text("hi"), Int4(5), Text("")}, "hi"},
        {"lpad", {Text("hi"), Int4(-1)}, ""},
        {"rpad", {Text("h\xC3\xA9llo"), Int4(7), Text("\xC3\xA9")}, "h\xC3\xA9llo\xC3\xA9\xC3\xA9"},
        {"replace", {Text("abcabc"), Text("b"), Text("XX")}, "aXXcaXXc"},
        {"replace", {Text("abc"), Text(""), Text("X")}, "abc"},
        {"repeat", {Text("ab"), Int4(3)}, "ababab"},
        {"repeat", {Text("ab"), Int4(-1)}, ""},
        {"repeat", {Text("x"), Int4(2000000000)}, "ERROR 54000"},
        {"reverse", {Text("h\xC3\xA9llo")}, "oll\xC3\xA9h"},
        {"translate", {Text("12345"), Text("143"), Text("ax")}, "a2x5"},
        {"translate", {Text("h\xC3\xA9llo"), Text("\xC3\xA9"), Text("e")}, "hello"},
        {"ascii", {Text("\xC3\xA9")}, "233"},
        {"ascii", {Text("")}, "0"},
        {"chr", {Int4(233)}, "\xC3\xA9"},
        {"chr", {Int4(0)}, "ERROR 54000"},
        {"chr", {Int4(-1)}, "ERROR 22023"},
        {"chr", {Int4(1114112)}, "ERROR 54000"},
        {"chr", {Int4(55296)}, "ERROR 54000"},
        {"||", {Text("a"), Text("b")}, "ab"},
        {"||", {Text("a"), Null(TypeId::kText)}, "NULL"},
        {"||", {Bytea("\\x61"), Bytea("\\x62")}, "\\x6162"},
    });
  }

  TEST_CASE("concat skips NULLs and concat_ws needs a separator") {
    CheckCases({
        {"concat", {Text("a"), Null(TypeId::kText), Text("1"), Text("true")}, "a1true"},
        {"concat", {Null(TypeId::kText)}, ""},
        {"concat_ws", {Text(","), Text("a"), Null(TypeId::kText), Text("b")}, "a,b"},
        {"concat_ws", {Null(TypeId::kText), Text("a")}, "NULL"},
        {"concat_ws", {Text(","), Null(TypeId::kText)}, ""},
    });
  }

  TEST_CASE("concat, concat_ws and format take arguments of any type, as their output functions write them") {
    CheckCases({
        {"concat", {Value::Text("x  ", LogicalType::Char(3)), Num("1.50"), Bool(true), Int4(7), Typed(TypeId::kDate, "2024-01-02")},
         "x  1.50t72024-01-02"},
        {"concat_ws", {Text(","), Bool(false), Float8(2.5), Null(TypeId::kInt32)}, "f,2.5"},
        {"format", {Text("%s|%s|%L"), Int4(1), Bool(true), Num("2.5")}, "1|t|'2.5'"},
    });
  }

  TEST_CASE("format, quoting, md5 and to_hex") {
    CheckCases({
        {"format", {Text("%s|%I|%L|%L|%%|%1$s"), Text("a b"), Text("My Col"), Text("it's"), Null(TypeId::kText)},
         "a b|\"My Col\"|'it''s'|NULL|%|a b"},
        {"format", {Text("%3$s %1$s %s"), Text("a"), Text("b"), Text("c")}, "c a b"},
        {"format", {Text("[%*s]"), Text("5"), Text("x")}, "[    x]"},
        {"format", {Text("[%-*s]"), Text("5"), Text("x")}, "[x    ]"},
        {"format", {Text("%-5s|%5s|"), Text("x"), Text("y")}, "x    |    y|"},
        {"format", {Text("%s"), Null(TypeId::kText)}, ""},
        {"format", {Text("%s %s"), Text("a")}, "ERROR 22023"},
        {"format", {Text("%z"), Text("a")}, "ERROR 22023"},
        {"format", {Text("%I"), Null(TypeId::kText)}, "ERROR 22004"},
        {"format", {Null(TypeId::kText)}, "NULL"},
        {"format", {Text("plain")}, "plain"},
        {"quote_ident", {Text("abc")}, "abc"},
        {"quote_ident", {Text("Abc")}, "\"Abc\""},
        {"quote_ident", {Text("a\"b")}, "\"a\"\"b\""},
        {"quote_ident", {Text("select")}, "\"select\""},
        {"quote_ident", {Text("name")}, "name"},
        {"quote_literal", {Text("a'b\\c")}, "E'a''b\\\\c'"},
        {"quote_nullable", {Null(TypeId::kText)}, "NULL"},
        {"md5", {Text("abc")}, "900150983cd24fb0d6963f7d28e17f72"},
        {"md5", {Text("")}, "d41d8cd98f00b204e9800998ecf8427e"},
        {"md5", {Text(std::string(100, 'a'))}, "36a92cc94a9e0fa21f625f8bfb007adf"},
        {"md5", {Bytea("\\x01")}, "55a54008ad1ba589aa210d2629c1df41"},
        {"to_hex", {Int4(255)}, "ff"},
        {"to_hex", {Int4(-1)}, "ffffffff"},
        {"to_hex", {Int8(-1)}, "ffffffffffffffff"},
        {"to_hex", {Int4(0)}, "0"},
    });
  }

  TEST_CASE("LIKE and ILIKE match % _ and escapes") {
    CheckCases({
        {"~~", {Text("abc"), Text("a%")}, "t"},
        {"~~", {Text("abc"), Text("a_c")}, "t"},
        {"~~", {Text("abc"), Text("%")}, "t"},
        {"~~", {Text(""), Text("%")}, "t"},
        {"~~", {Text(""), Text("_")}, "f"},
        {"~~", {Text("a_c"), Text("a\\_c")}, "t"},
        {"~~", {Text("abc"), Text("a\\_c")}, "f"},
        {"~~", {Text("aXbXc"), Text("%X_")}, "t"},
        {"~~", {Text("%"), Text("\\%")}, "t"},
        {"~~", {Text("abcde"), Text("%b%d_")}, "t"},
        {"~~", {Text("mississippi"), Text("%iss%ppi")}, "t"},
        {"~~", {Text("ab"), Text("a%%%b")}, "t"},
        {"~~", {Text("h\xC3\xA9llo"), Text("h_llo")}, "t"},
        {"~~", {Text("abc"), Text("abc\\")}, "f"},
        {"~~", {Text("abcd"), Text("abc\\")}, "ERROR 22025"},
        {"!~~", {Text("abc"), Text("b%")}, "t"},
        {"~~*", {Text("\xC3\x80" "B"), Text("\xC3\xA0" "b")}, "t"},
        {"~~*", {Text("foo"), Text("F%")}, "t"},
        {"!~~*", {Text("foo"), Text("F%")}, "f"},
        {"~~", {Char("ab  "), Text("ab")}, "f"},
        {"~~", {Char("ab  "), Text("ab%")}, "t"},
        {"like_escape", {Text("a#%b\\c"), Text("#")}, "a\\%b\\\\c"},
        {"like_escape", {Text("a\\b"), Text("")}, "a\\\\b"},
        {"like_escape", {Text("a"), Text("xy")}, "ERROR 22025"},
    });
  }

  TEST_CASE("POSIX regular expressions") {
    CheckCases({
        {"~", {Text("abc"), Text("b")}, "t"},
        {"~*", {Text("abc"), Text("B")}, "t"},
        {"!~", {Text("abc"), Text("b")}, "f"},
        {"!~*", {Text("abc"), Text("X")}, "t"},
        {"~", {Text("a1"), Text("\\d")}, "t"},
        {"~", {Text("foo"), Text("^f.o$")}, "t"},
        {"~", {Text("a.b"), Text("a\\.b")}, "t"},
        {"~", {Text("axb"), Text("a\\.b")}, "f"},
        {"~", {Text("ab"), Text("[[:alpha:]]+$")}, "t"},
        {"~", {Text("x"), Text("[\\d]")}, "f"},
        {"~", {Text("5"), Text("[\\d]")}, "t"},
        {"~", {Text("\xC3\xA9"), Text("^.$")}, "t"},
        {"~", {Text("abc"), Text("(")}, "ERROR 2201B"},
        {"regexp_replace", {Text("hello world"), Text("o"), Text("0")}, "hell0 world"},
        {"regexp_replace", {Text("hello world"), Text("o"), Text("0"), Text("g")}, "hell0 w0rld"},
        {"regexp_replace", {Text("abc"), Text("(b)"), Text("[\\1\\&\\\\x]")}, "a[bb\\x]c"},
        {"regexp_replace", {Text("ABC"), Text("b"), Text("x"), Text("gi")}, "AxC"},
        {"regexp_replace", {Text("abc"), Text(""), Text("-"), Text("g")}, "-a-b-c-"},
        {"regexp_replace", {Text("abc"), Text("c*"), Text("-"), Text("g")}, "-a-b--"},
        {"regexp_replace", {Text("Hello World"), Text("(\\w+) (\\w+)"), Text("\\2 \\1")}, "World Hello"},
        {"regexp_replace", {Text("a"), Text("a"), Text("b"), Text("z")}, "ERROR 22023"},
        {"regexp_replace", {Text("a.b"), Text("."), Text("x"), Text("q")}, "axb"},
        {"regexp_replace", {Text("abc"), Text("a b # comment\n c"), Text("X"), Text("x")}, "X"},
        {"regexp_match", {Text("foobarbequebaz"), Text("(bar)(beque)")}, "{bar,beque}"},
        {"regexp_match", {Text("abc"), Text("b")}, "{b}"},
        {"regexp_match", {Text("abc"), Text("x")}, "NULL"},
        {"regexp_match", {Text("a b"), Text("(a)( )(b)")}, "{a,\" \",b}"},
        {"regexp_match", {Text("ab"), Text("(a)|(x)")}, "{a,NULL}"},
        {"regexp_match", {Text("a\"b"), Text(".*")}, "{\"a\\\"b\"}"},
        {"regexp_match", {Text("2020-01-05"), Text("(\\d+)-(\\d+)-(\\d+)")}, "{2020,01,05}"},
        {"regexp_match", {Text("abc"), Text("b"), Text("g")}, "ERROR 22023"},
        {"substring", {Text("foobar"), Text("o.b")}, "oob"},
        {"substring", {Text("foobar"), Text("o(.)b")}, "o"},
        {"substring", {Text("foobar"), Text("x")}, "NULL"},
    });
  }
}

}  // namespace
}  // namespace tessera::engine::testing
