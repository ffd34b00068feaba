// SPDX-License-Identifier: Apache-2.0
// SortOrder: the order in which a table's sort key (CREATE TABLE ... WITH (sort_key = 'a, b')) lays out
// the rows of a frozen segment, so that each row group's min/max covers a narrow range of the key and
// range predicates on it skip most row groups.
//
// The order only decides where rows sit in a file, never what a query returns, so any total order
// would be correct; this one is the natural one of each physical type (numbers by value, strings by
// bytes, as the "C" collation), ascending, NULLs last, ties in row order.
#pragma once

#include <vector>

#include "base/vector.h"

namespace tessera::storage {

// The rows of `columns` (all of equal length) ordered by the columns `keys`: entry k is the row that
// sorts k-th. Key indexes out of range are ignored.
std::vector<sel_t> SortOrder(const std::vector<Vector>& columns, const std::vector<int>& keys);

}  // namespace tessera::storage
