// SPDX-License-Identifier: Apache-2.0
// AVX2 aggregates over all rows of a batch: the methods of aggregate_avx512.cc on four 64-bit lanes (two
// vectors for the eight double lanes of aggregate.h), with AVX2's signed compares and blends in place of
// 64-bit min/max. Grouped counts by up to 8 codes compare and subtract the all-ones match masks; grouped
// sums, and everything with a selection, run the scalar loops (measured no slower than AVX2 masking or
// gathers). Built with -mavx2 -mbmi2 -mpopcnt; called only when the CPU has them.
#include <immintrin.h>

#include <array>
#include <cstring>
#include <utility>

#include "simd/aggregate/aggregate_kernels.h"

namespace tessera::simd {
namespace {

constexpr int64_t kNotSign = 0x7FFFFFFFFFFFFFFFll;
constexpr int64_t kInfinityBits = 0x7FF0000000000000ll;

__m256i Load(const int64_t* values, size_t index) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + index));
}

__int128 SumInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  if (selection != nullptr) return kAggregateScalar.sum_int64(values, selection, count);
  const __m256i low_mask = _mm256_set1_epi64x(0xFFFFFFFF);
  __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256(), negative = _mm256_setzero_si256();
  size_t index = 0;
  for (; index + 4 <= count; index += 4) {
    const __m256i block = Load(values, index);
    low = _mm256_add_epi64(low, _mm256_and_si256(block, low_mask));
    high = _mm256_add_epi64(high, _mm256_srli_epi64(block, 32));
    negative = _mm256_add_epi64(negative, _mm256_srli_epi64(block, 63));
  }
  alignas(32) uint64_t lows[4], highs[4], negatives[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lows), low);
  _mm256_store_si256(reinterpret_cast<__m256i*>(highs), high);
  _mm256_store_si256(reinterpret_cast<__m256i*>(negatives), negative);
  // Each value is high * 2^32 + low - 2^64 when negative, the halves taken unsigned.
  __int128 sum = kAggregateScalar.sum_int64(values + index, nullptr, count - index);
  for (int lane = 0; lane < 4; ++lane) {
    sum += (static_cast<__int128>(highs[lane]) << 32) + lows[lane] - (static_cast<__int128>(negatives[lane]) << 64);
  }
  return sum;
}

double SumDouble(const double* values, const uint32_t* selection, size_t count) {
  if (selection != nullptr) return kAggregateScalar.sum_double(values, selection, count);
  __m256d low_lanes = _mm256_set1_pd(-0.0), high_lanes = _mm256_set1_pd(-0.0);
  size_t index = 0;
  for (; index + 8 <= count; index += 8) {
    low_lanes = _mm256_add_pd(low_lanes, _mm256_loadu_pd(values + index));
    high_lanes = _mm256_add_pd(high_lanes, _mm256_loadu_pd(values + index + 4));
  }
  alignas(32) double lanes[8];
  _mm256_store_pd(lanes, low_lanes);
  _mm256_store_pd(lanes + 4, high_lanes);
  for (size_t lane = 0; index < count; ++index, ++lane) lanes[lane] += values[index];
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// Folds `block` into the running lane minimums and maximums.
void MinMax(__m256i block, __m256i* min, __m256i* max) {
  *min = _mm256_blendv_epi8(*min, block, _mm256_cmpgt_epi64(*min, block));
  *max = _mm256_blendv_epi8(*max, block, _mm256_cmpgt_epi64(block, *max));
}

// Folds the lanes of `min` and `max` into *min_value and *max_value.
void ReduceRange(__m256i min, __m256i max, int64_t* min_value, int64_t* max_value) {
  alignas(32) int64_t mins[4], maxes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(mins), min);
  _mm256_store_si256(reinterpret_cast<__m256i*>(maxes), max);
  for (int lane = 0; lane < 4; ++lane) {
    if (mins[lane] < *min_value) *min_value = mins[lane];
    if (maxes[lane] > *max_value) *max_value = maxes[lane];
  }
}

Int64Range RangeInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  if (selection != nullptr) return kAggregateScalar.range_int64(values, selection, count);
  __m256i min = _mm256_set1_epi64x(INT64_MAX), max = _mm256_set1_epi64x(INT64_MIN);
  size_t index = 0;
  for (; index + 4 <= count; index += 4) MinMax(Load(values, index), &min, &max);
  Int64Range range = {INT64_MAX, INT64_MIN};
  if (index < count) range = kAggregateScalar.range_int64(values + index, nullptr, count - index);
  ReduceRange(min, max, &range.min, &range.max);
  return range;
}

// The order keys of aggregate_scalar.cc's OrderKey, four at a time.
__m256i OrderKeys(__m256i bits) {
  const __m256i magnitude = _mm256_and_si256(bits, _mm256_set1_epi64x(kNotSign));
  const __m256i is_nan = _mm256_cmpgt_epi64(magnitude, _mm256_set1_epi64x(kInfinityBits));
  const __m256i canonical = _mm256_blendv_epi8(bits, magnitude, is_nan);
  const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), canonical);
  return _mm256_xor_si256(canonical, _mm256_and_si256(negative, _mm256_set1_epi64x(kNotSign)));
}

int64_t OrderKey(double value) {
  int64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if ((bits & kNotSign) > kInfinityBits) bits &= kNotSign;
  return bits < 0 ? bits ^ kNotSign : bits;
}

double FromOrderKey(int64_t key) {
  const int64_t bits = key < 0 ? key ^ kNotSign : key;
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

DoubleRange RangeDouble(const double* values, const uint32_t* selection, size_t count) {
  if (selection != nullptr) return kAggregateScalar.range_double(values, selection, count);
  const auto* bits = reinterpret_cast<const int64_t*>(values);
  __m256i min = _mm256_set1_epi64x(INT64_MAX), max = _mm256_set1_epi64x(INT64_MIN);
  size_t index = 0;
  for (; index + 4 <= count; index += 4) MinMax(OrderKeys(Load(bits, index)), &min, &max);
  int64_t min_key = INT64_MAX, max_key = INT64_MIN;
  if (index < count) {
    const DoubleRange tail = kAggregateScalar.range_double(values + index, nullptr, count - index);
    min_key = OrderKey(tail.min);
    max_key = OrderKey(tail.max);
  }
  ReduceRange(min, max, &min_key, &max_key);
  return {FromOrderKey(min_key), FromOrderKey(max_key)};
}

size_t CountValid(const uint64_t* validity, const uint32_t* selection, size_t count) {
  if (selection != nullptr) return kAggregateScalar.count_valid(validity, selection, count);
  size_t valid = 0;
  for (size_t word = 0; word < count / 64; ++word) valid += __builtin_popcountll(validity[word]);
  if (count % 64 != 0) valid += __builtin_popcountll(validity[count / 64] & ((uint64_t{1} << (count % 64)) - 1));
  return valid;
}

// Counts codes below kGroups, 8 rows at a time: a compare gives -1 in matching lanes, subtracted from the
// group's lane counters. Lane counters cannot overflow below 2^32 rows.
template <size_t kGroups, typename Count>
void CountByCompare(const uint32_t* codes, size_t count, Count* counts) {
  __m256i lanes[kGroups];
  for (auto& lane : lanes) lane = _mm256_setzero_si256();
  size_t index = 0;
  for (; index + 8 <= count; index += 8) {
    const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + index));
    for (size_t group = 0; group < kGroups; ++group) {
      const __m256i match = _mm256_cmpeq_epi32(block, _mm256_set1_epi32(static_cast<int32_t>(group)));
      lanes[group] = _mm256_sub_epi32(lanes[group], match);
    }
  }
  for (size_t group = 0; group < kGroups; ++group) {
    alignas(32) uint32_t totals[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(totals), lanes[group]);
    for (uint32_t total : totals) counts[group] += total;
  }
  for (; index < count; ++index) ++counts[codes[index]];
}

// Instantiations for 1..8 groups, indexed by num_groups - 1.
template <typename Count, size_t... kIndexes>
constexpr auto CountTable(std::index_sequence<kIndexes...>) {
  return std::array<void (*)(const uint32_t*, size_t, Count*), sizeof...(kIndexes)>{
      &CountByCompare<kIndexes + 1, Count>...};
}
constexpr auto kCountByGroups = CountTable<uint64_t>(std::make_index_sequence<8>());
constexpr auto kCount32ByGroups = CountTable<uint32_t>(std::make_index_sequence<8>());

void GroupedCount(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups, uint64_t* counts) {
  if (selection != nullptr || num_groups == 0 || num_groups > kCountByGroups.size()) {
    return kAggregateScalar.grouped_count(codes, selection, count, num_groups, counts);
  }
  kCountByGroups[num_groups - 1](codes, count, counts);
}

void GroupedCount32(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                    uint32_t* counts) {
  if (selection != nullptr || num_groups == 0 || num_groups > kCount32ByGroups.size()) {
    return kAggregateScalar.grouped_count32(codes, selection, count, num_groups, counts);
  }
  kCount32ByGroups[num_groups - 1](codes, count, counts);
}

void GroupedSumInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* sums) {
  kAggregateScalar.grouped_sum_int64(codes, values, selection, count, num_groups, sums);
}

// Grouped sums of doubles must add a group's rows in row order, and grouped min/max update a group's
// slot from its previous value: the scalar loops (see aggregate.h).
void GroupedSumDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* sums) {
  kAggregateScalar.grouped_sum_double(codes, values, selection, count, num_groups, sums);
}

void GroupedMinInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* mins, uint8_t* seen) {
  kAggregateScalar.grouped_min_int64(codes, values, selection, count, num_groups, mins, seen);
}

void GroupedMaxInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* maxes, uint8_t* seen) {
  kAggregateScalar.grouped_max_int64(codes, values, selection, count, num_groups, maxes, seen);
}

void GroupedMinDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* mins, uint8_t* seen) {
  kAggregateScalar.grouped_min_double(codes, values, selection, count, num_groups, mins, seen);
}

void GroupedMaxDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* maxes, uint8_t* seen) {
  kAggregateScalar.grouped_max_double(codes, values, selection, count, num_groups, maxes, seen);
}

}  // namespace

const AggregateKernels kAggregateAvx2 = {
    &SumInt64,        &SumDouble,        &RangeInt64,       &RangeDouble,      &CountValid,
    &GroupedCount,    &GroupedCount32,   &GroupedSumInt64,  &GroupedSumDouble, &GroupedMinInt64,
    &GroupedMaxInt64, &GroupedMinDouble, &GroupedMaxDouble};

}  // namespace tessera::simd
