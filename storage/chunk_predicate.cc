// SPDX-License-Identifier: Apache-2.0
// Predicates on encoded column chunks.
#include "storage/chunk_predicate.h"

#include "base/check.h"
#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

bool IsNull(const uint64_t* nulls, idx_t row) { return nulls != nullptr && (nulls[row / 64] >> (row % 64)) & 1; }

Value DictionaryEntry(const ColumnChunk& chunk, size_t code) {
  const PhysicalType type = chunk.physical_type();
  if (const StringBody* strings = chunk.strings()) return Value::Text(std::string(strings->Entry(code)));
  if (const FixedBody* fixed = chunk.fixed()) return FixedBytesToValue(type, fixed->dictionary() + code * FixedWidth(type));
  const int64_t entry = chunk.integers()->dictionary().Get(code);
  if (type == PhysicalType::kDecimal) return Value::Numeric(Decimal{entry, chunk.decimal_scale()});
  if (type == PhysicalType::kBool) return Value::Bool(entry != 0);
  return Value::FromInt(StatsType(type), entry);
}

// Selects the rows whose offset satisfies `offset <op> target`, batch by batch, without branches in
// the comparison loop.
template <typename Compare>
idx_t SelectOffsets(const PackedInts& offsets, const uint64_t* nulls, idx_t first, idx_t count, Compare compare,
                    sel_t* selection) {
  uint64_t batch[kBatchSize];
  idx_t selected = 0;
  for (idx_t start = 0; start < count; start += kBatchSize) {
    const idx_t batch_size = std::min<idx_t>(kBatchSize, count - start);
    offsets.Unpack(first + start, batch_size, batch);
    for (idx_t index = 0; index < batch_size; ++index) {
      selection[selected] = static_cast<sel_t>(start + index);
      selected += compare(batch[index]) & !IsNull(nulls, first + start + index);
    }
  }
  return selected;
}

}  // namespace

bool ChunkMayMatch(const ColumnChunk& chunk, CompareOp op, const Value& constant) {
  return StatsMayMatch(chunk.physical_type(), chunk.stats(), op, constant);
}

bool StatsMayMatch(PhysicalType type, const ChunkStats& stats, CompareOp op, const Value& constant) {
  if (!stats.has_value || constant.is_null()) return false;
  const int min_order = ComparePhysical(type, stats.min, constant);
  const int max_order = ComparePhysical(type, stats.max, constant);
  switch (op) {
    case CompareOp::kEqual: return min_order <= 0 && max_order >= 0;
    case CompareOp::kNotEqual: return min_order != 0 || max_order != 0;
    case CompareOp::kLess: return min_order < 0;
    case CompareOp::kLessEqual: return min_order <= 0;
    case CompareOp::kGreater: return max_order > 0;
    case CompareOp::kGreaterEqual: return max_order >= 0;
  }
  return true;
}

std::vector<uint8_t> MatchDictionaryEntries(const ColumnChunk& chunk, CompareOp op, const Value& constant) {
  TESSERA_CHECK(chunk.encoding() == ChunkEncoding::kDictionary && !constant.is_null());
  std::vector<uint8_t> matches(chunk.dictionary_size());
  for (size_t code = 0; code < matches.size(); ++code) {
    matches[code] = CompareHolds(op, ComparePhysical(chunk.physical_type(), DictionaryEntry(chunk, code), constant));
  }
  return matches;
}

idx_t SelectDictionaryRows(const ColumnChunk& chunk, const std::vector<uint8_t>& entry_matches, idx_t first,
                           idx_t count, sel_t* selection) {
  TESSERA_CHECK(chunk.encoding() == ChunkEncoding::kDictionary);
  const PackedInts* codes = chunk.dictionary_codes();
  const uint8_t* matches = entry_matches.data();
  return SelectOffsets(*codes, chunk.NullMask(), first, count, [matches](uint64_t code) { return matches[code] != 0; },
                       selection);
}

idx_t SelectPackedIntegerRows(const ColumnChunk& chunk, CompareOp op, int64_t constant, idx_t first, idx_t count,
                              sel_t* selection) {
  const IntegerBody* body = chunk.integers();
  TESSERA_CHECK(body != nullptr && (body->encoding() == ChunkEncoding::kBitPacked ||
                                    body->encoding() == ChunkEncoding::kFrameOfReference));
  const PackedInts& offsets = body->packed().offsets;
  const uint64_t max_offset = offsets.width == 64 ? ~uint64_t{0} : (uint64_t{1} << offsets.width) - 1;
  const __int128 target = static_cast<__int128>(constant) - body->packed().reference;
  // A constant outside the offsets' range decides every row alike: compare with the range's edge.
  if (target < 0 || target > static_cast<__int128>(max_offset)) {
    const bool holds = CompareHolds(op, target < 0 ? 1 : -1);
    return SelectOffsets(offsets, chunk.NullMask(), first, count, [holds](uint64_t) { return holds; }, selection);
  }
  const uint64_t value = static_cast<uint64_t>(target);
  const uint64_t* nulls = chunk.NullMask();
  switch (op) {
    case CompareOp::kEqual: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o == value; }, selection);
    case CompareOp::kNotEqual: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o != value; }, selection);
    case CompareOp::kLess: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o < value; }, selection);
    case CompareOp::kLessEqual: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o <= value; }, selection);
    case CompareOp::kGreater: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o > value; }, selection);
    case CompareOp::kGreaterEqual: return SelectOffsets(offsets, nulls, first, count, [value](uint64_t o) { return o >= value; }, selection);
  }
  return 0;
}

}  // namespace tessera::storage
