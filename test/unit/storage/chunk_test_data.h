// SPDX-License-Identifier: Apache-2.0
// Random column vectors for chunk tests: every physical type, data shapes the encoders care about,
// edge values and NULL patterns; and a bit-exact row comparison.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/vector.h"

namespace tessera::storage::testing {

enum class Shape { kRandom, kSorted, kConstant, kFewDistinct, kSmallRange };
enum class NullPattern { kNone, kAll, kSome, kLeading };

// The logical types whose physical forms cover every PhysicalType a chunk can hold.
std::vector<LogicalType> ChunkTestTypes();
std::string Describe(const LogicalType& type, Shape shape, NullPattern nulls, size_t rows);

// Builds `rows` values of `type` in `shape` (mixing in the type's edge values where the shape allows)
// with NULLs as `nulls` says.
Vector MakeVector(const LogicalType& type, Shape shape, NullPattern nulls, size_t rows, std::mt19937_64& random);

// True when the rows are both NULL or hold the same bits (floats), fields (numeric value and scale,
// interval) or bytes (strings).
bool SameRow(const Vector& left, idx_t left_row, const Vector& right, idx_t right_row);

}  // namespace tessera::storage::testing
