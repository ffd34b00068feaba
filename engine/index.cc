// SPDX-License-Identifier: Apache-2.0
// Ordered in-memory index and the value order it uses.
#include "engine/index.h"

#include <algorithm>
#include <cmath>

#include "base/vector_value.h"

namespace tessera::engine {

int CompareValues(const Value& left, const Value& right) {
  if (left.is_null() || right.is_null()) {
    if (left.is_null() && right.is_null()) return 0;
    return left.is_null() ? 1 : -1;  // NULLs sort last
  }
  auto three_way = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (GetPhysicalType(left.type())) {
    case PhysicalType::kBool:
      return three_way(left.GetBool(), right.GetBool());
    case PhysicalType::kInt16:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return three_way(left.GetInt(), right.GetInt());
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64: {
      const double a = left.GetDouble();
      const double b = right.GetDouble();
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? (std::isnan(b) ? 0 : 1) : -1;
      return three_way(a, b);
    }
    case PhysicalType::kDecimal:
      return Decimal::Compare(left.GetDecimal(), right.GetDecimal());
    case PhysicalType::kString:
      if (left.type().id == TypeId::kVector) return CompareVectors(left.GetString(), right.GetString());
      return three_way(left.GetString(), right.GetString());
    case PhysicalType::kInterval:
      return datetime::CompareIntervals(left.GetInterval(), right.GetInterval());
    case PhysicalType::kUuid:
      return three_way(left.GetUuid(), right.GetUuid());
    case PhysicalType::kInvalid:
      break;
  }
  return 0;
}

bool IndexKeyLess::operator()(const std::vector<Value>& left, const std::vector<Value>& right) const {
  const size_t count = std::min(left.size(), right.size());
  for (size_t index = 0; index < count; ++index) {
    const int order = CompareValues(left[index], right[index]);
    if (order != 0) return order < 0;
  }
  return left.size() < right.size();
}

namespace {

bool HasPrefix(const std::vector<Value>& key, const std::vector<Value>& prefix) {
  if (key.size() < prefix.size()) return false;
  for (size_t index = 0; index < prefix.size(); ++index) {
    if (CompareValues(key[index], prefix[index]) != 0) return false;
  }
  return true;
}

}  // namespace

void Index::Insert(const std::vector<Value>& key, storage::RowId row) {
  std::lock_guard lock(mutex_);
  entries_.emplace(key, row);
}

std::optional<storage::RowId> Index::InsertUnique(const std::vector<Value>& key, storage::RowId row,
                                                  const std::function<bool(storage::RowId)>& may_hold) {
  std::lock_guard lock(mutex_);
  const bool has_null = std::any_of(key.begin(), key.end(), [](const Value& value) { return value.is_null(); });
  if (!has_null) {
    auto [begin, end] = entries_.equal_range(key);
    for (auto it = begin; it != end; ++it) {
      if (may_hold(it->second)) return it->second;
    }
  }
  entries_.emplace(key, row);
  return std::nullopt;
}

void Index::Erase(const std::vector<Value>& key, storage::RowId row) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = entries_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second == row) {
      entries_.erase(it);
      return;
    }
  }
}

std::vector<storage::RowId> Index::Lookup(const std::vector<Value>& key) const {
  for (const auto& value : key) {
    if (value.is_null()) return {};
  }
  std::lock_guard lock(mutex_);
  std::vector<storage::RowId> rows;
  // A shorter key orders before every longer key it prefixes, so lower_bound finds the first entry that
  // starts with `key`; the entries with that prefix follow it.
  for (auto it = entries_.lower_bound(key); it != entries_.end(); ++it) {
    if (!HasPrefix(it->first, key)) break;
    rows.push_back(it->second);
  }
  return rows;
}

std::vector<storage::RowId> Index::Range(const std::optional<Value>& lower, bool lower_inclusive,
                                         const std::optional<Value>& upper, bool upper_inclusive) const {
  std::lock_guard lock(mutex_);
  std::vector<storage::RowId> rows;
  auto it = lower ? entries_.lower_bound({*lower}) : entries_.begin();
  for (; it != entries_.end(); ++it) {
    const Value& first = it->first[0];
    if (first.is_null()) break;
    if (lower && !lower_inclusive && CompareValues(first, *lower) == 0) continue;
    if (upper) {
      const int order = CompareValues(first, *upper);
      if (order > 0 || (order == 0 && !upper_inclusive)) break;
    }
    rows.push_back(it->second);
  }
  return rows;
}

void Index::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t Index::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ForEachIndexKey(const storage::TableData& data, const std::vector<int>& columns,
                     const std::function<void(const std::vector<Value>& key, storage::RowId row)>& visit) {
  for (int partition = 0; partition < data.num_partitions(); ++partition) {
    storage::ScanPosition position;
    Batch batch;
    std::vector<storage::RowId> ids;
    while (data.Scan(partition, position, columns, storage::Snapshot::AllVersions(), &batch, &ids)) {
      std::vector<Value> key(columns.size());
      for (idx_t row = 0; row < batch.num_rows; ++row) {
        for (size_t column = 0; column < columns.size(); ++column) key[column] = batch.columns[column].GetValue(row);
        visit(key, ids[row]);
      }
    }
  }
}

}  // namespace tessera::engine
