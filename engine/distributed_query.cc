// SPDX-License-Identifier: Apache-2.0
// The SQL each partition of a distributed scan runs (engine/distributed_query.h).
#include "engine/distributed_query.h"

#include "engine/catalog.h"
#include "engine/deparse_expression.h"
#include "engine/function/kernel_builder.h"
#include "engine/plan.h"

namespace tessera::engine {

std::string PartitionSql(const PlanNode& scan, size_t partition) {
  const RelationInfo& relation = *scan.relation;
  const std::string table = ShardTableName(relation.oid, partition);
  if (scan.distributed_query && scan.distributed_query->pushed()) {
    const DistributedQuery& query = *scan.distributed_query;
    return "SELECT " + query.select_list + " FROM " + table + (query.where.empty() ? "" : " WHERE " + query.where) +
           query.tail;
  }
  // The pull tier: the scan's columns (a constant stands in when it needs none, as for count(*)) and the
  // conjuncts of its filter that deparse; the coordinator still evaluates the whole filter.
  std::vector<std::string> columns;
  std::string select_list;
  for (int column : scan.column_ids) {
    columns.push_back(builtin::QuoteIdentifier(relation.columns[column].name));
    select_list += (select_list.empty() ? "" : ", ") + columns.back();
  }
  std::string sql = "SELECT " + (select_list.empty() ? std::string("1") : select_list) + " FROM " + table;
  if (scan.predicate) {
    const DeparsedFilter filter = DeparseConjuncts(*scan.predicate, columns);
    if (!filter.sql.empty()) sql += " WHERE " + filter.sql;
  }
  return sql;
}

}  // namespace tessera::engine
