// SPDX-License-Identifier: Apache-2.0
// The window of a DirectGroupIndex: the range of a batch's keys and the widening of the slot array.
#include "engine/direct_group_index.h"

#include <algorithm>
#include <limits>

#include "simd/aggregate/aggregate.h"

namespace tessera::engine {

namespace {

// The min and max of the non-NULL values of rows [begin, end), scanning plainly (the compiler vectorizes
// the NULL-free loop).
template <typename T>
void ScanRange(const Vector& key, idx_t begin, idx_t end, int64_t& min, int64_t& max, bool& any) {
  const T* values = key.Data<T>();
  T low = std::numeric_limits<T>::max(), high = std::numeric_limits<T>::min();
  if (!key.MayHaveNulls()) {
    for (idx_t row = begin; row < end; ++row) {
      low = std::min(low, values[row]);
      high = std::max(high, values[row]);
    }
    any = end > begin;
  } else {
    for (idx_t row = begin; row < end; ++row) {
      if (key.IsNull(row)) continue;
      low = std::min(low, values[row]);
      high = std::max(high, values[row]);
      any = true;
    }
  }
  min = low;
  max = high;
}

}  // namespace

bool DirectGroupIndex::Supports(TypeId type) {
  return type == TypeId::kInt16 || type == TypeId::kInt32 || type == TypeId::kInt64 || type == TypeId::kDate;
}

DirectGroupIndex::KeyRange DirectGroupIndex::RangeOf(const Vector& key, idx_t begin, idx_t end) {
  KeyRange range{0, 0, false};
  switch (key.physical_type()) {
    case PhysicalType::kInt16: ScanRange<int16_t>(key, begin, end, range.min, range.max, range.any); break;
    case PhysicalType::kInt32: ScanRange<int32_t>(key, begin, end, range.min, range.max, range.any); break;
    default:
      if (!key.MayHaveNulls() && end > begin) {
        const simd::Int64Range found = simd::RangeInt64(key.Data<int64_t>() + begin, nullptr, end - begin);
        range = {found.min, found.max, true};
      } else {
        ScanRange<int64_t>(key, begin, end, range.min, range.max, range.any);
      }
      break;
  }
  return range;
}

bool DirectGroupIndex::Cover(int64_t min, int64_t max) {
  if (slots_.empty()) {
    if (static_cast<uint64_t>(max) - static_cast<uint64_t>(min) >= static_cast<uint64_t>(kMaxRange)) return false;
    base_ = min;
    slots_.assign(static_cast<size_t>(max - min) + 1, kNoGroup);
    return true;
  }
  const int64_t top = base_ + range() - 1;
  const int64_t new_base = std::min(min, base_), new_top = std::max(max, top);
  if (new_base == base_ && new_top == top) return true;
  if (static_cast<uint64_t>(new_top) - static_cast<uint64_t>(new_base) >= static_cast<uint64_t>(kMaxRange)) {
    return false;
  }
  // Grow to at least double the span (within kMaxRange), so keys that creep outward one batch at a time do
  // not copy the array per batch.
  const int64_t span = new_top - new_base + 1;
  const int64_t grown = std::min(kMaxRange, std::max(span, 2 * range()));
  const int64_t extra = grown - span;
  constexpr int64_t kLowest = std::numeric_limits<int64_t>::min(), kHighest = std::numeric_limits<int64_t>::max();
  // Widen on the side that moved, without leaving int64's range.
  int64_t final_base = new_base;
  if (new_base < base_) final_base = new_base < kLowest + extra ? kLowest : new_base - extra;
  if (final_base > kHighest - (grown - 1)) final_base = kHighest - (grown - 1);
  std::vector<uint32_t> slots(static_cast<size_t>(grown), kNoGroup);
  std::copy(slots_.begin(), slots_.end(), slots.begin() + (base_ - final_base));
  slots_ = std::move(slots);
  base_ = final_base;
  return true;
}

}  // namespace tessera::engine
