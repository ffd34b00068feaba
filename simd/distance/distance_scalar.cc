// SPDX-License-Identifier: Apache-2.0
// The reference distances: the plainest loops in distance.h's summation order (element i into lane i % 8).
#include <cstring>

#include "simd/distance/distance_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 8;

float Load(const void* vector, size_t index) {
  float value;
  std::memcpy(&value, static_cast<const char*>(vector) + index * sizeof(float), sizeof(float));
  return value;
}

float Combine(const float (&lanes)[kLanes]) {
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}

float InnerProduct(const void* a, const void* b, size_t dimensions) {
  float lanes[kLanes] = {};
  for (size_t index = 0; index < dimensions; ++index) lanes[index % kLanes] += Load(a, index) * Load(b, index);
  return Combine(lanes);
}

float SquaredL2(const void* a, const void* b, size_t dimensions) {
  float lanes[kLanes] = {};
  for (size_t index = 0; index < dimensions; ++index) {
    const float difference = Load(a, index) - Load(b, index);
    lanes[index % kLanes] += difference * difference;
  }
  return Combine(lanes);
}

CosineSums CosineParts(const void* a, const void* b, size_t dimensions) {
  float dot[kLanes] = {}, norm_a[kLanes] = {}, norm_b[kLanes] = {};
  for (size_t index = 0; index < dimensions; ++index) {
    const float x = Load(a, index), y = Load(b, index);
    dot[index % kLanes] += x * y;
    norm_a[index % kLanes] += x * x;
    norm_b[index % kLanes] += y * y;
  }
  return {Combine(dot), Combine(norm_a), Combine(norm_b)};
}

void InnerProductMany(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  for (size_t row = 0; row < count; ++row) out[row] = InnerProduct(query, rows[row], dimensions);
}

void SquaredL2Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  for (size_t row = 0; row < count; ++row) out[row] = SquaredL2(query, rows[row], dimensions);
}

void CosinePartsMany(const void* query, const void* const* rows, size_t count, size_t dimensions, CosineSums* out) {
  for (size_t row = 0; row < count; ++row) out[row] = CosineParts(query, rows[row], dimensions);
}

void SketchDots(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out) {
  constexpr size_t kHalf = kSketchBlockDimensions / 2;
  for (size_t row = 0; row < count; ++row) {
    int32_t sum = 0;
    for (size_t block = 0; block < blocks; ++block) {
      const uint8_t* bytes = nibbles + (row * blocks + block) * kSketchBlockBytes;
      const int8_t* codes = query + block * kSketchBlockDimensions;
      for (size_t byte = 0; byte < kSketchBlockBytes; ++byte) {
        sum += ((bytes[byte] & 15) - 8) * codes[byte] + ((bytes[byte] >> 4) - 8) * codes[kHalf + byte];
      }
    }
    out[row] = sum;
  }
}


float SketchBound(int32_t dot, float scale, float residual, float norm, const SketchTerms& terms) {
  float value = terms.dot * (scale * static_cast<float>(dot));
  value = value + terms.constant;
  value = value + terms.residual * residual;
  value = value + terms.norm * norm;
  return value + terms.norm_squared * (norm * norm);
}

void SketchBounds(const int32_t* dots, const float* scales, const float* residuals, const float* norms, size_t count,
                  const SketchTerms& terms, float* out) {
  for (size_t row = 0; row < count; ++row) out[row] = SketchBound(dots[row], scales[row], residuals[row], norms[row], terms);
}

}  // namespace

const DistanceKernels kDistanceScalar = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                         &InnerProductMany, &SquaredL2Many, &CosinePartsMany,
                                         &SketchDots,                 &SketchBounds};

}  // namespace tessera::simd
