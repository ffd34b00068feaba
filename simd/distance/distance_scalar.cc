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

}  // namespace

const DistanceKernels kDistanceScalar = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                         &InnerProductMany, &SquaredL2Many, &CosinePartsMany};

}  // namespace tessera::simd
