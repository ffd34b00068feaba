// SPDX-License-Identifier: Apache-2.0
#include "engine/statistics.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "engine/aggregate.h"
#include "engine/catalog.h"
#include "storage/hash.h"

namespace tessera::engine {

void DistinctSketch::Add(uint64_t hash) {
  // Mixed once more: HashCell's hashes of some types (numeric) do not spread their top bits well.
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  const size_t index = hash >> (64 - kIndexBits);
  // The rank of the first 1 bit in the remaining bits (a sentinel bit bounds it).
  const uint64_t rest = (hash << kIndexBits) | (uint64_t{1} << (kIndexBits - 1));
  const uint8_t rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
}

void DistinctSketch::Merge(const DistinctSketch& other) {
  for (size_t index = 0; index < kRegisters; ++index) {
    if (other.registers_[index] > registers_[index]) registers_[index] = other.registers_[index];
  }
}

double DistinctSketch::Estimate() const {
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t value : registers_) {
    sum += std::ldexp(1.0, -value);
    zeros += value == 0;
  }
  const double m = static_cast<double>(kRegisters);
  const double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
  // Few values: linear counting over the empty registers is the better estimate (Flajolet et al.).
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
  return raw;
}

std::string DistinctSketch::Serialize() const { return std::string(registers_.begin(), registers_.end()); }

std::optional<DistinctSketch> DistinctSketch::Deserialize(std::string_view bytes) {
  if (bytes.size() != kRegisters) return std::nullopt;
  DistinctSketch sketch;
  std::memcpy(sketch.registers_.data(), bytes.data(), kRegisters);
  for (uint8_t value : sketch.registers_) {
    if (value > 64 - kIndexBits + 1) return std::nullopt;
  }
  return sketch;
}

double TableStatistics::NullFraction(size_t column) const {
  if (rows == 0) return 0;
  return static_cast<double>(rows - columns[column].non_null) / static_cast<double>(rows);
}

double TableStatistics::DistinctCount(size_t column) const {
  const ColumnStatistics& stats = columns[column];
  if (stats.non_null == 0) return 0;
  // The sketch's estimate, never more than the values it saw nor less than one.
  return std::clamp(std::round(stats.distinct.Estimate()), 1.0, static_cast<double>(stats.non_null));
}

double TableStatistics::Distinct(size_t column) const {
  const double count = DistinctCount(column);
  if (rows == 0 || count <= 0.1 * static_cast<double>(rows)) return count;
  return -std::min(1.0, count / static_cast<double>(rows));
}

int32_t TableStatistics::AverageWidth(size_t column) const {
  const ColumnStatistics& stats = columns[column];
  if (stats.non_null == 0) return 0;
  return static_cast<int32_t>(stats.total_width / static_cast<double>(stats.non_null));  // truncated, as PostgreSQL
}

namespace {

double CellWidth(const Vector& column, idx_t row) {
  if (column.physical_type() != PhysicalType::kString) return static_cast<double>(PhysicalWidth(column.physical_type()));
  const size_t length = column.Data<std::string_view>()[row].size();
  return static_cast<double>(length + (length < 127 ? 1 : 4));  // PostgreSQL's varlena header
}

// A column's running min and max, by its type's min/max aggregates (none for types without an order).
class RangeTracker {
 public:
  explicit RangeTracker(const LogicalType& type) {
    try {
      min_ = FindAggregate("min", {type});
      max_ = FindAggregate("max", {type});
    } catch (const SqlError&) {
      min_ = max_ = nullptr;
    }
    if (min_ == nullptr || max_ == nullptr || GetPhysicalType(min_->arg_types[0]) != GetPhysicalType(type) ||
        GetPhysicalType(min_->return_type) != GetPhysicalType(type)) {
      min_ = max_ = nullptr;
      return;
    }
    min_state_.resize(min_->state_size);
    max_state_.resize(max_->state_size);
    min_->initialize(min_state_.data());
    max_->initialize(max_state_.data());
  }
  ~RangeTracker() {
    if (min_ != nullptr && min_->destroy) min_->destroy(min_state_.data());
    if (max_ != nullptr && max_->destroy) max_->destroy(max_state_.data());
  }
  RangeTracker(const RangeTracker&) = delete;
  RangeTracker& operator=(const RangeTracker&) = delete;

  void Add(const Vector& column, idx_t count) {
    if (min_ == nullptr) return;
    std::vector<uint8_t*> states(count, min_state_.data());
    min_->update(states.data(), {column}, count);
    states.assign(count, max_state_.data());
    max_->update(states.data(), {column}, count);
  }

  void Finish(const LogicalType& type, Value* min, Value* max) {
    if (min_ == nullptr) return;
    *min = Final(*min_, min_state_, type);
    *max = Final(*max_, max_state_, type);
  }

 private:
  static Value Final(const AggregateFunction& function, std::vector<uint8_t>& state, const LogicalType& type) {
    Vector result(type);
    result.Resize(1);
    function.finalize(state.data(), result, 0);
    return result.GetValue(0);
  }

  const AggregateFunction* min_ = nullptr;
  const AggregateFunction* max_ = nullptr;
  std::vector<uint8_t> min_state_;
  std::vector<uint8_t> max_state_;
};

}  // namespace

std::shared_ptr<const TableStatistics> StatisticsStore::Find(uint32_t oid) const {
  std::lock_guard lock(mutex_);
  auto found = by_oid_.find(oid);
  return found == by_oid_.end() ? nullptr : found->second.statistics;
}

void StatisticsStore::Set(uint32_t oid, std::shared_ptr<const TableStatistics> statistics) {
  std::lock_guard lock(mutex_);
  if (!statistics) {
    by_oid_.erase(oid);
    return;
  }
  by_oid_[oid] = Entry{std::move(statistics), true, 0};
}

void StatisticsStore::NoteCreated(uint32_t oid) {
  std::lock_guard lock(mutex_);
  by_oid_[oid] = Entry{nullptr, true, 0};
}

void StatisticsStore::NoteWritten(uint32_t oid, int64_t rows) {
  std::lock_guard lock(mutex_);
  by_oid_[oid].written_since += rows;
}

std::optional<double> StatisticsStore::Rows(uint32_t oid) const {
  std::lock_guard lock(mutex_);
  auto found = by_oid_.find(oid);
  if (found == by_oid_.end() || !found->second.rows_known) return std::nullopt;
  const int64_t analyzed = found->second.statistics ? found->second.statistics->rows : 0;
  return static_cast<double>(std::max<int64_t>(0, analyzed + found->second.written_since));
}

std::optional<double> EstimatedRows(const StatisticsStore& statistics, const RelationInfo& table) {
  if (table.placement.empty() && table.data) return static_cast<double>(table.data->CountLiveRows());
  return statistics.Rows(table.oid);
}

void TableStatistics::Merge(const TableStatistics& other) {
  rows += other.rows;
  if (columns.empty()) columns.resize(other.columns.size());
  for (size_t column = 0; column < columns.size() && column < other.columns.size(); ++column) {
    ColumnStatistics& into = columns[column];
    const ColumnStatistics& from = other.columns[column];
    into.non_null += from.non_null;
    into.total_width += from.total_width;
    into.distinct.Merge(from.distinct);
    if (from.min.is_null()) continue;
    if (into.min.is_null()) {
      into.min = from.min;
      into.max = from.max;
      continue;
    }
    // The smaller of the minima and the larger of the maxima, by the column type's min/max aggregates.
    Vector bounds(from.min.type());
    for (const Value& bound : {into.min, from.min, into.max, from.max}) bounds.AppendValue(bound);
    RangeTracker range(from.min.type());
    range.Add(bounds, bounds.size());
    range.Finish(from.min.type(), &into.min, &into.max);
  }
}

TableStatistics ComputeStatistics(const storage::TableData& data, const storage::Snapshot& snapshot,
                                  const std::vector<LogicalType>& types) {
  TableStatistics stats;
  stats.columns.resize(types.size());
  std::vector<std::unique_ptr<RangeTracker>> ranges;
  std::vector<int> column_ids;
  for (size_t column = 0; column < types.size(); ++column) {
    ranges.push_back(std::make_unique<RangeTracker>(types[column]));
    column_ids.push_back(static_cast<int>(column));
  }
  for (int partition = 0; partition < data.num_partitions(); ++partition) {
    storage::ScanPosition position;
    Batch batch;
    while (data.Scan(partition, position, column_ids, snapshot, &batch, nullptr)) {
      stats.rows += static_cast<int64_t>(batch.num_rows);
      for (size_t column = 0; column < types.size(); ++column) {
        const Vector& values = batch.columns[column];
        ColumnStatistics& into = stats.columns[column];
        for (idx_t row = 0; row < batch.num_rows; ++row) {
          if (values.IsNull(row)) continue;
          ++into.non_null;
          into.total_width += CellWidth(values, row);
          into.distinct.Add(storage::HashCell(values, row));
        }
        ranges[column]->Add(values, batch.num_rows);
      }
    }
  }
  for (size_t column = 0; column < types.size(); ++column) {
    ranges[column]->Finish(types[column], &stats.columns[column].min, &stats.columns[column].max);
  }
  return stats;
}

}  // namespace tessera::engine
