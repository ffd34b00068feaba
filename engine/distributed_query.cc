// SPDX-License-Identifier: Apache-2.0
// The SQL each partition of a distributed scan runs (engine/distributed_query.h).
#include "engine/distributed_query.h"

#include <map>

#include "engine/catalog.h"
#include "engine/deparse_expression.h"
#include "engine/function/kernel_builder.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"

namespace tessera::engine {

namespace {

std::vector<std::string> ColumnNames(const PlanNode& scan) {
  std::vector<std::string> columns;
  for (int column : scan.column_ids) columns.push_back(builtin::QuoteIdentifier(scan.relation->columns[column].name));
  return columns;
}

std::string Joined(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

}  // namespace

std::vector<std::vector<size_t>> ReadGroups(const PlanNode& scan, const std::vector<uint32_t>* placement) {
  std::vector<std::vector<size_t>> groups;
  const bool merge = scan.distributed_query && scan.distributed_query->pushed() && scan.distributed_query->merge_on_worker;
  if (!merge) {
    for (size_t partition : PartitionsToRead(scan)) groups.push_back({partition});
    return groups;
  }
  // Each worker's partitions dealt round-robin into up to kMergedReadsPerWorker groups.
  std::map<uint32_t, std::vector<std::vector<size_t>>> by_worker;
  for (size_t partition : PartitionsToRead(scan)) {
    auto& shares = by_worker[(placement != nullptr ? *placement : scan.relation->placement)[partition]];
    size_t count = 0;
    for (const auto& share : shares) count += share.size();
    if (shares.size() < kMergedReadsPerWorker) shares.emplace_back();
    shares[count % shares.size()].push_back(partition);
  }
  for (auto& [worker, shares] : by_worker) {
    for (auto& share : shares) groups.push_back(std::move(share));
  }
  return groups;
}

std::string PartitionsSql(const PlanNode& scan, const std::vector<size_t>& partitions) {
  const RelationInfo& relation = *scan.relation;
  if (scan.distributed_query && scan.distributed_query->pushed()) {
    const DistributedQuery& query = *scan.distributed_query;
    const std::string where = query.where.empty() ? "" : " WHERE " + query.where;
    if (partitions.size() == 1) {
      return "SELECT " + query.select_list + " FROM " + ShardTableName(relation.oid, partitions[0]) + where + query.tail;
    }
    // Several partitions: the filter inside each branch (where storage can skip by it). Without GROUP BY
    // each branch aggregates its partition (where storage answers from its metadata or reads encoded),
    // a row each, which the coordinator combines; else the branches select the columns and the rest goes
    // over their UNION ALL, which keeps the table's column names.
    const bool per_branch = query.tail.empty();
    std::string columns = query.select_list;
    if (!per_branch) columns = query.branch_columns.empty() ? std::string("1 AS one") : query.branch_columns;
    std::vector<std::string> branches;
    for (size_t partition : partitions) {
      branches.push_back("SELECT " + columns + " FROM " + ShardTableName(relation.oid, partition) + where);
    }
    if (per_branch) return Joined(branches, " UNION ALL ");
    return "SELECT " + query.select_list + " FROM (" + Joined(branches, " UNION ALL ") + ") AS shard" + query.tail;
  }
  // The pull tier: the scan's columns (a constant stands in when it needs none, as for count(*)) and the
  // conjuncts of its filter that deparse; the coordinator still evaluates the whole filter.
  const std::vector<std::string> columns = ColumnNames(scan);
  std::string sql = "SELECT " + (columns.empty() ? std::string("1") : Joined(columns, ", ")) + " FROM " +
                    ShardTableName(relation.oid, partitions.at(0));
  if (scan.predicate) {
    const DeparsedFilter filter = DeparseConjuncts(*scan.predicate, columns);
    if (!filter.sql.empty()) sql += " WHERE " + filter.sql;
  }
  return sql;
}

}  // namespace tessera::engine
