// SPDX-License-Identifier: Apache-2.0
// Sorting rows of column vectors by key columns, for segment layout.
#include "storage/sort_order.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/uuid.h"

namespace tessera::storage {
namespace {

// Three-way comparison of two rows of one column: NULLs after every value.
int CompareRows(const Vector& column, sel_t a, sel_t b) {
  const bool a_null = column.IsNull(a);
  const bool b_null = column.IsNull(b);
  if (a_null || b_null) return static_cast<int>(a_null) - static_cast<int>(b_null);
  auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  // NaN after every other number, as PostgreSQL orders it (and a strict weak order for the sort).
  auto three_way_float = [&](auto x, auto y) {
    if (std::isnan(x) || std::isnan(y)) return static_cast<int>(std::isnan(x)) - static_cast<int>(std::isnan(y));
    return three_way(x, y);
  };
  switch (column.physical_type()) {
    case PhysicalType::kBool:
      return three_way(column.Data<uint8_t>()[a], column.Data<uint8_t>()[b]);
    case PhysicalType::kInt16:
      return three_way(column.Data<int16_t>()[a], column.Data<int16_t>()[b]);
    case PhysicalType::kInt32:
      return three_way(column.Data<int32_t>()[a], column.Data<int32_t>()[b]);
    case PhysicalType::kInt64:
      return three_way(column.Data<int64_t>()[a], column.Data<int64_t>()[b]);
    case PhysicalType::kFloat32:
      return three_way_float(column.Data<float>()[a], column.Data<float>()[b]);
    case PhysicalType::kFloat64:
      return three_way_float(column.Data<double>()[a], column.Data<double>()[b]);
    case PhysicalType::kDecimal:
      return Decimal::Compare(column.Data<Decimal>()[a], column.Data<Decimal>()[b]);
    case PhysicalType::kString:
      return column.GetString(a).compare(column.GetString(b));
    case PhysicalType::kInterval:
      return datetime::CompareIntervals(column.Data<Interval>()[a], column.Data<Interval>()[b]);
    case PhysicalType::kUuid:
      return three_way(column.Data<Uuid>()[a], column.Data<Uuid>()[b]);
    case PhysicalType::kInvalid:
      return 0;
  }
  return 0;
}

}  // namespace

std::vector<sel_t> SortOrder(const std::vector<Vector>& columns, const std::vector<int>& keys) {
  const idx_t rows = columns.empty() ? 0 : columns.front().size();
  std::vector<sel_t> order(rows);
  std::iota(order.begin(), order.end(), sel_t{0});
  std::vector<const Vector*> key_columns;
  for (int key : keys) {
    if (key >= 0 && static_cast<size_t>(key) < columns.size()) key_columns.push_back(&columns[key]);
  }
  if (key_columns.empty()) return order;
  std::stable_sort(order.begin(), order.end(), [&](sel_t a, sel_t b) {
    for (const Vector* column : key_columns) {
      if (int order_ab = CompareRows(*column, a, b); order_ab != 0) return order_ab < 0;
    }
    return false;
  });
  return order;
}

}  // namespace tessera::storage
