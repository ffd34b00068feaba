// SPDX-License-Identifier: Apache-2.0
// Predicates on column chunks without decoding them: segment elimination from min/max, and
// `column <op> constant` evaluated on dictionary codes (once per dictionary entry) or on bit-packed /
// frame-of-reference offsets (the constant moved into offset space). NULL rows never match. Selections
// hold row numbers relative to the first row asked for, ascending.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/value.h"
#include "base/vector.h"
#include "storage/column_chunk.h"

namespace tessera::storage {

enum class CompareOp : uint8_t { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

// Returns false only when no row of `chunk` can satisfy `value <op> constant`, judged from its
// statistics; a NULL constant matches nothing. REQUIRES: constant has the chunk's physical type.
bool ChunkMayMatch(const ColumnChunk& chunk, CompareOp op, const Value& constant);
// The same from statistics alone (a segment footer's copy of a chunk's statistics).
bool StatsMayMatch(PhysicalType type, const ChunkStats& stats, CompareOp op, const Value& constant);

// Dictionary chunks (any domain): entry_matches[code] says whether `entry <op> constant` holds.
// REQUIRES: chunk.encoding() == kDictionary; constant non-NULL, of the chunk's physical type.
std::vector<uint8_t> MatchDictionaryEntries(const ColumnChunk& chunk, CompareOp op, const Value& constant);
// Writes to `selection` the non-NULL rows of [first, first + count) whose code has a match; returns
// their number. `selection` holds room for `count` entries.
idx_t SelectDictionaryRows(const ColumnChunk& chunk, const std::vector<uint8_t>& entry_matches, idx_t first,
                           idx_t count, sel_t* selection);

// Integer chunks in kBitPacked or kFrameOfReference: as SelectDictionaryRows for `value <op> constant`,
// comparing the packed offsets with (constant - reference) and never adding the reference back.
// `constant` is in the chunk's integer form (numeric: unscaled at decimal_scale()).
idx_t SelectPackedIntegerRows(const ColumnChunk& chunk, CompareOp op, int64_t constant, idx_t first, idx_t count,
                              sel_t* selection);

// Decimal-float chunks: decoding is monotonic, so the rows satisfying `value <op> constant` are those
// whose integer (FixedBody::decimals) lies in one range [low, high] (empty when low > high).
struct DecimalFloatRange {
  int64_t low;
  int64_t high;
};
// The range for `op` (nullopt for kNotEqual, whose rows are two ranges). REQUIRES: chunk.encoding() ==
// kDecimalFloat.
std::optional<DecimalFloatRange> MatchDecimalFloat(const ColumnChunk& chunk, CompareOp op, double constant);
// As SelectDictionaryRows for the rows whose integer lies in `range`, compared as packed offsets.
idx_t SelectDecimalFloatRows(const ColumnChunk& chunk, const DecimalFloatRange& range, idx_t first, idx_t count,
                             sel_t* selection);
// Keeps the non-NULL rows first + selection[i] (i < count) whose integer lies in `range`, one by one;
// returns their number.
idx_t KeepDecimalFloatMatches(const ColumnChunk& chunk, const DecimalFloatRange& range, idx_t first,
                              sel_t* selection, idx_t count);

// Returns whether `order` (the sign of value compared with the constant) satisfies `op`.
inline bool CompareHolds(CompareOp op, int order) {
  switch (op) {
    case CompareOp::kEqual: return order == 0;
    case CompareOp::kNotEqual: return order != 0;
    case CompareOp::kLess: return order < 0;
    case CompareOp::kLessEqual: return order <= 0;
    case CompareOp::kGreater: return order > 0;
    case CompareOp::kGreaterEqual: return order >= 0;
  }
  return false;
}

}  // namespace tessera::storage
