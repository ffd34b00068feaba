// SPDX-License-Identifier: Apache-2.0
// DirectGroupIndex: dense group ids by value, a window that grows across batches, NULLs, int64's ends,
// and the refusal of a range past kMaxRange.
#include "engine/direct_group_index.h"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <random>
#include <vector>

namespace tessera::engine {
namespace {

// A bigint vector of `values` (nullopt is NULL).
Vector Keys(const std::vector<std::optional<int64_t>>& values) {
  Vector vector{LogicalType(TypeId::kInt64)};
  for (const auto& value : values) vector.AppendValue(value ? Value::Int64(*value) : Value::Null(LogicalType(TypeId::kInt64)));
  return vector;
}

// Groups like the index, by a map: the reference the tests compare with.
struct Reference {
  std::map<std::optional<int64_t>, uint32_t> groups;
  uint32_t Group(std::optional<int64_t> key) { return groups.try_emplace(key, static_cast<uint32_t>(groups.size())).first->second; }
};

// Assigns `values` through `index`; false when it refused. Checks ids against `reference`.
bool AssignAndCheck(DirectGroupIndex& index, Reference& reference, uint32_t& num_groups,
                    const std::vector<std::optional<int64_t>>& values) {
  const Vector keys = Keys(values);
  std::vector<uint32_t> group_of(values.size());
  std::vector<std::optional<int64_t>> added;
  const bool assigned = index.Assign(keys, 0, values.size(), group_of.data(), [&](idx_t row) {
    added.push_back(values[row]);
    return num_groups++;
  });
  for (const auto& key : added) reference.Group(key);  // ids in the order the index added them
  if (!assigned) return false;
  for (size_t row = 0; row < values.size(); ++row) CHECK(group_of[row] == reference.Group(values[row]));
  return true;
}

TEST_SUITE("direct_group_index") {
  TEST_CASE("equal values and NULLs share a group across batches whose range grows") {
    DirectGroupIndex index;
    Reference reference;
    uint32_t num_groups = 0;
    std::mt19937_64 random(7);
    for (int64_t batch = 0; batch < 50; ++batch) {
      std::vector<std::optional<int64_t>> values;
      for (int row = 0; row < 300; ++row) {
        if (random() % 20 == 0) {
          values.push_back(std::nullopt);
        } else {
          values.push_back(static_cast<int64_t>(random() % (100 * (batch + 1))) - 50 * batch);
        }
      }
      REQUIRE(AssignAndCheck(index, reference, num_groups, values));
    }
    CHECK(num_groups == reference.groups.size());
    CHECK(index.range() >= 50 * 100 - 1);
  }

  TEST_CASE("keys at int64's ends fit while their span does") {
    DirectGroupIndex index;
    Reference reference;
    uint32_t num_groups = 0;
    CHECK(AssignAndCheck(index, reference, num_groups, {INT64_MAX, INT64_MAX - 3, std::nullopt}));
    CHECK(AssignAndCheck(index, reference, num_groups, {INT64_MAX - 1000, INT64_MAX}));
    CHECK(!AssignAndCheck(index, reference, num_groups, {INT64_MIN}));
    DirectGroupIndex low;
    CHECK(AssignAndCheck(low, reference, num_groups, {INT64_MIN + 2}));
    CHECK(AssignAndCheck(low, reference, num_groups, {INT64_MIN, INT64_MIN + 1}));
  }

  TEST_CASE("a range past kMaxRange is refused, within one batch or across batches") {
    DirectGroupIndex index;
    Reference reference;
    uint32_t num_groups = 0;
    CHECK(!AssignAndCheck(index, reference, num_groups, {0, DirectGroupIndex::kMaxRange}));
    DirectGroupIndex growing;
    CHECK(AssignAndCheck(growing, reference, num_groups, {0, DirectGroupIndex::kMaxRange - 1}));
    CHECK(growing.range() == DirectGroupIndex::kMaxRange);
    CHECK(!AssignAndCheck(growing, reference, num_groups, {-1}));
  }

  TEST_CASE("only int2, int4, int8 and date keys are supported") {
    CHECK(DirectGroupIndex::Supports(TypeId::kInt16));
    CHECK(DirectGroupIndex::Supports(TypeId::kInt32));
    CHECK(DirectGroupIndex::Supports(TypeId::kInt64));
    CHECK(DirectGroupIndex::Supports(TypeId::kDate));
    CHECK(!DirectGroupIndex::Supports(TypeId::kText));
    CHECK(!DirectGroupIndex::Supports(TypeId::kFloat64));
    CHECK(!DirectGroupIndex::Supports(TypeId::kTimestamp));
  }
}

}  // namespace
}  // namespace tessera::engine
