// SPDX-License-Identifier: Apache-2.0
#include "simd/cpu_level.h"

#include <cstdlib>
#include <string_view>

namespace tessera::simd {
namespace {

SimdLevel DetectCpuLevel() {
  __builtin_cpu_init();
  // AVX-512 kernels may also use the AVX2 level's instructions.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("popcnt")) {
    return SimdLevel::kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt")) {
    return SimdLevel::kAvx2;
  }
  return SimdLevel::kScalar;
}

SimdLevel RequestedLevel(SimdLevel detected) {
  const char* requested = std::getenv("TESSERA_SIMD");
  if (requested == nullptr) requested = std::getenv("TESSERA_SIMD_LEVEL");
  if (requested == nullptr) return detected;
  std::string_view name(requested);
  SimdLevel level = detected;
  if (name == "scalar") level = SimdLevel::kScalar;
  if (name == "avx2") level = SimdLevel::kAvx2;
  if (name == "avx512") level = SimdLevel::kAvx512;
  return level < detected ? level : detected;
}

}  // namespace

SimdLevel CpuLevel() {
  static const SimdLevel level = RequestedLevel(DetectCpuLevel());
  return level;
}

const char* SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar: return "scalar";
    case SimdLevel::kAvx2: return "avx2";
    case SimdLevel::kAvx512: return "avx512";
  }
  return "scalar";
}

}  // namespace tessera::simd
