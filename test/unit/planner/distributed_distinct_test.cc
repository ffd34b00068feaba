// SPDX-License-Identifier: Apache-2.0
// Tests PlanDistinct (planner/distributed_distinct.h): which DISTINCT aggregates split per partition and
// which over merged sets of distinct values.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "planner/distributed_distinct.h"

namespace tessera::planner {
namespace {

// t(id integer shard key, g integer, s text), scanned whole: input column i is table column i.
engine::RelationInfo Table(TypeId shard_key_type = TypeId::kInt32) {
  engine::RelationInfo relation;
  relation.name = "t";
  relation.columns = {{"id", LogicalType(shard_key_type)}, {"g", LogicalType(TypeId::kInt32)}, {"s", LogicalType(TypeId::kText)}};
  relation.shard_column = 0;
  relation.placement = {1, 2, 1, 2};
  return relation;
}

const std::vector<std::string> kColumns = {"id", "g", "s"};

LogicalType TypeOf(int column) { return column == 2 ? LogicalType(TypeId::kText) : LogicalType(TypeId::kInt32); }

engine::AggregateCall Call(const std::string& name, int column, bool distinct = true) {
  engine::AggregateCall call;
  call.function = engine::FindAggregate(name, {TypeOf(column)});
  REQUIRE(call.function != nullptr);
  call.args.push_back(engine::MakeColumn(column, TypeOf(column)));
  call.distinct = distinct;
  call.type = call.function->return_type;
  return call;
}

// An Aggregate grouped by input columns `keys` with `calls`.
engine::PlanNode Aggregate(const std::vector<int>& keys, std::vector<engine::AggregateCall> calls) {
  engine::PlanNode node(engine::PlanKind::kAggregate);
  for (int key : keys) node.group_keys.push_back(engine::MakeColumn(key, TypeOf(key)));
  node.aggregates = std::move(calls);
  return node;
}

std::vector<engine::AggregateCall> Calls(engine::AggregateCall first, engine::AggregateCall second) {
  std::vector<engine::AggregateCall> calls;
  calls.push_back(std::move(first));
  calls.push_back(std::move(second));
  return calls;
}

TEST_SUITE("distributed_distinct") {
  TEST_CASE("no DISTINCT call, or only min/max(DISTINCT), needs no strategy") {
    CHECK(PlanDistinct(Aggregate({1}, Calls(Call("count", 2, false), Call("sum", 1, false))), Table(), kColumns).strategy ==
          DistinctStrategy::kNone);
    CHECK(PlanDistinct(Aggregate({}, Calls(Call("min", 2), Call("max", 1))), Table(), kColumns).strategy == DistinctStrategy::kNone);
  }

  TEST_CASE("DISTINCT over the shard key, or grouped by it, splits per partition") {
    CHECK(PlanDistinct(Aggregate({1}, Calls(Call("count", 0), Call("avg", 0))), Table(), kColumns).strategy ==
          DistinctStrategy::kPerPartition);
    CHECK(PlanDistinct(Aggregate({0}, Calls(Call("count", 2), Call("sum", 1))), Table(), kColumns).strategy ==
          DistinctStrategy::kPerPartition);
    // The shard key read through a projection of a derived table.
    CHECK(PlanDistinct(Aggregate({}, Calls(Call("count", 0), Call("count", 1, false))), Table(), {"(id)", "g", "s"}).strategy ==
          DistinctStrategy::kPerPartition);
  }

  TEST_CASE("other arguments merge sets, each argument listed once") {
    const DistinctPlan plan =
        PlanDistinct(Aggregate({1}, Calls(Call("count", 2), Call("count", 0))), Table(), kColumns);
    CHECK(plan.strategy == DistinctStrategy::kMergedSets);
    CHECK(plan.arguments == std::vector<std::string>{"s", "id"});
    CHECK(PlanDistinct(Aggregate({}, Calls(Call("count", 2), Call("max", 2))), Table(), kColumns).arguments ==
          std::vector<std::string>{"s"});
  }

  TEST_CASE("a shard key whose equal values may hash apart, a reference table or none merge sets") {
    CHECK(PlanDistinct(Aggregate({}, Calls(Call("count", 0), Call("count", 1, false))), Table(TypeId::kFloat64), kColumns).strategy ==
          DistinctStrategy::kMergedSets);
    engine::RelationInfo spread = Table();
    spread.shard_column = -1;
    CHECK(PlanDistinct(Aggregate({0}, Calls(Call("count", 1), Call("count", 0))), spread, kColumns).strategy ==
          DistinctStrategy::kMergedSets);
    engine::RelationInfo reference = Table();
    reference.options = {{"distribution", "reference"}};
    CHECK(PlanDistinct(Aggregate({0}, Calls(Call("count", 1), Call("count", 0))), reference, kColumns).strategy ==
          DistinctStrategy::kMergedSets);
  }
}

}  // namespace
}  // namespace tessera::planner
