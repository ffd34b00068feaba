// SPDX-License-Identifier: Apache-2.0
// The integer join-key table (engine/int_key_table.h).
#include "engine/int_key_table.h"

#include <bit>

#include "simd/hash/hash.h"

namespace tessera::engine {

bool IntKeyTable::Supports(const LogicalType& type) {
  const PhysicalType physical = GetPhysicalType(type);
  return physical == PhysicalType::kInt16 || physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64;
}

IntKeyTable::IntKeyTable(const Vector& keys, idx_t count) : next_(count, kEnd) {
  std::vector<int64_t> scratch;
  const int64_t* wide = IntegersAsInt64(keys, count, &scratch);
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
  std::vector<int64_t> scratch;
  const int64_t* wide = IntegersAsInt64(keys, count, &scratch);
  std::vector<uint64_t> hashes(count);
  simd::HashInt64(wide, count, hashes.data());
  first_rows.resize(count);
  static_assert(kEnd == simd::kEmptySlot);
  simd::ProbeInt64(simd::Int64TableView{slot_keys_.data(), slot_rows_.data(), mask_}, wide, hashes.data(),
                   count, first_rows.data());
  if (keys.MayHaveNulls()) {
    for (idx_t row = 0; row < count; ++row) {
      if (keys.IsNull(row)) first_rows[row] = kEnd;
    }
  }
}

}  // namespace tessera::engine
