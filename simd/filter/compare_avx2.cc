// SPDX-License-Identifier: Apache-2.0
// AVX2 comparison filters. AVX2 compares only signed integers, so values and constant get their top bit
// flipped first; a movemask gives one bit per row, and a 256-entry table turns 8 bits into row indexes.
// Built with -mavx2 -mbmi2 -mpopcnt; called only when the CPU has them.
#include <immintrin.h>

#include <array>

#include "simd/filter/compare_kernels.h"

namespace tessera::simd {
namespace {

// For each 8-bit mask, the positions of its set bits, ascending, as bytes.
constexpr std::array<std::array<uint8_t, 8>, 256> MakePositions() {
  std::array<std::array<uint8_t, 8>, 256> table{};
  for (int mask = 0; mask < 256; ++mask) {
    int count = 0;
    for (int bit = 0; bit < 8; ++bit) {
      if (mask >> bit & 1) table[mask][count++] = static_cast<uint8_t>(bit);
    }
  }
  return table;
}
alignas(64) constexpr std::array<std::array<uint8_t, 8>, 256> kPositions = MakePositions();

// Returns one bit per lane (row) where `values <op> constant`, unsigned; `flip` holds the sign bits.
template <Comparison kOp>
int Matches32(__m256i values, __m256i constant_flipped, __m256i flip) {
  const __m256i flipped = _mm256_xor_si256(values, flip);
  const int equal = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(flipped, constant_flipped)));
  const int greater = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(flipped, constant_flipped)));
  const int less = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(constant_flipped, flipped)));
  switch (kOp) {
    case Comparison::kEqual:
      return equal;
    case Comparison::kNotEqual:
      return equal ^ 0xFF;
    case Comparison::kLess:
      return less;
    case Comparison::kLessEqual:
      return greater ^ 0xFF;
    case Comparison::kGreater:
      return greater;
    case Comparison::kGreaterEqual:
      return less ^ 0xFF;
  }
  return 0;
}

template <Comparison kOp>
int Matches64(__m256i values, __m256i constant_flipped, __m256i flip) {
  const __m256i flipped = _mm256_xor_si256(values, flip);
  const int equal = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(flipped, constant_flipped)));
  const int greater = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(flipped, constant_flipped)));
  const int less = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(constant_flipped, flipped)));
  switch (kOp) {
    case Comparison::kEqual:
      return equal;
    case Comparison::kNotEqual:
      return equal ^ 0xF;
    case Comparison::kLess:
      return less;
    case Comparison::kLessEqual:
      return greater ^ 0xF;
    case Comparison::kGreater:
      return greater;
    case Comparison::kGreaterEqual:
      return less ^ 0xF;
  }
  return 0;
}

// Calls fn(std::integral_constant<op>) so each comparison gets its own loop.
template <typename Fn>
auto WithOp(Comparison op, Fn fn) {
  switch (op) {
    case Comparison::kEqual:
      return fn(std::integral_constant<Comparison, Comparison::kEqual>{});
    case Comparison::kNotEqual:
      return fn(std::integral_constant<Comparison, Comparison::kNotEqual>{});
    case Comparison::kLess:
      return fn(std::integral_constant<Comparison, Comparison::kLess>{});
    case Comparison::kLessEqual:
      return fn(std::integral_constant<Comparison, Comparison::kLessEqual>{});
    case Comparison::kGreater:
      return fn(std::integral_constant<Comparison, Comparison::kGreater>{});
    case Comparison::kGreaterEqual:
      break;
  }
  return fn(std::integral_constant<Comparison, Comparison::kGreaterEqual>{});
}

// Selects rows [done, count) with the scalar loop, appending their indexes after `selected` entries.
template <typename T, typename ScalarSelect>
size_t FinishSelect(const T* values, size_t done, size_t count, Comparison op, T constant, uint32_t* selection,
                    size_t selected, ScalarSelect scalar) {
  const size_t tail = scalar(values + done, count - done, op, constant, selection + selected);
  for (size_t index = selected; index < selected + tail; ++index) selection[index] += static_cast<uint32_t>(done);
  return selected + tail;
}

__m256i Positions(int mask) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(kPositions[mask].data())));
}

size_t Select32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection) {
  return WithOp(op, [&](auto kOp) {
    const __m256i flip = _mm256_set1_epi32(INT32_MIN);
    const __m256i constant_flipped = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int32_t>(constant)), flip);
    size_t selected = 0, row = 0;
    for (; row + 8 <= count; row += 8) {
      const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + row));
      const int mask = Matches32<kOp.value>(block, constant_flipped, flip);
      const __m256i rows = _mm256_add_epi32(Positions(mask), _mm256_set1_epi32(static_cast<int32_t>(row)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(selection + selected), rows);
      selected += __builtin_popcount(mask);
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select32);
  });
}

size_t Select64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection) {
  return WithOp(op, [&](auto kOp) {
    const __m256i flip = _mm256_set1_epi64x(INT64_MIN);
    const __m256i constant_flipped = _mm256_xor_si256(_mm256_set1_epi64x(static_cast<int64_t>(constant)), flip);
    size_t selected = 0, row = 0;
    for (; row + 4 <= count; row += 4) {
      const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + row));
      const int mask = Matches64<kOp.value>(block, constant_flipped, flip);
      const __m128i rows =
          _mm_add_epi32(_mm256_castsi256_si128(Positions(mask)), _mm_set1_epi32(static_cast<int32_t>(row)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(selection + selected), rows);
      selected += __builtin_popcount(mask);
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select64);
  });
}

void Bitmap32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap) {
  WithOp(op, [&](auto kOp) {
    const __m256i flip = _mm256_set1_epi32(INT32_MIN);
    const __m256i constant_flipped = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int32_t>(constant)), flip);
    size_t row = 0;
    for (; row + 64 <= count; row += 64) {
      uint64_t word = 0;
      for (int block = 0; block < 8; ++block) {
        const __m256i block_values = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + row + block * 8));
        word |= static_cast<uint64_t>(Matches32<kOp.value>(block_values, constant_flipped, flip)) << (block * 8);
      }
      bitmap[row / 64] = word;
    }
    kCompareScalar.bitmap32(values + row, count - row, op, constant, bitmap + row / 64);
  });
}

void Bitmap64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap) {
  WithOp(op, [&](auto kOp) {
    const __m256i flip = _mm256_set1_epi64x(INT64_MIN);
    const __m256i constant_flipped = _mm256_xor_si256(_mm256_set1_epi64x(static_cast<int64_t>(constant)), flip);
    size_t row = 0;
    for (; row + 64 <= count; row += 64) {
      uint64_t word = 0;
      for (int block = 0; block < 16; ++block) {
        const __m256i block_values = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + row + block * 4));
        word |= static_cast<uint64_t>(Matches64<kOp.value>(block_values, constant_flipped, flip)) << (block * 4);
      }
      bitmap[row / 64] = word;
    }
    kCompareScalar.bitmap64(values + row, count - row, op, constant, bitmap + row / 64);
  });
}

// The block merge of compare_avx512.cc with blocks of 8 (see there for why it is exact).
size_t Intersect(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count, uint32_t* out) {
  size_t left_index = 0, right_index = 0, selected = 0;
  int matched = 0;
  while (left_index + 8 <= left_count && right_index + 8 <= right_count) {
    const __m256i left_block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(left + left_index));
    __m256i equal = _mm256_setzero_si256();
    for (int element = 0; element < 8; ++element) {
      const __m256i right_value = _mm256_set1_epi32(static_cast<int32_t>(right[right_index + element]));
      equal = _mm256_or_si256(equal, _mm256_cmpeq_epi32(left_block, right_value));
    }
    matched |= _mm256_movemask_ps(_mm256_castsi256_ps(equal));
    const uint32_t left_last = left[left_index + 7];
    const uint32_t right_last = right[right_index + 7];
    if (left_last <= right_last) {
      for (int mask = matched; mask != 0; mask &= mask - 1) out[selected++] = left[left_index + __builtin_ctz(mask)];
      matched = 0;
      left_index += 8;
    }
    if (right_last <= left_last) right_index += 8;
  }
  for (int mask = matched; mask != 0; mask &= mask - 1) out[selected++] = left[left_index + __builtin_ctz(mask)];
  return selected + kCompareScalar.intersect(left + left_index, left_count - left_index, right + right_index,
                                             right_count - right_index, out + selected);
}

// Signed: the unsigned loop of Select64 without the sign-bit flip.
size_t SelectInt64(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection) {
  return WithOp(op, [&](auto kOp) {
    const __m256i no_flip = _mm256_setzero_si256();
    const __m256i constants = _mm256_set1_epi64x(constant);
    size_t selected = 0, row = 0;
    for (; row + 4 <= count; row += 4) {
      const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + row));
      const int mask = Matches64<kOp.value>(block, constants, no_flip);
      const __m128i rows =
          _mm_add_epi32(_mm256_castsi256_si128(Positions(mask)), _mm_set1_epi32(static_cast<int32_t>(row)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(selection + selected), rows);
      selected += __builtin_popcount(mask);
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select_int64);
  });
}

// Selects the rows where `_mm256_cmp_pd(value, other, kPredicate)` holds; `other` is the constant, or the
// value itself when kSelf (see SelectFloat64).
template <int kPredicate, bool kSelf>
size_t SelectFloats(const double* values, size_t count, double constant, uint32_t* selection, size_t* done) {
  const __m256d constants = _mm256_set1_pd(constant);
  size_t selected = 0, row = 0;
  for (; row + 4 <= count; row += 4) {
    const __m256d block = _mm256_loadu_pd(values + row);
    const int mask = _mm256_movemask_pd(_mm256_cmp_pd(block, kSelf ? block : constants, kPredicate));
    const __m128i rows =
        _mm_add_epi32(_mm256_castsi256_si128(Positions(mask)), _mm_set1_epi32(static_cast<int32_t>(row)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(selection + selected), rows);
    selected += __builtin_popcount(mask);
  }
  *done = row;
  return selected;
}

// NaN is above every other value and equal to NaN: against a number, the unordered (NaN) lanes pass the
// greater and not-equal tests only; against NaN, only whether the value is NaN matters.
size_t SelectFloat64(const double* values, size_t count, Comparison op, double constant, uint32_t* selection) {
  size_t done = 0, selected = 0;
  const bool nan = constant != constant;
  switch (op) {
    case Comparison::kEqual:
      selected = nan ? SelectFloats<_CMP_UNORD_Q, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_EQ_OQ, false>(values, count, constant, selection, &done);
      break;
    case Comparison::kNotEqual:
      selected = nan ? SelectFloats<_CMP_ORD_Q, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_NEQ_UQ, false>(values, count, constant, selection, &done);
      break;
    case Comparison::kLess:
      selected = nan ? SelectFloats<_CMP_ORD_Q, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_LT_OQ, false>(values, count, constant, selection, &done);
      break;
    case Comparison::kLessEqual:
      selected = nan ? SelectFloats<_CMP_TRUE_UQ, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_LE_OQ, false>(values, count, constant, selection, &done);
      break;
    case Comparison::kGreater:
      selected = nan ? SelectFloats<_CMP_FALSE_OQ, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_NLE_UQ, false>(values, count, constant, selection, &done);
      break;
    case Comparison::kGreaterEqual:
      selected = nan ? SelectFloats<_CMP_UNORD_Q, true>(values, count, constant, selection, &done)
                     : SelectFloats<_CMP_NLT_UQ, false>(values, count, constant, selection, &done);
      break;
  }
  return FinishSelect(values, done, count, op, constant, selection, selected, kCompareScalar.select_float64);
}

}  // namespace

const CompareKernels kCompareAvx2 = {&Select32, &Select64,    &Bitmap32,      &Bitmap64,
                                     &Intersect, &SelectInt64, &SelectFloat64};

}  // namespace tessera::simd
