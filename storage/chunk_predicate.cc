// SPDX-License-Identifier: Apache-2.0
// Predicates on encoded column chunks.
#include "storage/chunk_predicate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "base/check.h"
#include "simd/bitunpack/bitunpack.h"
#include "simd/filter/compare.h"
#include "storage/dictionary_filter.h"
#include "storage/encoding/physical_value.h"
#include "storage/kernel_comparison.h"

namespace tessera::storage {
namespace {


Value DictionaryEntry(const ColumnChunk& chunk, size_t code) {
  const PhysicalType type = chunk.physical_type();
  if (const StringBody* strings = chunk.strings()) return Value::Text(std::string(strings->Entry(code)));
  if (const FixedBody* fixed = chunk.fixed()) return FixedBytesToValue(type, fixed->dictionary() + code * FixedWidth(type));
  const int64_t entry = chunk.integers()->dictionary().Get(code);
  if (type == PhysicalType::kDecimal) return Value::Numeric(Decimal{entry, chunk.decimal_scale()});
  if (type == PhysicalType::kBool) return Value::Bool(entry != 0);
  return Value::FromInt(StatsType(type), entry);
}

// Keeps the entries of selection[0, count) (rows `first + entry`) that are not NULL; returns their number.
idx_t DropNulls(const uint64_t* nulls, idx_t first, sel_t* selection, idx_t count) {
  if (nulls == nullptr) return count;
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    selection[kept] = selection[index];
    kept += !ColumnChunk::NullBit(nulls, first + selection[index]);
  }
  return kept;
}

// Selects the non-NULL rows of [first, first + count): all of them when `all`, none otherwise.
idx_t SelectAllOrNone(bool all, const uint64_t* nulls, idx_t first, idx_t count, sel_t* selection) {
  if (!all) return 0;
  for (idx_t index = 0; index < count; ++index) selection[index] = static_cast<sel_t>(index);
  return DropNulls(nulls, first, selection, count);
}

// Unpacks `count` values from `first` on and selects those satisfying every `value <comparisons[i]>
// constants[i]` (one or two comparisons) into `selection`; returns their number. Values of up to 32 bits
// are unpacked and compared as uint32 (half the bytes, twice the lanes). REQUIRES: count <= kBatchSize.
idx_t CompareWindow(const PackedInts& packed, idx_t first, idx_t count, const simd::Comparison* comparisons,
                    const uint64_t* constants, int num_comparisons, sel_t* selection) {
  sel_t second[kBatchSize];
  const auto select = [&](const auto* values, auto narrow) {
    idx_t matched = simd::CompareSelect(values, count, comparisons[0], narrow(constants[0]), selection);
    if (num_comparisons == 2 && matched > 0) {
      const idx_t also = simd::CompareSelect(values, count, comparisons[1], narrow(constants[1]), second);
      matched = simd::IntersectSelections(selection, matched, second, also, selection);
    }
    return matched;
  };
  // Constants above the width's largest value were settled by the callers, so they fit in 32 bits here.
  if (packed.width <= 32 && constants[0] <= UINT32_MAX && (num_comparisons == 1 || constants[1] <= UINT32_MAX)) {
    uint32_t values[kBatchSize];
    simd::BitUnpack32(packed.words, first, count, packed.width, values);
    return select(values, [](uint64_t constant) { return static_cast<uint32_t>(constant); });
  }
  uint64_t values[kBatchSize];
  packed.Unpack(first, count, values);
  return select(values, [](uint64_t constant) { return constant; });
}

// Selects the non-NULL rows whose offset satisfies every `offset <comparisons[i]> constants[i]` (one or
// two comparisons), window by window through the simd filter kernels.
idx_t SelectOffsets(const PackedInts& offsets, const uint64_t* nulls, idx_t first, idx_t count,
                    const simd::Comparison* comparisons, const uint64_t* constants, int num_comparisons,
                    sel_t* selection) {
  idx_t selected = 0;
  for (idx_t start = 0; start < count; start += kBatchSize) {
    const idx_t batch_size = std::min<idx_t>(kBatchSize, count - start);
    sel_t* out = selection + selected;
    const idx_t matched =
        CompareWindow(offsets, first + start, batch_size, comparisons, constants, num_comparisons, out);
    for (idx_t index = 0; index < matched && start > 0; ++index) out[index] += static_cast<sel_t>(start);
    selected += DropNulls(nulls, first, out, matched);
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
  return SelectDictionaryMatches(chunk, DictionaryMatchOf(entry_matches), first, count, selection);
}

DictionaryMatch DictionaryMatchOf(std::vector<uint8_t> entry_matches) {
  DictionaryMatch match;
  const auto lowest = std::find(entry_matches.begin(), entry_matches.end(), 1);
  if (lowest == entry_matches.end()) return match;
  const auto past = std::find(lowest, entry_matches.end(), 0);
  match.contiguous = std::find(past, entry_matches.end(), 1) == entry_matches.end();
  match.low = lowest - entry_matches.begin();
  match.high = (past - entry_matches.begin()) - 1;
  if (!match.contiguous) match.entries = std::move(entry_matches);
  return match;
}

DictionaryMatch MatchDictionary(const ColumnChunk& chunk, CompareOp op, const Value& constant) {
  TESSERA_CHECK(chunk.encoding() == ChunkEncoding::kDictionary && !constant.is_null());
  if (chunk.fixed() == nullptr) return DictionaryMatchOf(MatchDictionaryEntries(chunk, op, constant));
  // Fixed-width dictionaries are sorted: the entries below, equal to and above the constant are runs.
  const size_t size = chunk.dictionary_size();
  const PhysicalType type = chunk.physical_type();
  const auto first_where = [&](auto holds) {
    size_t low = 0, high = size;
    while (low < high) {
      const size_t middle = low + (high - low) / 2;
      if (holds(ComparePhysical(type, DictionaryEntry(chunk, middle), constant))) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  };
  const size_t equal_begin = first_where([](int order) { return order >= 0; });
  const size_t equal_end = first_where([](int order) { return order > 0; });
  const auto run = [](size_t begin, size_t end) {
    DictionaryMatch match;
    if (begin < end) match.low = begin, match.high = end - 1;
    return match;
  };
  switch (op) {
    case CompareOp::kEqual: return run(equal_begin, equal_end);
    case CompareOp::kLess: return run(0, equal_begin);
    case CompareOp::kLessEqual: return run(0, equal_end);
    case CompareOp::kGreater: return run(equal_end, size);
    case CompareOp::kGreaterEqual: return run(equal_begin, size);
    case CompareOp::kNotEqual: break;
  }
  std::vector<uint8_t> entries(size, 1);
  std::fill(entries.begin() + equal_begin, entries.begin() + equal_end, 0);
  return DictionaryMatchOf(std::move(entries));
}

// Selects the non-NULL rows whose packed value lies in [low, high], of values up to `last`.
idx_t SelectPackedRange(const PackedInts& packed, const uint64_t* nulls, idx_t first, idx_t count, uint64_t low,
                        uint64_t high, uint64_t last, sel_t* selection) {
  if (low > high) return 0;
  if (low == 0 && high >= last) return SelectAllOrNone(true, nulls, first, count, selection);
  const simd::Comparison comparisons[2] = {simd::Comparison::kGreaterEqual, simd::Comparison::kLessEqual};
  const uint64_t constants[2] = {low, high};
  if (low == high) {
    const simd::Comparison equal = simd::Comparison::kEqual;
    return SelectOffsets(packed, nulls, first, count, &equal, &low, 1, selection);
  }
  if (low == 0) return SelectOffsets(packed, nulls, first, count, comparisons + 1, constants + 1, 1, selection);
  if (high >= last) return SelectOffsets(packed, nulls, first, count, comparisons, constants, 1, selection);
  return SelectOffsets(packed, nulls, first, count, comparisons, constants, 2, selection);
}

idx_t SelectDictionaryMatches(const ColumnChunk& chunk, const DictionaryMatch& match, idx_t first, idx_t count,
                              sel_t* selection) {
  TESSERA_CHECK(chunk.encoding() == ChunkEncoding::kDictionary);
  const PackedInts& codes = *chunk.dictionary_codes();
  const uint64_t* nulls = chunk.NullMask();
  if (match.contiguous) {
    return SelectPackedRange(codes, nulls, first, count, match.low, match.high, chunk.dictionary_size() - 1, selection);
  }
  // Scattered matches: look each row's code up.
  uint64_t batch[kBatchSize];
  idx_t selected = 0;
  for (idx_t start = 0; start < count; start += kBatchSize) {
    const idx_t batch_size = std::min<idx_t>(kBatchSize, count - start);
    codes.Unpack(first + start, batch_size, batch);
    for (idx_t index = 0; index < batch_size; ++index) {
      selection[selected] = static_cast<sel_t>(start + index);
      selected += match.entries[batch[index]] & !ColumnChunk::NullBit(nulls, first + start + index);
    }
  }
  return selected;
}

idx_t KeepDictionaryMatches(const ColumnChunk& chunk, const DictionaryMatch& match, idx_t first, sel_t* selection,
                            idx_t count) {
  const PackedInts& codes = *chunk.dictionary_codes();
  const uint64_t* nulls = chunk.NullMask();
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    const idx_t row = first + selection[index];
    const uint64_t code = codes.Get(row);
    const bool matches = match.contiguous ? match.low <= code && code <= match.high : match.entries[code] != 0;
    selection[kept] = selection[index];
    kept += matches && !ColumnChunk::NullBit(nulls, row);
  }
  return kept;
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
    return SelectAllOrNone(CompareHolds(op, target < 0 ? 1 : -1), chunk.NullMask(), first, count, selection);
  }
  const simd::Comparison comparison = KernelComparison(op);
  const auto value = static_cast<uint64_t>(target);
  return SelectOffsets(offsets, chunk.NullMask(), first, count, &comparison, &value, 1, selection);
}

namespace {

constexpr int64_t kDecimalLow = -(int64_t{1} << 53);  // every decimal-float integer lies within ±2^53
constexpr int64_t kDecimalHigh = int64_t{1} << 53;

// The least integer v in [kDecimalLow, kDecimalHigh + 1] whose value v / divisor is >= `constant` (strict:
// > `constant`) in PostgreSQL's float8 order; kDecimalHigh + 1 when none is. Values are never NaN, so a
// NaN constant is above all of them.
int64_t FirstDecimalFrom(double constant, double divisor, bool strict) {
  if (std::isnan(constant)) return kDecimalHigh + 1;
  const auto passes = [&](int64_t integer) {
    const double value = static_cast<double>(integer) / divisor;
    return strict ? value > constant : value >= constant;
  };
  const double guess = std::floor(constant * divisor);
  int64_t integer = guess <= static_cast<double>(kDecimalLow)    ? kDecimalLow
                    : guess >= static_cast<double>(kDecimalHigh) ? kDecimalHigh
                                                                 : static_cast<int64_t>(guess);
  // The guess is off by a rounding at most, so both loops take a step or two.
  while (integer > kDecimalLow && passes(integer - 1)) --integer;
  while (integer <= kDecimalHigh && !passes(integer)) ++integer;
  return integer;
}

}  // namespace

std::optional<DecimalFloatRange> MatchDecimalFloat(const ColumnChunk& chunk, CompareOp op, double constant) {
  const FixedBody* body = chunk.fixed();
  TESSERA_CHECK(body != nullptr && body->encoding() == ChunkEncoding::kDecimalFloat);
  const double divisor = body->decimal_divisor();
  const auto at_least = [&] { return FirstDecimalFrom(constant, divisor, false); };
  const auto above = [&] { return FirstDecimalFrom(constant, divisor, true); };
  switch (op) {
    case CompareOp::kLess: return DecimalFloatRange{kDecimalLow, at_least() - 1};
    case CompareOp::kLessEqual: return DecimalFloatRange{kDecimalLow, above() - 1};
    case CompareOp::kGreater: return DecimalFloatRange{above(), kDecimalHigh};
    case CompareOp::kGreaterEqual: return DecimalFloatRange{at_least(), kDecimalHigh};
    case CompareOp::kEqual: return DecimalFloatRange{at_least(), above() - 1};
    case CompareOp::kNotEqual: return std::nullopt;
  }
  return std::nullopt;
}

idx_t SelectDecimalFloatRows(const ColumnChunk& chunk, const DecimalFloatRange& range, idx_t first, idx_t count,
                             sel_t* selection) {
  const ForInts& integers = chunk.fixed()->decimals();
  const PackedInts& offsets = integers.offsets;
  const uint64_t last = offsets.width == 64 ? ~uint64_t{0} : (uint64_t{1} << offsets.width) - 1;
  // The range in offset space, clipped to [0, last].
  const __int128 low = std::max<__int128>(static_cast<__int128>(range.low) - integers.reference, 0);
  const __int128 high = std::min<__int128>(static_cast<__int128>(range.high) - integers.reference, last);
  if (low > high) return 0;
  return SelectPackedRange(offsets, chunk.NullMask(), first, count, static_cast<uint64_t>(low),
                           static_cast<uint64_t>(high), last, selection);
}

idx_t KeepDecimalFloatMatches(const ColumnChunk& chunk, const DecimalFloatRange& range, idx_t first,
                              sel_t* selection, idx_t count) {
  const ForInts& integers = chunk.fixed()->decimals();
  const uint64_t* nulls = chunk.NullMask();
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    const idx_t row = first + selection[index];
    const int64_t integer = integers.Get(row);
    selection[kept] = selection[index];
    kept += range.low <= integer && integer <= range.high && !ColumnChunk::NullBit(nulls, row);
  }
  return kept;
}

}  // namespace tessera::storage
