// SPDX-License-Identifier: Apache-2.0
// AVX2 bit-unpacking. Eight values of width w occupy exactly w bytes, so within a group of eight the byte
// offset and bit shift of each value are the same for every group. Each 128-bit lane loads 16 bytes at
// the first byte of its values, a byte shuffle moves each value's bytes into its own element, and a
// variable shift and a mask finish it. Built with -mavx2 -mbmi2; called only when the CPU has them.
#include <immintrin.h>

#include <algorithm>

#include "simd/bitunpack/bitunpack_kernels.h"

namespace tessera::simd {
namespace {

constexpr int kMaxVectorWidth = 56;  // a value plus its bit shift must fit one 64-bit element

// Where value k (0..7) of a group of eight starts: byte offset and bit shift from the group's first byte.
struct GroupLayout {
  int byte[8];
  int shift[8];

  explicit GroupLayout(int width) {
    for (int k = 0; k < 8; ++k) {
      byte[k] = k * width / 8;
      shift[k] = k * width % 8;
    }
  }
};

size_t StreamBytes(size_t num_values, int width) { return (num_values * width + 63) / 64 * 8; }

// Returns the shuffle that puts values `first_value` .. +1 of the low lane (loaded at byte[first_value])
// and +2 .. +3 of the high lane (loaded at byte[first_value + 2]) into 64-bit elements.
__m256i Shuffle64(const GroupLayout& layout, int first_value) {
  alignas(32) uint8_t control[32];
  for (int element = 0; element < 4; ++element) {
    const int value = first_value + element;
    const int lane_base = layout.byte[first_value + (element / 2) * 2];
    for (int j = 0; j < 8; ++j) control[element * 8 + j] = static_cast<uint8_t>(layout.byte[value] - lane_base + j);
  }
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(control));
}

// Same for 32-bit elements: values 0..3 in the low lane (loaded at byte[0]), 4..7 in the high lane.
__m256i Shuffle32(const GroupLayout& layout) {
  alignas(32) uint8_t control[32];
  for (int value = 0; value < 8; ++value) {
    const int lane_base = layout.byte[value / 4 * 4];
    for (int j = 0; j < 4; ++j) control[value * 4 + j] = static_cast<uint8_t>(layout.byte[value] - lane_base + j);
  }
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(control));
}

__m256i LoadLanes(const uint8_t* low, const uint8_t* high) {
  const __m128i low_lane = _mm_loadu_si128(reinterpret_cast<const __m128i*>(low));
  const __m128i high_lane = _mm_loadu_si128(reinterpret_cast<const __m128i*>(high));
  return _mm256_inserti128_si256(_mm256_castsi128_si256(low_lane), high_lane, 1);
}

// Unpacks the groups of eight from value `start` (a multiple of 8) on whose loads stay inside the
// stream, into `out` (value `start` goes to out[0]). Returns the number of values written.
template <typename Store>
size_t UnpackGroups(const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, int width,
                    const GroupLayout& layout, Store store) {
  size_t value = start;
  for (; value + 8 <= end; value += 8) {
    const size_t group_byte = value / 8 * width;
    if (group_byte + layout.byte[6] + 16 > stream_bytes) break;
    store(bytes + group_byte, value - start);
  }
  return value - start;
}

template <typename Out, typename VectorLoop>
void UnpackWithHeadAndTail(const void* words, size_t first, size_t count, int width, Out* out,
                           void (*scalar)(const void*, size_t, size_t, int, Out*), VectorLoop vector_loop) {
  const size_t head = std::min(count, (8 - first % 8) % 8);
  scalar(words, first, head, width, out);
  const size_t start = first + head;
  const size_t done = vector_loop(static_cast<const uint8_t*>(words), start, first + count,
                                  StreamBytes(first + count, width), out + head);
  scalar(words, start + done, count - head - done, width, out + head + done);
}

void Unpack64(const void* words, size_t first, size_t count, int width, uint64_t* out) {
  if (width == 0 || width > kMaxVectorWidth) return kBitUnpackScalar.unpack64(words, first, count, width, out);
  const GroupLayout layout(width);
  const __m256i shuffle_low = Shuffle64(layout, 0);
  const __m256i shuffle_high = Shuffle64(layout, 4);
  const __m256i shift_low = _mm256_setr_epi64x(layout.shift[0], layout.shift[1], layout.shift[2], layout.shift[3]);
  const __m256i shift_high = _mm256_setr_epi64x(layout.shift[4], layout.shift[5], layout.shift[6], layout.shift[7]);
  const __m256i mask = _mm256_set1_epi64x(static_cast<int64_t>((uint64_t{1} << width) - 1));
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint64_t* group_out) {
    return UnpackGroups(bytes, start, end, stream_bytes, width, layout, [&](const uint8_t* group, size_t offset) {
      const __m256i low = LoadLanes(group, group + layout.byte[2]);
      const __m256i high = LoadLanes(group + layout.byte[4], group + layout.byte[6]);
      const __m256i values_low =
          _mm256_and_si256(_mm256_srlv_epi64(_mm256_shuffle_epi8(low, shuffle_low), shift_low), mask);
      const __m256i values_high =
          _mm256_and_si256(_mm256_srlv_epi64(_mm256_shuffle_epi8(high, shuffle_high), shift_high), mask);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(group_out + offset), values_low);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(group_out + offset + 4), values_high);
    });
  };
  UnpackWithHeadAndTail(words, first, count, width, out, kBitUnpackScalar.unpack64, loop);
}

// Widths 26..32: a value plus its shift may pass 32 bits, so unpack as 64-bit elements and narrow.
void Unpack32Wide(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  const GroupLayout layout(width);
  const __m256i shuffle_low = Shuffle64(layout, 0);
  const __m256i shuffle_high = Shuffle64(layout, 4);
  const __m256i shift_low = _mm256_setr_epi64x(layout.shift[0], layout.shift[1], layout.shift[2], layout.shift[3]);
  const __m256i shift_high = _mm256_setr_epi64x(layout.shift[4], layout.shift[5], layout.shift[6], layout.shift[7]);
  const __m256i mask = _mm256_set1_epi64x(static_cast<int64_t>((uint64_t{1} << width) - 1));
  const __m256i even_elements = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint32_t* group_out) {
    return UnpackGroups(bytes, start, end, stream_bytes, width, layout, [&](const uint8_t* group, size_t offset) {
      const __m256i low = LoadLanes(group, group + layout.byte[2]);
      const __m256i high = LoadLanes(group + layout.byte[4], group + layout.byte[6]);
      const __m256i values_low =
          _mm256_and_si256(_mm256_srlv_epi64(_mm256_shuffle_epi8(low, shuffle_low), shift_low), mask);
      const __m256i values_high =
          _mm256_and_si256(_mm256_srlv_epi64(_mm256_shuffle_epi8(high, shuffle_high), shift_high), mask);
      const __m256i narrow_low = _mm256_permutevar8x32_epi32(values_low, even_elements);
      const __m256i narrow_high = _mm256_permutevar8x32_epi32(values_high, even_elements);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(group_out + offset),
                          _mm256_permute2x128_si256(narrow_low, narrow_high, 0x20));
    });
  };
  UnpackWithHeadAndTail(words, first, count, width, out, kBitUnpackScalar.unpack32, loop);
}

void Unpack32(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  if (width == 0) return kBitUnpackScalar.unpack32(words, first, count, width, out);
  if (width > 25) return Unpack32Wide(words, first, count, width, out);
  const GroupLayout layout(width);
  const __m256i shuffle = Shuffle32(layout);
  const __m256i shift = _mm256_setr_epi32(layout.shift[0], layout.shift[1], layout.shift[2], layout.shift[3],
                                          layout.shift[4], layout.shift[5], layout.shift[6], layout.shift[7]);
  const __m256i mask = _mm256_set1_epi32(static_cast<int32_t>((uint32_t{1} << width) - 1));
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint32_t* group_out) {
    return UnpackGroups(bytes, start, end, stream_bytes, width, layout, [&](const uint8_t* group, size_t offset) {
      const __m256i lanes = LoadLanes(group, group + layout.byte[4]);
      const __m256i values = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(lanes, shuffle), shift), mask);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(group_out + offset), values);
    });
  };
  UnpackWithHeadAndTail(words, first, count, width, out, kBitUnpackScalar.unpack32, loop);
}

// Values below 2^52 become doubles exactly by setting the exponent of 2^52 above them and subtracting
// 2^52; adding the reference (|reference| <= 2^52) is then exact too, so the division rounds once, as
// the scalar loop's does.
void UnpackDecimal(const void* words, size_t first, size_t count, int width, int64_t reference, double divisor,
                   double* out) {
  constexpr size_t kBlock = 512;
  alignas(32) uint64_t values[kBlock];
  const __m256i exponent = _mm256_set1_epi64x(0x4330000000000000ll);
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256d base = _mm256_set1_pd(static_cast<double>(reference));
  const __m256d scale = _mm256_set1_pd(divisor);
  for (size_t done = 0; done < count;) {
    const size_t block = std::min(kBlock, count - done);
    Unpack64(words, first + done, block, width, values);
    size_t index = 0;
    for (; index + 4 <= block; index += 4) {
      const __m256i bits = _mm256_or_si256(_mm256_load_si256(reinterpret_cast<const __m256i*>(values + index)), exponent);
      const __m256d value = _mm256_add_pd(_mm256_sub_pd(_mm256_castsi256_pd(bits), two52), base);
      _mm256_storeu_pd(out + done + index, _mm256_div_pd(value, scale));
    }
    for (; index < block; ++index) {
      out[done + index] = static_cast<double>(reference + static_cast<int64_t>(values[index])) / divisor;
    }
    done += block;
  }
}

}  // namespace

const BitUnpackKernels kBitUnpackAvx2 = {&Unpack64, &Unpack32, &UnpackDecimal};

}  // namespace tessera::simd
