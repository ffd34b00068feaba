// SPDX-License-Identifier: Apache-2.0
// Table statistics gathered by ANALYZE, for planning: the row count and, per column, the share of NULLs,
// the number of distinct values (a HyperLogLog sketch, so that partitions' and shards' sketches merge
// exactly), min/max and the average width. Shown in pg_class.reltuples, pg_stats and
// tessera.column_statistics; a coordinator merges its workers' per-shard statistics (planner/analyze.cc).
//
// Thread safety: values; Catalog keeps the published ones (shared_ptr<const TableStatistics>).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.h"
#include "storage/table_data.h"

namespace tessera::engine {

struct ExecContext;
struct RelationInfo;

// HyperLogLog with 2^12 registers: about 1.6% standard error, 4 KiB, mergeable register by register.
class DistinctSketch {
 public:
  static constexpr int kIndexBits = 12;
  static constexpr size_t kRegisters = size_t{1} << kIndexBits;

  void Add(uint64_t hash);
  void Merge(const DistinctSketch& other);
  double Estimate() const;
  // The registers as bytes (kRegisters of them), and back; nullopt for bytes of another length.
  std::string Serialize() const;
  static std::optional<DistinctSketch> Deserialize(std::string_view bytes);

 private:
  std::array<uint8_t, kRegisters> registers_{};
};

struct ColumnStatistics {
  int64_t non_null = 0;
  // Bytes of the non-NULL values: strings as PostgreSQL stores them (with a 1- or 4-byte header), other
  // types at their width in memory.
  double total_width = 0;
  DistinctSketch distinct;
  Value min;  // NULL: no non-NULL values, or a type without an order (no min/max aggregate)
  Value max;
};

struct TableStatistics {
  int64_t rows = 0;
  std::vector<ColumnStatistics> columns;  // by table column

  // PostgreSQL's conventions (pg_stats): the fraction of NULLs; distinct values as a count, or as minus
  // the fraction of rows when they are more than a tenth of them (so the estimate scales with the table).
  double NullFraction(size_t column) const;
  double Distinct(size_t column) const;
  int32_t AverageWidth(size_t column) const;
  // Distinct values as a count, for this many rows (Distinct's fraction applied).
  double DistinctCount(size_t column) const;

  // Adds `other`'s rows and values (another partition or shard of the same table).
  void Merge(const TableStatistics& other);
};

// The statistics ANALYZE published, by relation oid. Not versioned with the catalog (new statistics need no
// re-binding) and not kept in checkpoints: after a restart tables are analyzed again.
class StatisticsStore {
 public:
  std::shared_ptr<const TableStatistics> Find(uint32_t oid) const;
  void Set(uint32_t oid, std::shared_ptr<const TableStatistics> statistics);
  // A coordinator's distributed table created just now: its row count is known (0) without ANALYZE.
  void NoteCreated(uint32_t oid);
  // A coordinator's writes to distributed table `oid` (rows added, or removed when negative), so that its
  // row count stays current between ANALYZEs.
  void NoteWritten(uint32_t oid, int64_t rows);
  // The rows `oid` has now by the last statistics (or its creation) and the writes since; nullopt when
  // neither is known (never analyzed since this process started).
  std::optional<double> Rows(uint32_t oid) const;

 private:
  struct Entry {
    std::shared_ptr<const TableStatistics> statistics;
    bool rows_known = false;
    int64_t written_since = 0;
  };
  mutable std::mutex mutex_;
  std::map<uint32_t, Entry> by_oid_;  // GUARDED_BY(mutex_)
};

// The rows a plan over `table` should expect: a local table's live rows, a distributed table's by its
// statistics (nullopt: never analyzed on this coordinator since it started).
std::optional<double> EstimatedRows(const StatisticsStore& statistics, const RelationInfo& table);

// Reads every row of `data` visible to `snapshot` (columns of `types`, table order).
TableStatistics ComputeStatistics(const storage::TableData& data, const storage::Snapshot& snapshot,
                                  const std::vector<LogicalType>& types);

}  // namespace tessera::engine
