// SPDX-License-Identifier: Apache-2.0
// Scalar loops of the vector distance functions, in the summation order vector_math.h defines.
#include "engine/function/vector_math.h"

#include <cmath>
#include <cstring>

namespace tessera::engine::vector_math {
namespace {

float Load(const char* payload, size_t index) {
  float value;
  std::memcpy(&value, payload + index * sizeof(float), sizeof(float));
  return value;
}

float CombineLanes(const float (&lanes)[kVectorLanes]) {
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}

// Adds term(i) into lane i % kVectorLanes for every element, whole blocks of lanes first.
template <typename Term>
float LaneSum(size_t dimensions, Term term) {
  float lanes[kVectorLanes] = {};
  size_t index = 0;
  for (; index + kVectorLanes <= dimensions; index += kVectorLanes) {
    for (size_t lane = 0; lane < kVectorLanes; ++lane) lanes[lane] += term(index + lane);
  }
  for (size_t lane = 0; index < dimensions; ++index, ++lane) lanes[lane] += term(index);
  return CombineLanes(lanes);
}

}  // namespace

float InnerProduct(const char* a, const char* b, size_t dimensions) {
  return LaneSum(dimensions, [a, b](size_t index) { return Load(a, index) * Load(b, index); });
}

float SquaredL2Distance(const char* a, const char* b, size_t dimensions) {
  return LaneSum(dimensions, [a, b](size_t index) {
    const float difference = Load(a, index) - Load(b, index);
    return difference * difference;
  });
}

CosineSums CosineParts(const char* a, const char* b, size_t dimensions) {
  float dot[kVectorLanes] = {};
  float norm_a[kVectorLanes] = {};
  float norm_b[kVectorLanes] = {};
  const auto add = [&](size_t index, size_t lane) {
    const float x = Load(a, index);
    const float y = Load(b, index);
    dot[lane] += x * y;
    norm_a[lane] += x * x;
    norm_b[lane] += y * y;
  };
  size_t index = 0;
  for (; index + kVectorLanes <= dimensions; index += kVectorLanes) {
    for (size_t lane = 0; lane < kVectorLanes; ++lane) add(index + lane, lane);
  }
  for (size_t lane = 0; index < dimensions; ++index, ++lane) add(index, lane);
  return CosineSums{CombineLanes(dot), CombineLanes(norm_a), CombineLanes(norm_b)};
}

double VectorNorm(const char* a, size_t dimensions) {
  double sum = 0;
  for (size_t index = 0; index < dimensions; ++index) {
    const double value = Load(a, index);
    sum += value * value;
  }
  return std::sqrt(sum);
}

}  // namespace tessera::engine::vector_math
