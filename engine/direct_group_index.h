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
  // false, with nothing assigned, when the rows' values would widen the window past kMaxRange.
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

  template <typename T, typename AddGroup>
  void AssignTyped(const Vector& key, idx_t begin, idx_t end, uint32_t* group_of, AddGroup& add_group);

  int64_t base_ = 0;
  std::vector<uint32_t> slots_;  // the group of value base_ + index, kNoGroup until seen
  uint32_t null_group_ = kNoGroup;
};

template <typename AddGroup>
bool DirectGroupIndex::Assign(const Vector& key, idx_t begin, idx_t end, uint32_t* group_of, AddGroup&& add_group) {
  const KeyRange range = RangeOf(key, begin, end);
  if (range.any && !Cover(range.min, range.max)) return false;
  switch (key.physical_type()) {
    case PhysicalType::kInt16: AssignTyped<int16_t>(key, begin, end, group_of, add_group); break;
    case PhysicalType::kInt32: AssignTyped<int32_t>(key, begin, end, group_of, add_group); break;
    default: AssignTyped<int64_t>(key, begin, end, group_of, add_group); break;
  }
  return true;
}

template <typename T, typename AddGroup>
void DirectGroupIndex::AssignTyped(const Vector& key, idx_t begin, idx_t end, uint32_t* group_of,
                                   AddGroup& add_group) {
  const T* values = key.Data<T>();
  for (idx_t row = begin; row < end; ++row) {
    uint32_t& slot = key.IsNull(row) ? null_group_ : slots_[values[row] - base_];
    if (slot == kNoGroup) slot = static_cast<uint32_t>(add_group(row));
    group_of[row - begin] = slot;
  }
}

}  // namespace tessera::engine
