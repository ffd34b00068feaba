// SPDX-License-Identifier: Apache-2.0
// Keys of rows for hashing (group by, join, distinct, set operations) and cell comparison for sorting.
#pragma once

#include <string>
#include <vector>

#include "base/vector.h"

namespace tessera::engine {

// Appends a canonical encoding of one cell: equal SQL values (1.0 and 1.00, -0 and 0, 'a ' and 'a' for
// char(n)) give equal bytes. NULL has its own encoding, so NULLs group together.
void AppendKey(std::string& key, const Vector& vector, idx_t row);
// The key of `row` over `columns`.
std::string RowKey(const std::vector<Vector>& columns, idx_t row);

// Three-way comparison of two non-NULL cells of the same physical type, in SQL order.
int CompareCells(const Vector& left, idx_t left_row, const Vector& right, idx_t right_row);

}  // namespace tessera::engine
