// SPDX-License-Identifier: Apache-2.0
// The simd filter kernels' name for a scan filter's comparison (storage/chunk_predicate.h CompareOp).
#pragma once

#include "simd/filter/compare_kernels.h"
#include "storage/chunk_predicate.h"

namespace tessera::storage {

inline simd::Comparison KernelComparison(CompareOp op) {
  switch (op) {
    case CompareOp::kEqual: return simd::Comparison::kEqual;
    case CompareOp::kNotEqual: return simd::Comparison::kNotEqual;
    case CompareOp::kLess: return simd::Comparison::kLess;
    case CompareOp::kLessEqual: return simd::Comparison::kLessEqual;
    case CompareOp::kGreater: return simd::Comparison::kGreater;
    case CompareOp::kGreaterEqual: return simd::Comparison::kGreaterEqual;
  }
  return simd::Comparison::kEqual;
}

}  // namespace tessera::storage
