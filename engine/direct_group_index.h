// SPDX-License-Identifier: Apache-2.0
// Groups rows by one integer key (int2, int4, int8, date) through an array indexed by value - base: a
// dense group id per value with no hashing and no key bytes. The window grows as batches bring values
// outside it, up to kMaxRange slots; a batch that would need more makes the caller fall back to hashing.
#pragma once

#include <cstdint>
#include <vector>

#include "base/vector.h"

namespace tessera::engine {

class DirectGroupIndex {
 public:
  static constexpr uint32_t kNoGroup = UINT32_MAX;
  static constexpr int64_t kMaxRange = int64_t{1} << 20;

  // Whether a key of type `type` can be grouped by value.
  static bool Supports(TypeId type);

  // Assigns each row of `key` in [begin, end) its group in group_of[row - begin], calling add_group(row)
  // for the first row of each new value (and of the NULL group) and keeping the id it returns. Returns
  // false when the rows' values would widen the window past kMaxRange; some rows may have been assigned
  // (and groups added) by then, with the ids any later lookup of their keys gives.
  template <typename AddGroup>
  bool Assign(const Vector& key, idx_t begin, idx_t end, uint32_t* group_of, AddGroup&& add_group);

  // The number of values the window spans (0 before the first non-NULL key).
  int64_t range() const { return static_cast<int64_t>(slots_.size()); }

 private:
  struct KeyRange {
    int64_t min;
    int64_t max;
    bool any;  // false when every key is NULL
  };
  static KeyRange RangeOf(const Vector& key, idx_t begin, idx_t end);
  // Widens the window to hold [min, max]; false when it would span more than kMaxRange values.
  bool Cover(int64_t min, int64_t max);

  // Assigns rows from `begin` until one whose value lies outside the window; returns that row, or `end`.
  // group_of is indexed by row - first.
  template <typename T, typename AddGroup>
  idx_t AssignTyped(const Vector& key, idx_t begin, idx_t end, idx_t first, uint32_t* group_of, AddGroup& add_group);

  int64_t base_ = 0;
  std::vector<uint32_t> slots_;  // the group of value base_ + index, kNoGroup until seen
  uint32_t null_group_ = kNoGroup;
};

template <typename AddGroup>
bool DirectGroupIndex::Assign(const Vector& key, idx_t begin, idx_t end, uint32_t* group_of, AddGroup&& add_group) {
  // Values inside the window need no range pass; at the first one outside it, the window widens to cover
  // all the remaining rows at once, so this loops at most twice.
  for (idx_t row = begin;;) {
    switch (key.physical_type()) {
      case PhysicalType::kInt16: row = AssignTyped<int16_t>(key, row, end, begin, group_of, add_group); break;
      case PhysicalType::kInt32: row = AssignTyped<int32_t>(key, row, end, begin, group_of, add_group); break;
      default: row = AssignTyped<int64_t>(key, row, end, begin, group_of, add_group); break;
    }
    if (row == end) return true;
    const KeyRange range = RangeOf(key, row, end);
    if (!Cover(range.min, range.max)) return false;
  }
}

// A value below base_ wraps to an offset >= slots_.size(): the window never
// extends past int64's largest value.
template <typename T, typename AddGroup>
idx_t DirectGroupIndex::AssignTyped(const Vector& key, idx_t begin, idx_t end, idx_t first, uint32_t* group_of,
                                    AddGroup& add_group) {
  const T* values = key.Data<T>();
  const uint64_t base = static_cast<uint64_t>(base_);
  const uint64_t size = slots_.size();
  for (idx_t row = begin; row < end; ++row) {
    uint32_t* slot = &null_group_;
    if (!key.IsNull(row)) {
      const uint64_t offset = static_cast<uint64_t>(static_cast<int64_t>(values[row])) - base;
      if (offset >= size) return row;
      slot = &slots_[offset];
    }
    if (*slot == kNoGroup) *slot = static_cast<uint32_t>(add_group(row));
    group_of[row - first] = *slot;
  }
  return end;
}

}  // namespace tessera::engine
