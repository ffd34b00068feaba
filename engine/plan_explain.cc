// SPDX-License-Identifier: Apache-2.0
// EXPLAIN text of a plan tree, and with a profile EXPLAIN ANALYZE's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "engine/direct_group_index.h"
#include "engine/encoded_aggregate.h"
#include "engine/distributed_statement.h"
#include "engine/plan.h"
#include "engine/distributed_join.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/plan_profile.h"
#include "simd/cpu_level.h"

namespace tessera::engine {

namespace {

std::string JoinExprs(const std::vector<BoundExprPtr>& exprs) {
  std::string text;
  for (size_t index = 0; index < exprs.size(); ++index) {
    if (index > 0) text += ", ";
    text += exprs[index]->ToString();
  }
  return text;
}

// A pushed distributed scan (engine/distributed_query.h): its tier, where it runs, what the coordinator
// does with the partitions' rows.
std::string DescribePushed(const PlanNode& node) {
  const std::vector<size_t> partitions = PartitionsToRead(node);
  std::set<uint32_t> workers;
  for (size_t partition : partitions) workers.insert(node.relation->placement[partition]);
  return node.distributed_query->tier + " on " + node.relation->name + ": " + std::to_string(partitions.size()) +
         (partitions.size() == 1 ? " partition" : " partitions") + " on " + std::to_string(workers.size()) +
         (workers.size() == 1 ? " worker; " : " workers; ") + node.distributed_query->coordinator_step;
}

// The lines under a distributed scan: the SQL of its first read or why it pulls, and with a profile each
// read's partitions, rows and time.
void ExplainDistributed(const PlanNode& node, const std::string& indent, const NodeProfile* profile, std::ostringstream& out) {
  if (node.distributed_query && node.distributed_query->pushed()) {
    const std::vector<std::vector<size_t>> groups = ReadGroups(node);
    if (groups.size() < PartitionsToRead(node).size()) {
      out << indent << "Worker Reads: " << groups.size() << " (up to " << kMergedReadsPerWorker
          << " per worker, over the UNION ALL of its partitions)\n";
    }
    out << indent << "Worker SQL: " << PartitionsSql(node, groups.front()) << "\n";
  } else if (node.distributed_query && !node.distributed_query->pull_reason.empty()) {
    out << indent << "Pull: " << node.distributed_query->pull_reason << "\n";
  }
  if (profile == nullptr) return;
  std::vector<NodeProfile::PartitionRead> reads = profile->PartitionReads();
  std::sort(reads.begin(), reads.end(), [](const auto& a, const auto& b) { return a.partitions < b.partitions; });
  for (const auto& read : reads) {
    std::string partitions;
    for (size_t partition : read.partitions) partitions += (partitions.empty() ? "" : ", ") + std::to_string(partition);
    char text[160];
    std::snprintf(text, sizeof text, " on worker %u: rows=%llu time=%.3f ms", read.worker_id,
                  static_cast<unsigned long long>(read.rows), read.nanoseconds / 1e6);
    out << indent << (read.partitions.size() == 1 ? "Partition " : "Partitions ") << partitions << text << "\n";
  }
}

// A local table scan's storage filter: its predicates, "exact" when the scan does not evaluate the WHERE
// again, and under ANALYZE the simd level of the kernels that evaluate them on bit-packed,
// frame-of-reference and dictionary chunks and dense decoded windows (plain EXPLAIN leaves the level out:
// it depends on the machine, and plans in tests must not).
void ExplainStorageFilter(const PlanNode& node, const std::string& indent, bool analyze, std::ostringstream& out) {
  if (node.scan_filter.empty() || !node.relation->placement.empty() || !node.relation->data) return;
  const bool exact = storage::FilterAppliesExactly(node.scan_filter, node.relation->data->column_types());
  out << indent << "Storage Filter: ";
  for (size_t index = 0; index < node.scan_filter.predicates.size(); ++index) {
    const storage::ScanPredicate& predicate = node.scan_filter.predicates[index];
    out << (index == 0 ? "(" : " AND (") << predicate.ToString(node.relation->columns[predicate.column].name) << ")";
  }
  out << (exact ? " (exact)" : "") << "\n";
  if (analyze) out << indent << "Storage Filter Kernels: " << simd::SimdLevelName(simd::CpuLevel()) << "\n";
}

std::string Describe(const PlanNode& node) {
  switch (node.kind) {
    case PlanKind::kResult: return "Result";
    case PlanKind::kValues: return "Values Scan (" + std::to_string(node.values.size()) + " rows)";
    case PlanKind::kScan:
      if (!node.relation->placement.empty()) {
        // docs/CLUSTER.md: the router case reads the one partition the shard key pins, the pull tier all.
        const size_t partitions = node.relation->placement.size();
        if (node.relation->IsReferenceTable()) {
          return "Distributed Scan on " + node.relation->name + " (reference table: 1 of " + std::to_string(partitions) +
                 " copies read)";
        }
        const size_t read = PartitionsToRead(node).size();
        if (node.distributed_query && node.distributed_query->pushed()) return DescribePushed(node);
        if (read < partitions) {
          return "Distributed Scan on " + node.relation->name + " (router: 1 of " + std::to_string(partitions) +
                 " partitions, pinned by the shard key)";
        }
        return "Distributed Scan on " + node.relation->name + " (" + std::to_string(partitions) +
               " partitions read from their workers)";
      }
      return std::string(node.parallel_workers > 0 ? "Parallel Seq Scan on " : "Seq Scan on ") + node.relation->name;
    case PlanKind::kIndexScan:
      return "Index Scan using " + node.relation->indexes[node.index_number].name + " on " + node.relation->name;
    case PlanKind::kFilter: return "Filter";
    case PlanKind::kProject: return "Project: " + JoinExprs(node.expressions);
    case PlanKind::kAggregate: {
      std::string text = node.group_keys.empty() ? "Aggregate" : "HashAggregate";
      for (const auto& call : node.aggregates) text += " " + call.ToString();
      return text;
    }
    case PlanKind::kHashJoin:
    case PlanKind::kNestedLoopJoin: {
      const std::string text = node.kind == PlanKind::kHashJoin ? "Hash Join" : "Nested Loop";
      return node.fragment ? text + " (" + node.fragment->explain + ")" : text;  // a pull-tier join's reason
    }
    case PlanKind::kDistributedFragment: return "Distributed Join (" + node.fragment->explain + ")";
    case PlanKind::kSort: return "Sort";
    case PlanKind::kLimit: return "Limit";
    case PlanKind::kDistinct: return "HashAggregate (distinct)";
    case PlanKind::kSetOperation:
      return node.set_operation == SetOperationKind::kUnion ? (node.set_all ? "Append" : "Union")
                                                           : (node.set_operation == SetOperationKind::kIntersect ? "SetOp Intersect" : "SetOp Except");
    case PlanKind::kWindow: {
      std::string text = "WindowAgg";
      for (const auto& call : node.windows) text += " " + call.ToString();
      return text;
    }
    case PlanKind::kTableFunction: return "Function Scan on " + node.function_name;
    case PlanKind::kInsert: return "Insert on " + node.relation->name;
    case PlanKind::kUpdate: return "Update on " + node.relation->name;
    case PlanKind::kDelete: return "Delete on " + node.relation->name;
    case PlanKind::kVirtualTable: return "System Table Scan on " + node.virtual_table_name;
    case PlanKind::kRecursiveUnion: return "Recursive Union";
    case PlanKind::kWorkTable: return "WorkTable Scan";
    case PlanKind::kMaterialize: return "CTE Scan";
    case PlanKind::kProjectSet: return "ProjectSet";
    case PlanKind::kDistributedStatement: return DescribeDistributedStatement(node);
  }
  return "?";
}

// EXPLAIN ANALYZE's figures of a node: " (actual time=... rows=... loops=...)", or " (never executed)".
std::string Actual(const PlanNode& node, const PlanProfile& profile) {
  const NodeProfile* found = profile.Find(node);
  if (found == nullptr) return " (never executed)";
  const uint64_t loops = found->loops.load();
  char text[128];
  std::snprintf(text, sizeof text, " (actual time=%.3f ms rows=%llu loops=%llu)", found->nanoseconds.load() / 1e6,
                static_cast<unsigned long long>(loops == 0 ? 0 : found->rows.load() / loops),
                static_cast<unsigned long long>(loops));
  return text;
}

// How a grouped aggregate finds each row's group (engine/hash_aggregate.cc): by a direct index on one
// integer key while its range fits the window, else by hashing; under ANALYZE, what the run did.
std::string GroupKeyPath(const PlanNode& node, const NodeProfile* found) {
  const bool direct = node.group_keys.size() == 1 && DirectGroupIndex::Supports(node.group_keys[0]->type.id);
  if (!direct) return "hash";
  const std::string key = node.group_keys[0]->ToString();
  // engine/encoded_aggregate.h: frozen row groups are aggregated by the key chunk's codes.
  const std::string codes = AggregatesEncoded(node) ? "codes of encoded " + key + " chunks, then " : "";
  if (found == nullptr) {
    return codes + "direct index on " + key + " while its range fits " + std::to_string(DirectGroupIndex::kMaxRange) +
           " values, else hash";
  }
  std::string text = codes + "direct index on " + key + " (window of " + std::to_string(found->direct_key_range.load()) + " values)";
  if (found->direct_key_overflowed.load()) text += ", then hash (the range outgrew the window)";
  text += "; rows: ";
  if (!codes.empty()) text += std::to_string(found->rows_grouped_encoded.load()) + " by code, ";
  text += std::to_string(found->rows_grouped_direct.load()) + " direct, " +
          std::to_string(found->rows_grouped_hashed.load()) + " hashed";
  if (found->rows_grouped_by_code > 0) text += ", " + std::to_string(found->rows_grouped_by_code.load()) + " by dictionary code";
  return text;
}

void ExplainInto(const PlanNode& node, int depth, std::ostringstream& out, bool in_section, const PlanProfile* profile) {
  const std::string indent(depth == 0 ? 0 : depth * 6 - 4, ' ');
  out << indent << (depth == 0 ? "" : "->  ") << Describe(node) << (profile ? Actual(node, *profile) : "") << "\n";
  const std::string detail_indent(depth * 6 + 2, ' ');
  if (const NodeProfile* found = profile ? profile->Find(node) : nullptr) {
    if (found->segment_row_groups > 0) {
      out << detail_indent << "Segment Row Groups: " << found->segment_row_groups.load() << " reached, "
          << found->segment_row_groups_skipped.load() << " skipped by min/max\n";
    }
    if (found->nearest_rows_bounded > 0) {
      out << detail_indent << "Nearest Rows: " << found->nearest_rows_bounded.load() << " bounded by a 4-bit sketch, "
          << found->nearest_rows_computed.load() << " computed exactly, " << found->nearest_rows_returned.load()
          << " returned\n";
    }
    if (found->rows_grouped_by_code > 0 && node.group_keys.size() == 1 &&
        !DirectGroupIndex::Supports(node.group_keys[0]->type.id)) {
      out << detail_indent << "Rows Grouped by Dictionary Code: " << found->rows_grouped_by_code.load() << "\n";
    }
  }
  // The top of a parallel section (engine/gather.cc, the parallel hash aggregate) says how many threads.
  if (node.parallel_workers > 0 && !in_section) {
    out << detail_indent << "Workers: " << node.parallel_workers
        << (node.kind == PlanKind::kAggregate ? " (tasks over runs of partitions)\n"
            : node.kind == PlanKind::kSort    ? " (a top-N per partition, merged)\n"
                                              : " (one task per partition)\n");
  }
  if (node.estimated_rows_read) {
    out << detail_indent << "Estimated Rows: read=" << std::llround(*node.estimated_rows_read);
    if (node.estimated_rows_returned) out << " returned=" << std::llround(*node.estimated_rows_returned);
    out << "\n";
  }
  if (node.kind == PlanKind::kScan && !node.relation->placement.empty()) {
    ExplainDistributed(node, detail_indent, profile ? profile->Find(node) : nullptr, out);
  }
  if (node.kind == PlanKind::kIndexScan && node.index_condition) {
    out << detail_indent << "Index Cond: " << node.index_condition->ToString() << "\n";
  }
  if (node.kind == PlanKind::kDistributedStatement) {
    out << detail_indent << "SQL: " << DistributedStatementSqlForExplain(node) << "\n";
  }
  // A pushed distributed scan's filter runs on the workers (its Worker SQL says so).
  const bool pushed = node.distributed_query && node.distributed_query->pushed();
  if (node.predicate && !pushed) {
    const char* label = node.kind == PlanKind::kHashJoin || node.kind == PlanKind::kNestedLoopJoin ? "Join Filter: " : "Filter: ";
    out << detail_indent << label << node.predicate->ToString() << "\n";
  }
  if (node.kind == PlanKind::kScan) ExplainStorageFilter(node, detail_indent, profile != nullptr, out);
  if (node.kind == PlanKind::kInsert && (node.on_conflict_do_nothing || node.on_conflict_update)) {
    out << detail_indent << "Conflict Resolution: " << (node.on_conflict_update ? "UPDATE" : "NOTHING") << "\n";
    if (node.conflict_index >= 0) {
      out << detail_indent << "Conflict Arbiter Indexes: " << node.relation->indexes[node.conflict_index].name << "\n";
    }
    if (node.conflict_where) out << detail_indent << "Conflict Filter: " << node.conflict_where->ToString() << "\n";
  }
  if (node.kind == PlanKind::kHashJoin) {
    out << detail_indent << "Hash Cond: (" << JoinExprs(node.left_keys) << ") = (" << JoinExprs(node.right_keys) << ")\n";
  }
  if (node.kind == PlanKind::kAggregate && !node.group_keys.empty()) {
    out << detail_indent << "Group Key: " << JoinExprs(node.group_keys) << "\n";
    out << detail_indent << "Group Key Path: " << GroupKeyPath(node, profile ? profile->Find(node) : nullptr) << "\n";
  }
  if (node.kind == PlanKind::kSort) {
    std::string keys;
    for (size_t index = 0; index < node.sort_keys.size(); ++index) {
      if (index > 0) keys += ", ";
      keys += node.sort_keys[index].expr->ToString() + (node.sort_keys[index].descending ? " DESC" : "");
    }
    out << detail_indent << "Sort Key: " << keys << "\n";
    const NodeProfile* found = profile ? profile->Find(node) : nullptr;
    if (found != nullptr && (found->top_n_sorts > 0 || found->full_sorts > 0)) {
      // PostgreSQL's words: top-N when a LIMIT bounded the rows kept (engine/top_n.cc).
      out << detail_indent << "Sort Method: " << (found->full_sorts > 0 ? "quicksort" : "top-N heapsort") << "\n";
    }
  }
  for (const auto& child : node.children) {
    ExplainInto(*child, depth + 1, out, in_section || node.parallel_workers > 0, profile);
  }
}

}  // namespace

std::string AggregateCall::ToString() const {
  std::string text = function->name + "(" + (distinct ? "DISTINCT " : "");
  text += args.empty() ? "*" : JoinExprs(args);
  return text + ")";
}

std::string WindowCall::ToString() const {
  std::string text = name + "(" + JoinExprs(args) + ") OVER (";
  if (!partition_by.empty()) text += "PARTITION BY " + JoinExprs(partition_by);
  if (!order_by.empty()) {
    std::vector<BoundExprPtr> keys;
    for (const auto& key : order_by) keys.push_back(key.expr->Copy());
    text += std::string(partition_by.empty() ? "" : " ") + "ORDER BY " + JoinExprs(keys);
  }
  return text + ")";
}

std::string PlanNode::Explain(const PlanProfile* profile) const {
  std::ostringstream out;
  ExplainInto(*this, 0, out, false, profile);
  return out.str();
}

}  // namespace tessera::engine
