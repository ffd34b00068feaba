// SPDX-License-Identifier: Apache-2.0
// Tests DeparseExpr (planner/fragment_sql.h): what deparses for a worker fragment, and that whatever a
// worker might evaluate differently does not.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "planner/fragment_sql.h"

namespace tessera::planner {
namespace {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;

const std::vector<std::string> kColumns = {"l.\"id\"", "r.\"Name\""};

engine::ScalarFunction Function(const std::string& name, bool is_volatile = false) {
  engine::ScalarFunction function;
  function.name = name;
  function.is_volatile = is_volatile;
  return function;
}

BoundExprPtr Id() { return engine::MakeColumn(0, LogicalType(TypeId::kInt32)); }
BoundExprPtr Name() { return engine::MakeColumn(1, LogicalType(TypeId::kText)); }

BoundExprPtr Call(const engine::ScalarFunction& function, BoundExprPtr left, BoundExprPtr right) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return engine::MakeFunction(&function, std::move(args), LogicalType(TypeId::kBool));
}

BoundExprPtr Node(BoundExprKind kind, std::vector<BoundExprPtr> children, bool negated = false) {
  auto expr = std::make_unique<BoundExpr>(kind, LogicalType(TypeId::kBool));
  expr->children = std::move(children);
  expr->negated = negated;
  return expr;
}

std::vector<BoundExprPtr> Two(BoundExprPtr first, BoundExprPtr second) {
  std::vector<BoundExprPtr> children;
  children.push_back(std::move(first));
  children.push_back(std::move(second));
  return children;
}

std::vector<BoundExprPtr> One(BoundExprPtr only) {
  std::vector<BoundExprPtr> children;
  children.push_back(std::move(only));
  return children;
}

TEST_SUITE("fragment_sql") {
  TEST_CASE("columns, typed constants and comparison operators deparse") {
    const engine::ScalarFunction equal = Function("=");
    const engine::ScalarFunction less = Function("<");
    CHECK(DeparseExpr(*Id(), kColumns) == "l.\"id\"");
    CHECK(DeparseExpr(*Call(equal, Id(), engine::MakeConstant(Value::Int32(-5))), kColumns) ==
          "(l.\"id\" = CAST('-5' AS integer))");
    CHECK(DeparseExpr(*Call(less, Name(), engine::MakeConstant(Value::Text("it's"))), kColumns) ==
          "(r.\"Name\" < CAST('it''s' AS text))");
    CHECK(DeparseExpr(*engine::MakeConstant(Value::Null(LogicalType(TypeId::kInt64))), kColumns) ==
          "CAST(NULL AS bigint)");
    CHECK(DeparseExpr(*engine::MakeConstant(Value::Bool(true)), kColumns) == "CAST('t' AS boolean)");
  }

  TEST_CASE("boolean structure, IS tests and casts deparse") {
    const engine::ScalarFunction equal = Function("=");
    CHECK(DeparseExpr(*Node(BoundExprKind::kAnd, Two(Call(equal, Id(), Id()), Node(BoundExprKind::kIsNull, One(Name()), true))),
                      kColumns) == "((l.\"id\" = l.\"id\") AND (r.\"Name\" IS NOT NULL))");
    CHECK(DeparseExpr(*Node(BoundExprKind::kNot, One(Node(BoundExprKind::kDistinctFrom, Two(Name(), Name())))), kColumns) ==
          "(NOT (r.\"Name\" IS DISTINCT FROM r.\"Name\"))");
    CHECK(DeparseExpr(*engine::MakeCast(Id(), LogicalType(TypeId::kInt64), false), kColumns) == "CAST(l.\"id\" AS bigint)");
  }

  TEST_CASE("what a worker could evaluate differently does not deparse") {
    const engine::ScalarFunction lower = Function("lower");
    const engine::ScalarFunction random_equal = Function("=", true);
    auto parameter = std::make_unique<BoundExpr>(BoundExprKind::kParameter, LogicalType(TypeId::kInt32));
    parameter->parameter = 1;
    CHECK_FALSE(DeparseExpr(*parameter, kColumns).has_value());
    CHECK_FALSE(DeparseExpr(*Call(lower, Name(), Name()), kColumns).has_value());
    CHECK_FALSE(DeparseExpr(*Call(random_equal, Id(), Id()), kColumns).has_value());
    CHECK_FALSE(DeparseExpr(*engine::MakeConstant(Value::Float64(0.1)), kColumns).has_value());
    CHECK_FALSE(DeparseExpr(*engine::MakeColumn(2, LogicalType(TypeId::kInt32)), kColumns).has_value());
    const engine::ScalarFunction equal = Function("=");
    CHECK_FALSE(DeparseExpr(*Call(equal, Id(), std::move(parameter)), kColumns).has_value());
  }
}

}  // namespace
}  // namespace tessera::planner
