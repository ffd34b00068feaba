// SPDX-License-Identifier: Apache-2.0
// Tests of the bound-expression deparser (engine/deparse_expression.h): the SQL a coordinator sends to
// its workers, and the expressions it must refuse to write because their meaning could change.
#include <doctest/doctest.h>

#include <string>

#include "engine/deparse_expression.h"
#include "test/unit/engine/function_test_support.h"

namespace tessera::engine::testing {
namespace {

const std::vector<std::string> kColumns = {"\"id\"", "\"name\"", "\"price\"", "\"ts\"", "\"stamp\""};
const LogicalType kInteger(TypeId::kInt32);
const LogicalType kBigint(TypeId::kInt64);
const LogicalType kTextType(TypeId::kText);
const LogicalType kDouble(TypeId::kFloat64);
const LogicalType kTimestamp(TypeId::kTimestamp);
const LogicalType kTimestampTz(TypeId::kTimestampTz);
const LogicalType kBoolean(TypeId::kBool);

BoundExprPtr Column(int column) {
  static const LogicalType kTypes[] = {kInteger, kTextType, kDouble, kTimestamp, kTimestampTz};
  return MakeColumn(column, kTypes[column]);
}

// The overload of `name` taking exactly the children's types.
BoundExprPtr Call(const std::string& name, std::vector<BoundExprPtr> args) {
  const auto* overloads = BuiltinFunctions().Lookup(name);
  REQUIRE(overloads != nullptr);
  for (const ScalarFunction& function : *overloads) {
    if (function.arg_types.size() != args.size()) continue;
    bool fits = true;
    for (size_t index = 0; index < args.size(); ++index) fits = fits && function.arg_types[index].id == args[index]->type.id;
    if (fits) return MakeFunction(&function, std::move(args), function.return_type);
  }
  FAIL("no overload of " << name);
  return nullptr;
}

template <typename... Args>
std::vector<BoundExprPtr> List(Args... args) {
  std::vector<BoundExprPtr> list;
  (list.push_back(std::move(args)), ...);
  return list;
}

std::string Deparsed(const BoundExpr& expr) {
  auto text = DeparseExpression(expr, kColumns);
  return text ? *text : "<none>";
}

TEST_SUITE("deparse_expression") {
  TEST_CASE("constants are typed literals that read back exactly") {
    CHECK(*DeparseConstant(Int4(42)) == "'42'::integer");
    CHECK(*DeparseConstant(Int8(-7)) == "'-7'::bigint");
    CHECK(*DeparseConstant(Float8(0.1)) == "'0.1'::double precision");
    CHECK(*DeparseConstant(Num("12.50")) == "'12.50'::numeric");
    CHECK(*DeparseConstant(Text("it's")) == "'it''s'::text");
    CHECK(*DeparseConstant(Bool(true)) == "'t'::boolean");
    CHECK(*DeparseConstant(Typed(TypeId::kTimestamp, "2024-01-08 10:00:00")) ==
          "'2024-01-08 10:00:00'::timestamp without time zone");
    CHECK(*DeparseConstant(Typed(TypeId::kTimestampTz, "2024-01-08 10:00:00+02")) ==
          "'2024-01-08 08:00:00+00'::timestamp with time zone");
    CHECK(*DeparseConstant(Null(TypeId::kInt32)) == "NULL::integer");
  }

  TEST_CASE("float constants keep every bit") {
    for (double value : {1.0 / 3.0, 1e-300, 123456789.123456789, -2.5e17}) {
      const std::string text = *DeparseConstant(Float8(value));
      CAPTURE(text);
      CHECK(std::stod(text.substr(1, text.find('\'', 1) - 1)) == value);
    }
  }

  TEST_CASE("columns, operators, functions and conditions") {
    CHECK(Deparsed(*Column(1)) == "\"name\"");
    CHECK(Deparsed(*Call(">", List(Column(0), MakeConstant(Int4(5))))) == "(\"id\" > '5'::integer)");
    CHECK(Deparsed(*Call("-", List(Column(0)))) == "(- \"id\")");
    CHECK(Deparsed(*Call("%", List(Column(0), MakeConstant(Int4(10))))) == "(\"id\" % '10'::integer)");
    CHECK(Deparsed(*Call("lower", List(Column(1)))) == "lower(\"name\")");
    CHECK(Deparsed(*Call("~~", List(Column(1), MakeConstant(Text("a%"))))) == "(\"name\" ~~ 'a%'::text)");
    CHECK(Deparsed(*Call("date_trunc", List(MakeConstant(Text("day")), Column(3)))) ==
          "date_trunc('day'::text, \"ts\")");
    CHECK(Deparsed(*MakeCast(Column(0), kBigint, false)) == "CAST(\"id\" AS bigint)");

    auto both = std::make_unique<BoundExpr>(BoundExprKind::kAnd, kBoolean);
    both->children = List(Call("=", List(Column(0), MakeConstant(Int4(1)))),
                          Call("<>", List(Column(1), MakeConstant(Text("x")))));
    CHECK(Deparsed(*both) == "((\"id\" = '1'::integer) AND (\"name\" <> 'x'::text))");

    auto is_null = std::make_unique<BoundExpr>(BoundExprKind::kIsNull, kBoolean);
    is_null->negated = true;
    is_null->children = List(Column(2));
    CHECK(Deparsed(*is_null) == "(\"price\" IS NOT NULL)");

    auto when = std::make_unique<BoundExpr>(BoundExprKind::kCase, kTextType);
    when->has_else = true;
    when->children = List(Call("<", List(Column(0), MakeConstant(Int4(0)))), MakeConstant(Text("neg")),
                          MakeConstant(Text("pos")));
    CHECK(Deparsed(*when) == "CASE WHEN (\"id\" < '0'::integer) THEN 'neg'::text ELSE 'pos'::text END");

    auto first = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, kTextType);
    first->children = List(Column(1), MakeConstant(Text("")));
    CHECK(Deparsed(*first) == "COALESCE(\"name\", ''::text)");
  }

  TEST_CASE("what could change meaning on a worker does not deparse") {
    auto parameter = std::make_unique<BoundExpr>(BoundExprKind::kParameter, kInteger);
    parameter->parameter = 1;
    CHECK(Deparsed(*Call("=", List(Column(0), std::move(parameter)))) == "<none>");
    auto outer = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, kInteger);
    CHECK(Deparsed(*Call("=", List(Column(0), std::move(outer)))) == "<none>");
    CHECK(Deparsed(*Call("random", List())) == "<none>");
    CHECK(Deparsed(*MakeColumn(9, kInteger)) == "<none>");
    // Time zone dependent: casts to and from timestamptz, functions on it (comparisons are exact).
    CHECK(Deparsed(*MakeCast(Column(3), kTimestampTz, false)) == "<none>");
    CHECK(Deparsed(*Call("date_trunc", List(MakeConstant(Text("day")), Column(4)))) == "<none>");
    CHECK(Deparsed(*Call("<", List(Column(4), MakeConstant(Typed(TypeId::kTimestampTz, "2024-01-01 00:00:00+00"))))) ==
          "(\"stamp\" < '2024-01-01 00:00:00+00'::timestamp with time zone)");
    // Text of other types depends on settings such as DateStyle and extra_float_digits.
    CHECK(Deparsed(*MakeCast(Column(2), kTextType, true)) == "<none>");
  }

  TEST_CASE("after a conjunct that does not deparse, only those that raise no error follow") {
    auto parameter = std::make_unique<BoundExpr>(BoundExprKind::kParameter, kInteger);
    parameter->parameter = 1;
    auto filter = std::make_unique<BoundExpr>(BoundExprKind::kAnd, kBoolean);
    filter->children = List(Call("=", List(Column(0), std::move(parameter))),
                            Call(">", List(Call("/", List(MakeConstant(Int4(10)), Column(0))), MakeConstant(Int4(1)))),
                            Call("<", List(Column(2), MakeConstant(Float8(1.5)))));
    DeparsedFilter partial = DeparseConjuncts(*filter, kColumns);
    CHECK(partial.sql == "(\"price\" < '1.5'::double precision)");
    CHECK_FALSE(partial.complete);
  }

  TEST_CASE("a filter's conjuncts deparse one by one") {
    auto parameter = std::make_unique<BoundExpr>(BoundExprKind::kParameter, kInteger);
    parameter->parameter = 1;
    auto filter = std::make_unique<BoundExpr>(BoundExprKind::kAnd, kBoolean);
    filter->children = List(Call(">", List(Column(0), MakeConstant(Int4(5)))), Call("=", List(Column(0), std::move(parameter))),
                            Call("<", List(Column(2), MakeConstant(Float8(1.5)))));
    DeparsedFilter partial = DeparseConjuncts(*filter, kColumns);
    CHECK(partial.sql == "(\"id\" > '5'::integer) AND (\"price\" < '1.5'::double precision)");
    CHECK_FALSE(partial.complete);
    DeparsedFilter whole = DeparseConjuncts(*filter->children[0], kColumns);
    CHECK(whole.sql == "(\"id\" > '5'::integer)");
    CHECK(whole.complete);
  }
}

}  // namespace
}  // namespace tessera::engine::testing
