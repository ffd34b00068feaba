// SPDX-License-Identifier: Apache-2.0
// The integer join-key table (engine/int_key_table.h).
#include "engine/int_key_table.h"

#include <bit>

#include "simd/hash/hash.h"

namespace tessera::engine {

namespace {

// The keys of rows [0, count) widened to int64 (NULL rows hold 0; the caller skips them).
std::vector<int64_t> WideKeys(const Vector& keys, idx_t count) {
  std::vector<int64_t> wide(count);
  switch (keys.physical_type()) {
    case PhysicalType::kInt16: {
      const int16_t* data = keys.Data<int16_t>();
      for (idx_t row = 0; row < count; ++row) wide[row] = data[row];
      break;
    }
    case PhysicalType::kInt32: {
      const int32_t* data = keys.Data<int32_t>();
      for (idx_t row = 0; row < count; ++row) wide[row] = data[row];
      break;
    }
    default: {
      const int64_t* data = keys.Data<int64_t>();
      for (idx_t row = 0; row < count; ++row) wide[row] = data[row];
      break;
    }
  }
  return wide;
}

}  // namespace

bool IntKeyTable::Supports(const LogicalType& type) {
  const PhysicalType physical = GetPhysicalType(type);
  return physical == PhysicalType::kInt16 || physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64;
}

IntKeyTable::IntKeyTable(const Vector& keys, idx_t count) : next_(count, kEnd) {
  const std::vector<int64_t> wide = WideKeys(keys, count);
  const uint64_t capacity = std::bit_ceil(std::max<uint64_t>(16, uint64_t{2} * count));
  slot_keys_.assign(capacity, 0);
  slot_rows_.assign(capacity, kEnd);
  mask_ = capacity - 1;
  // Backwards, so that each key's chain starts at its first row and ascends.
  for (idx_t row = count; row-- > 0;) {
    if (keys.IsNull(row)) continue;
    uint64_t slot = simd::Mix64(wide[row]) & mask_;
    while (slot_rows_[slot] != kEnd && slot_keys_[slot] != wide[row]) slot = (slot + 1) & mask_;
    next_[row] = slot_rows_[slot];
    slot_keys_[slot] = wide[row];
    slot_rows_[slot] = static_cast<uint32_t>(row);
  }
}

void IntKeyTable::Probe(const Vector& keys, idx_t count, std::vector<uint32_t>& first_rows) const {
  const std::vector<int64_t> wide = WideKeys(keys, count);
  std::vector<uint64_t> hashes(count);
  simd::HashInt64(wide.data(), count, hashes.data());
  first_rows.resize(count);
  static_assert(kEnd == simd::kEmptySlot);
  simd::ProbeInt64(simd::Int64TableView{slot_keys_.data(), slot_rows_.data(), mask_}, wide.data(), hashes.data(),
                   count, first_rows.data());
  if (keys.MayHaveNulls()) {
    for (idx_t row = 0; row < count; ++row) {
      if (keys.IsNull(row)) first_rows[row] = kEnd;
    }
  }
}

}  // namespace tessera::engine
