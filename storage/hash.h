// SPDX-License-Identifier: Apache-2.0
// Hashing of cells for partition routing: equal SQL values of one type hash equal.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/vector.h"

namespace tessera::storage {

uint64_t HashBytes(const void* data, size_t size, uint64_t seed = 0);
// Hash of one cell; NULL hashes to a fixed value.
uint64_t HashCell(const Vector& vector, idx_t row);

}  // namespace tessera::storage
