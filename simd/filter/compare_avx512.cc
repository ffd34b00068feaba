// SPDX-License-Identifier: Apache-2.0
// AVX-512 comparison filters: unsigned compares into mask registers, compress of row indexes for
// selections, and a 16-by-16 block merge for intersections. Built with -mavx512f -mavx512bw -mavx512vl
// -mavx2 -mbmi2 -mpopcnt; called only when the CPU has them.
#include <immintrin.h>

#include <type_traits>

#include "simd/filter/compare_kernels.h"

namespace tessera::simd {
namespace {

// Calls fn(std::integral_constant<predicate>) so the compare's immediate is a compile-time constant.
template <typename Fn>
auto WithPredicate(Comparison op, Fn fn) {
  switch (op) {
    case Comparison::kEqual:
      return fn(std::integral_constant<int, _MM_CMPINT_EQ>{});
    case Comparison::kNotEqual:
      return fn(std::integral_constant<int, _MM_CMPINT_NE>{});
    case Comparison::kLess:
      return fn(std::integral_constant<int, _MM_CMPINT_LT>{});
    case Comparison::kLessEqual:
      return fn(std::integral_constant<int, _MM_CMPINT_LE>{});
    case Comparison::kGreater:
      return fn(std::integral_constant<int, _MM_CMPINT_NLE>{});
    case Comparison::kGreaterEqual:
      break;
  }
  return fn(std::integral_constant<int, _MM_CMPINT_NLT>{});
}

// Selects rows [done, count) with the scalar loop, appending their indexes after `selected` entries.
template <typename T, typename ScalarSelect>
size_t FinishSelect(const T* values, size_t done, size_t count, Comparison op, T constant, uint32_t* selection,
                    size_t selected, ScalarSelect scalar) {
  const size_t tail = scalar(values + done, count - done, op, constant, selection + selected);
  for (size_t index = selected; index < selected + tail; ++index) selection[index] += static_cast<uint32_t>(done);
  return selected + tail;
}

size_t Select32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection) {
  return WithPredicate(op, [&](auto predicate) {
    const __m512i constants = _mm512_set1_epi32(static_cast<int32_t>(constant));
    __m512i rows = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    size_t selected = 0, row = 0;
    for (; row + 16 <= count; row += 16) {
      const __mmask16 matches = _mm512_cmp_epu32_mask(_mm512_loadu_si512(values + row), constants, predicate.value);
      _mm512_storeu_si512(selection + selected, _mm512_maskz_compress_epi32(matches, rows));
      selected += __builtin_popcount(matches);
      rows = _mm512_add_epi32(rows, _mm512_set1_epi32(16));
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select32);
  });
}

size_t Select64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection) {
  return WithPredicate(op, [&](auto predicate) {
    const __m512i constants = _mm512_set1_epi64(static_cast<int64_t>(constant));
    __m256i rows = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    size_t selected = 0, row = 0;
    for (; row + 8 <= count; row += 8) {
      const __mmask8 matches = _mm512_cmp_epu64_mask(_mm512_loadu_si512(values + row), constants, predicate.value);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(selection + selected), _mm256_maskz_compress_epi32(matches, rows));
      selected += __builtin_popcount(matches);
      rows = _mm256_add_epi32(rows, _mm256_set1_epi32(8));
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select64);
  });
}

void Bitmap32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap) {
  WithPredicate(op, [&](auto predicate) {
    const __m512i constants = _mm512_set1_epi32(static_cast<int32_t>(constant));
    size_t row = 0;
    for (; row + 64 <= count; row += 64) {
      uint64_t word = 0;
      for (int block = 0; block < 4; ++block) {
        const __m512i block_values = _mm512_loadu_si512(values + row + block * 16);
        word |= uint64_t{_mm512_cmp_epu32_mask(block_values, constants, predicate.value)} << (block * 16);
      }
      bitmap[row / 64] = word;
    }
    kCompareScalar.bitmap32(values + row, count - row, op, constant, bitmap + row / 64);
  });
}

void Bitmap64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap) {
  WithPredicate(op, [&](auto predicate) {
    const __m512i constants = _mm512_set1_epi64(static_cast<int64_t>(constant));
    size_t row = 0;
    for (; row + 64 <= count; row += 64) {
      uint64_t word = 0;
      for (int block = 0; block < 8; ++block) {
        const __m512i block_values = _mm512_loadu_si512(values + row + block * 8);
        word |= uint64_t{_mm512_cmp_epu64_mask(block_values, constants, predicate.value)} << (block * 8);
      }
      bitmap[row / 64] = word;
    }
    kCompareScalar.bitmap64(values + row, count - row, op, constant, bitmap + row / 64);
  });
}

// Merges blocks of 16: every left element of the current block is compared with every right element of
// the current block, matches accumulate in `matched`, and the block with the smaller last element moves
// on (a left block is emitted when it moves on). Ascending, duplicate-free inputs make this exact.
size_t Intersect(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count, uint32_t* out) {
  size_t left_index = 0, right_index = 0, selected = 0;
  __mmask16 matched = 0;
  __m512i left_block = _mm512_setzero_si512();
  while (left_index + 16 <= left_count && right_index + 16 <= right_count) {
    left_block = _mm512_loadu_si512(left + left_index);
    for (int element = 0; element < 16; ++element) {
      matched |=
          _mm512_cmpeq_epu32_mask(left_block, _mm512_set1_epi32(static_cast<int32_t>(right[right_index + element])));
    }
    const uint32_t left_last = left[left_index + 15];
    const uint32_t right_last = right[right_index + 15];
    if (left_last <= right_last) {
      _mm512_mask_compressstoreu_epi32(out + selected, matched, left_block);
      selected += __builtin_popcount(matched);
      matched = 0;
      left_index += 16;
    }
    if (right_last <= left_last) right_index += 16;
  }
  // The current left block's matches equal right elements before right_index, so they precede everything
  // the scalar merge of the rest can find, and the merge skips them (they are below right[right_index]).
  _mm512_mask_compressstoreu_epi32(out + selected, matched, left_block);
  selected += __builtin_popcount(matched);
  return selected + kCompareScalar.intersect(left + left_index, left_count - left_index, right + right_index,
                                             right_count - right_index, out + selected);
}

size_t SelectInt64(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection) {
  return WithPredicate(op, [&](auto predicate) {
    const __m512i constants = _mm512_set1_epi64(constant);
    __m256i rows = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    size_t selected = 0, row = 0;
    for (; row + 8 <= count; row += 8) {
      const __mmask8 matches = _mm512_cmp_epi64_mask(_mm512_loadu_si512(values + row), constants, predicate.value);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(selection + selected), _mm256_maskz_compress_epi32(matches, rows));
      selected += __builtin_popcount(matches);
      rows = _mm256_add_epi32(rows, _mm256_set1_epi32(8));
    }
    return FinishSelect(values, row, count, op, constant, selection, selected, kCompareScalar.select_int64);
  });
}

// Selects the rows where `_mm512_cmp_pd_mask(value, other, kPredicate)` holds; `other` is the constant, or
// the value itself when kSelf (the ordered / unordered tests that decide comparisons with NaN).
template <int kPredicate, bool kSelf>
size_t SelectFloats(const double* values, size_t count, double constant, uint32_t* selection, size_t* done) {
  const __m512d constants = _mm512_set1_pd(constant);
  __m256i rows = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  size_t selected = 0, row = 0;
  for (; row + 8 <= count; row += 8) {
    const __m512d block = _mm512_loadu_pd(values + row);
    const __mmask8 matches = _mm512_cmp_pd_mask(block, kSelf ? block : constants, kPredicate);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(selection + selected), _mm256_maskz_compress_epi32(matches, rows));
    selected += __builtin_popcount(matches);
    rows = _mm256_add_epi32(rows, _mm256_set1_epi32(8));
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

const CompareKernels kCompareAvx512 = {&Select32, &Select64,    &Bitmap32,      &Bitmap64,
                                       &Intersect, &SelectInt64, &SelectFloat64};

}  // namespace tessera::simd
