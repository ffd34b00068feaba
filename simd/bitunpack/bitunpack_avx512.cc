// SPDX-License-Identifier: Apache-2.0
// AVX-512 bit-unpacking, the AVX2 method (bitunpack_avx2.cc) on four 128-bit lanes: eight values of width
// w occupy exactly w bytes, each lane loads 16 bytes at the first byte of its values, a byte shuffle moves
// each value into its element, a variable shift and a mask finish it. Built with -mavx512f -mavx512bw
// -mavx512vl -mavx2 -mbmi2; called only when the CPU has them.
#include <immintrin.h>

#include <algorithm>

#include "simd/bitunpack/bitunpack_kernels.h"

namespace tessera::simd {
namespace {

constexpr int kMaxVectorWidth = 56;  // a value plus its bit shift must fit one 64-bit element

// Where value k (0..15) of two groups of eight starts: byte offset and bit shift from the first byte.
struct PairLayout {
  int byte[16];
  int shift[16];

  explicit PairLayout(int width) {
    for (int k = 0; k < 16; ++k) {
      byte[k] = k * width / 8;
      shift[k] = k * width % 8;
    }
  }
};

size_t StreamBytes(size_t num_values, int width) { return (num_values * width + 63) / 64 * 8; }

// Returns the shuffle for `values_per_lane` elements of `element_bytes` bytes in each of the four lanes,
// where lane L is loaded at byte[L * values_per_lane].
__m512i Shuffle(const PairLayout& layout, int values_per_lane, int element_bytes) {
  alignas(64) uint8_t control[64];
  for (int value = 0; value < 4 * values_per_lane; ++value) {
    const int lane_base = layout.byte[value / values_per_lane * values_per_lane];
    for (int j = 0; j < element_bytes; ++j) {
      control[value * element_bytes + j] = static_cast<uint8_t>(layout.byte[value] - lane_base + j);
    }
  }
  return _mm512_load_si512(control);
}

__m512i Shift64(const PairLayout& layout) {
  return _mm512_setr_epi64(layout.shift[0], layout.shift[1], layout.shift[2], layout.shift[3], layout.shift[4],
                           layout.shift[5], layout.shift[6], layout.shift[7]);
}

__m512i LoadLanes(const uint8_t* group, const int* lane_offsets) {
  const auto lane = [&](int index) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(group + lane_offsets[index]));
  };
  __m512i lanes = _mm512_castsi128_si512(lane(0));
  lanes = _mm512_inserti32x4(lanes, lane(1), 1);
  lanes = _mm512_inserti32x4(lanes, lane(2), 2);
  return _mm512_inserti32x4(lanes, lane(3), 3);
}

// Runs `store(group_bytes, out_offset)` for each block of `block` values (a multiple of 8) from value
// `start` (a multiple of 8) whose loads, ending `read_end` bytes past the block's first byte, stay inside
// the stream. Returns the number of values done; the caller finishes the rest with the scalar loop.
template <typename Store>
size_t UnpackBlocks(const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, int width, size_t block,
                    size_t read_end, Store store) {
  size_t value = start;
  for (; value + block <= end; value += block) {
    const size_t block_byte = value / 8 * width;
    if (block_byte + read_end > stream_bytes) break;
    store(bytes + block_byte, value - start);
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
  const PairLayout layout(width);
  const int lane_offsets[4] = {layout.byte[0], layout.byte[2], layout.byte[4], layout.byte[6]};
  const __m512i shuffle = Shuffle(layout, 2, 8);
  const __m512i shift = Shift64(layout);
  const __m512i mask = _mm512_set1_epi64(static_cast<int64_t>((uint64_t{1} << width) - 1));
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint64_t* block_out) {
    return UnpackBlocks(
        bytes, start, end, stream_bytes, width, 8, lane_offsets[3] + 16, [&](const uint8_t* group, size_t offset) {
          const __m512i lanes = LoadLanes(group, lane_offsets);
          const __m512i values = _mm512_and_si512(_mm512_srlv_epi64(_mm512_shuffle_epi8(lanes, shuffle), shift), mask);
          _mm512_storeu_si512(block_out + offset, values);
        });
  };
  UnpackWithHeadAndTail(words, first, count, width, out, kBitUnpackScalar.unpack64, loop);
}

// Widths 26..32: a value plus its shift may pass 32 bits, so unpack as 64-bit elements and narrow.
void Unpack32Wide(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  const PairLayout layout(width);
  const int lane_offsets[4] = {layout.byte[0], layout.byte[2], layout.byte[4], layout.byte[6]};
  const __m512i shuffle = Shuffle(layout, 2, 8);
  const __m512i shift = Shift64(layout);
  const __m512i mask = _mm512_set1_epi64(static_cast<int64_t>((uint64_t{1} << width) - 1));
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint32_t* block_out) {
    return UnpackBlocks(
        bytes, start, end, stream_bytes, width, 8, lane_offsets[3] + 16, [&](const uint8_t* group, size_t offset) {
          const __m512i lanes = LoadLanes(group, lane_offsets);
          const __m512i values = _mm512_and_si512(_mm512_srlv_epi64(_mm512_shuffle_epi8(lanes, shuffle), shift), mask);
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(block_out + offset), _mm512_cvtepi64_epi32(values));
        });
  };
  UnpackWithHeadAndTail(words, first, count, width, out, kBitUnpackScalar.unpack32, loop);
}

void Unpack32(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  if (width == 0) return kBitUnpackScalar.unpack32(words, first, count, width, out);
  if (width > 25) return Unpack32Wide(words, first, count, width, out);
  const PairLayout layout(width);
  const int lane_offsets[4] = {layout.byte[0], layout.byte[4], layout.byte[8], layout.byte[12]};
  const __m512i shuffle = Shuffle(layout, 4, 4);
  const __m512i shift = _mm512_setr_epi32(layout.shift[0], layout.shift[1], layout.shift[2], layout.shift[3],
                                          layout.shift[4], layout.shift[5], layout.shift[6], layout.shift[7],
                                          layout.shift[8], layout.shift[9], layout.shift[10], layout.shift[11],
                                          layout.shift[12], layout.shift[13], layout.shift[14], layout.shift[15]);
  const __m512i mask = _mm512_set1_epi32(static_cast<int32_t>((uint32_t{1} << width) - 1));
  auto loop = [&](const uint8_t* bytes, size_t start, size_t end, size_t stream_bytes, uint32_t* block_out) {
    return UnpackBlocks(
        bytes, start, end, stream_bytes, width, 16, lane_offsets[3] + 16, [&](const uint8_t* group, size_t offset) {
          const __m512i lanes = LoadLanes(group, lane_offsets);
          const __m512i values = _mm512_and_si512(_mm512_srlv_epi32(_mm512_shuffle_epi8(lanes, shuffle), shift), mask);
          _mm512_storeu_si512(block_out + offset, values);
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
  alignas(64) uint64_t values[kBlock];
  const __m512i exponent = _mm512_set1_epi64(0x4330000000000000ll);
  const __m512d two52 = _mm512_set1_pd(4503599627370496.0);
  const __m512d base = _mm512_set1_pd(static_cast<double>(reference));
  const __m512d scale = _mm512_set1_pd(divisor);
  for (size_t done = 0; done < count;) {
    const size_t block = std::min(kBlock, count - done);
    Unpack64(words, first + done, block, width, values);
    size_t index = 0;
    for (; index + 8 <= block; index += 8) {
      const __m512i bits = _mm512_or_si512(_mm512_load_si512(values + index), exponent);
      const __m512d value = _mm512_add_pd(_mm512_sub_pd(_mm512_castsi512_pd(bits), two52), base);
      _mm512_storeu_pd(out + done + index, _mm512_div_pd(value, scale));
    }
    for (; index < block; ++index) {
      out[done + index] = static_cast<double>(reference + static_cast<int64_t>(values[index])) / divisor;
    }
    done += block;
  }
}

}  // namespace

const BitUnpackKernels kBitUnpackAvx512 = {&Unpack64, &Unpack32, &UnpackDecimal};

}  // namespace tessera::simd
