// SPDX-License-Identifier: Apache-2.0
// Estimated rows of distributed plan nodes (planner/distributed_estimates.h).
#include "planner/distributed_estimates.h"

#include <algorithm>
#include <cmath>

#include "engine/database.h"
#include "engine/distributed_join.h"
#include "engine/distributed_statement.h"
#include "engine/operators_internal.h"
#include "engine/statistics.h"

namespace tessera::planner {

using engine::PlanKind;
using engine::PlanNode;
using engine::RelationInfo;

namespace {

// PostgreSQL's guess of distinct values where it knows nothing (DEFAULT_NUM_DISTINCT).
constexpr double kDefaultDistinct = 200;

class Estimator {
 public:
  explicit Estimator(engine::Database& database) : statistics_(database.statistics()) {}

  void Visit(PlanNode& node) {
    if (node.kind == PlanKind::kScan && node.relation && !node.relation->placement.empty()) EstimateScan(node);
    if (node.kind == PlanKind::kDistributedStatement) EstimateStatement(node);
    if (node.kind == PlanKind::kDistributedFragment && node.fragment) EstimateFragment(node);
    for (const engine::PlanPtr& child : node.children) Visit(*child);
  }

 private:
  // The rows of `partitions` of the table's `total` by its statistics.
  std::optional<double> RowsIn(const RelationInfo& relation, size_t partitions) const {
    const std::optional<double> rows = engine::EstimatedRows(statistics_, relation);
    if (!rows || relation.placement.empty()) return rows;
    if (relation.IsReferenceTable()) return rows;  // one whole copy
    return std::round(*rows * static_cast<double>(partitions) / static_cast<double>(relation.placement.size()));
  }

  // Distinct values of table column `column` (NULL counts as one), or PostgreSQL's default.
  double DistinctValues(const RelationInfo& relation, int column) const {
    const std::shared_ptr<const engine::TableStatistics> table = statistics_.Find(relation.oid);
    if (column < 0 || !table || static_cast<size_t>(column) >= table->columns.size()) return kDefaultDistinct;
    return table->DistinctCount(column) + (table->NullFraction(column) > 0 ? 1 : 0);
  }

  void EstimateScan(PlanNode& scan) {
    const std::optional<double> read = RowsIn(*scan.relation, engine::PartitionsToRead(scan).size());
    if (!read) return;
    scan.estimated_rows_read = read;
    const engine::DistributedQuery* query = scan.distributed_query.get();
    if (query == nullptr || !query->pushed()) {
      if (!scan.predicate) scan.estimated_rows_returned = read;
      return;
    }
    const double reads = static_cast<double>(engine::ReadGroups(scan).size());
    if (query->group_columns) {
      double groups = 1;
      for (int column : *query->group_columns) groups *= DistinctValues(*scan.relation, column);
      const double per_read = query->group_columns->empty() ? 1 : std::min(groups, std::ceil(*read / reads));
      scan.estimated_rows_returned = reads * per_read;
    } else if (query->rows_per_read > 0) {
      scan.estimated_rows_returned = std::min(*read, reads * static_cast<double>(query->rows_per_read));
    }
  }

  // A statement sent whole: the pinned partition of its first table, or all of its partitions.
  void EstimateStatement(PlanNode& node) {
    const engine::DistributedTableUse& anchor = node.distributed_statement->tables[0];
    node.estimated_rows_read = RowsIn(*anchor.relation, anchor.shard_key ? 1 : anchor.relation->placement.size());
  }

  void EstimateFragment(PlanNode& node) {
    double read = 0;
    for (const auto& relation : node.fragment->relations) {
      const std::optional<double> rows = engine::EstimatedRows(statistics_, *relation);
      if (!rows) return;
      read += relation->IsReferenceTable() ? *rows : std::round(*rows * node.fragment->partitions_share);
    }
    if (!node.fragment->relations.empty()) node.estimated_rows_read = read;
  }

  const engine::StatisticsStore& statistics_;
};

}  // namespace

void EstimateDistributedRows(const engine::PlanPtr& plan, engine::Database& database) {
  Estimator(database).Visit(*plan);
}

}  // namespace tessera::planner
