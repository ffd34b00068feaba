// SPDX-License-Identifier: Apache-2.0
// Tests the plans of tessera.rebalance and tessera.drain_worker (planner/rebalance.h): the fewest moves
// to even partitions out per table, draining a worker onto the emptiest others, draining workers emptied
// by a rebalance, and the copies of reference tables added and dropped.
#include "planner/rebalance.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <memory>

namespace tessera::planner {
namespace {

engine::RelationPtr Table(uint32_t oid, std::vector<uint32_t> placement) {
  auto relation = std::make_shared<engine::RelationInfo>();
  relation->oid = oid;
  relation->placement = std::move(placement);
  return relation;
}

std::vector<engine::WorkerInfo> Workers(std::initializer_list<uint32_t> ids) {
  std::vector<engine::WorkerInfo> workers;
  for (uint32_t id : ids) workers.push_back(engine::WorkerInfo{id, "127.0.0.1", static_cast<int32_t>(5000 + id)});
  return workers;
}

// Partitions per worker of table `oid` after applying `moves` to `table`.
std::map<uint32_t, int> CountsAfter(const engine::RelationPtr& table, const std::vector<PlannedMove>& moves) {
  std::vector<uint32_t> placement = table->placement;
  for (const PlannedMove& move : moves) {
    if (move.table_oid == table->oid) placement[move.partition] = move.to_worker;
  }
  std::map<uint32_t, int> counts;
  for (uint32_t worker : placement) ++counts[worker];
  return counts;
}

TEST_SUITE("RebalancePlan") {
  TEST_CASE("adding a third worker to 8+8 partitions moves 5 of them to it") {
    const engine::RelationPtr table = Table(100, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2});
    const std::vector<PlannedMove> moves = PlanRebalance({table}, Workers({1, 2, 3}));
    CHECK(moves.size() == 5);
    for (const PlannedMove& move : moves) CHECK(move.to_worker == 3);
    const std::map<uint32_t, int> counts = CountsAfter(table, moves);
    CHECK(counts.at(3) == 5);
    CHECK(counts.at(1) + counts.at(2) == 11);
    CHECK(std::abs(counts.at(1) - counts.at(2)) <= 1);
  }

  TEST_CASE("an even placement needs no move; each table is evened out on its own") {
    const engine::RelationPtr even = Table(100, {1, 2, 3, 1, 2, 3, 1, 2});
    const engine::RelationPtr lopsided = Table(101, {1, 1, 1, 1, 1, 1});
    CHECK(PlanRebalance({even}, Workers({1, 2, 3})).empty());
    const std::vector<PlannedMove> moves = PlanRebalance({even, lopsided}, Workers({1, 2, 3}));
    CHECK(moves.size() == 4);
    const std::map<uint32_t, int> counts = CountsAfter(lopsided, moves);
    CHECK(counts.at(1) == 2);
    CHECK(counts.at(2) == 2);
    CHECK(counts.at(3) == 2);
    CHECK(PlanRebalance({lopsided}, {}).empty());
  }

  TEST_CASE("draining a worker moves each of its partitions to the emptiest other worker") {
    const engine::RelationPtr table = Table(100, {1, 2, 3, 1, 2, 3, 1, 3, 3});
    const std::vector<PlannedMove> moves = PlanDrain({table}, Workers({1, 2, 3}), 3);
    CHECK(moves.size() == 4);
    const std::map<uint32_t, int> counts = CountsAfter(table, moves);
    CHECK(counts.count(3) == 0);
    CHECK(counts.at(1) + counts.at(2) == 9);
    CHECK(std::abs(counts.at(1) - counts.at(2)) <= 1);
    CHECK(PlanDrain({table}, Workers({1, 2, 3}), 4).empty());  // holds nothing
  }

  TEST_CASE("a rebalance empties draining workers and moves nothing onto them") {
    const engine::RelationPtr table = Table(100, {1, 2, 1, 2, 1, 2, 1, 2});
    std::vector<engine::WorkerInfo> workers = Workers({1, 2, 3});
    workers[0].draining = true;
    const std::vector<PlannedMove> moves = PlanRebalance({table}, workers);
    const std::map<uint32_t, int> counts = CountsAfter(table, moves);
    CHECK(counts.count(1) == 0);
    CHECK(counts.at(2) == 4);
    CHECK(counts.at(3) == 4);
    CHECK(moves.size() == 4);  // worker 1's partitions, each to the emptiest: none from worker 2
    workers[1].draining = true;
    workers[2].draining = true;
    CHECK(PlanRebalance({table}, workers).empty());  // nowhere to go
  }

  TEST_CASE("reference tables get a copy on each active worker lacking one and lose those on draining ones") {
    auto reference = std::const_pointer_cast<engine::RelationInfo>(Table(200, {1, 2}));
    reference->options.emplace_back("distribution", "reference");
    std::vector<engine::WorkerInfo> workers = Workers({1, 2, 3});
    std::vector<PlannedMove> steps = PlanReferenceCopies({reference}, workers);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].kind == MoveKind::kAddCopy);
    CHECK(steps[0].to_worker == 3);
    workers[0].draining = true;
    steps = PlanReferenceCopies({reference}, workers);
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].kind == MoveKind::kDropCopy);
    CHECK(steps[0].to_worker == 1);
    CHECK(steps[1].kind == MoveKind::kAddCopy);
    CHECK(steps[1].to_worker == 3);
  }
}

}  // namespace
}  // namespace tessera::planner
