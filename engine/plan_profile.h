// SPDX-License-Identifier: Apache-2.0
// PlanProfile: what EXPLAIN ANALYZE reports of each plan node, filled while the plan runs. CreateOperator
// wraps every operator of a profiled execution (ExecContext::profile) so that each Next() call is timed
// and its rows counted against the operator's node; scans add what they did in segment files.
//
// Figures are sums over every operator made for a node: the parallel tasks of a parallel section (so a
// node's time there is the time of all its threads together) and the re-runs of a correlated subquery
// (`loops`). A node's time includes its children's, as PostgreSQL's does.
//
// Thread safety: Find may be called from any thread; the counters are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace tessera::engine {

struct PlanNode;

struct NodeProfile {
  std::atomic<uint64_t> loops{0};  // operators made for the node
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> nanoseconds{0};
  // Scans of frozen rows: segment row groups reached, and those skipped by their min/max without a read.
  std::atomic<uint64_t> segment_row_groups{0};
  std::atomic<uint64_t> segment_row_groups_skipped{0};
  // Scans narrowed to a top-N's nearest rows (storage/vector_sketch.h): selected rows of segment row
  // groups bounded by a sketch, computed exactly, and returned.
  std::atomic<uint64_t> nearest_rows_bounded{0};
  std::atomic<uint64_t> nearest_rows_computed{0};
  std::atomic<uint64_t> nearest_rows_returned{0};
  // Aggregates: rows grouped by dictionary code instead of by hashing their key.
  std::atomic<uint64_t> rows_grouped_by_code{0};
  // Sorts: runs that kept only a LIMIT's first rows (engine/top_n.cc), and runs that sorted everything.
  std::atomic<uint64_t> top_n_sorts{0};
  std::atomic<uint64_t> full_sorts{0};
  // Aggregates on one integer key: rows grouped through the direct index and by hashing, the widest
  // window the index reached, and whether the keys outgrew it.
  std::atomic<uint64_t> rows_grouped_direct{0};
  std::atomic<uint64_t> rows_grouped_hashed{0};
  std::atomic<uint64_t> direct_key_range{0};
  std::atomic<bool> direct_key_overflowed{false};
  // Aggregates reading encoded row groups (engine/encoded_aggregate.h): rows aggregated by key code.
  std::atomic<uint64_t> rows_grouped_encoded{0};
  // Distributed scans: what each read (of one partition, or of several on one worker) returned, in the
  // order the reads finished.
  struct PartitionRead {
    std::vector<size_t> partitions;
    uint32_t worker_id = 0;
    uint64_t rows = 0;
    uint64_t nanoseconds = 0;
  };
  void AddPartitionRead(const PartitionRead& read) {
    std::lock_guard lock(partition_reads_mutex);
    partition_reads.push_back(read);
  }
  std::vector<PartitionRead> PartitionReads() const {
    std::lock_guard lock(partition_reads_mutex);
    return partition_reads;
  }
  mutable std::mutex partition_reads_mutex;
  std::vector<PartitionRead> partition_reads;  // GUARDED_BY(partition_reads_mutex)
};

class PlanProfile {
 public:
  // The node's counters, made on first use.
  NodeProfile& For(const PlanNode& node) {
    std::lock_guard lock(mutex_);
    auto& profile = nodes_[&node];
    if (!profile) profile = std::make_unique<NodeProfile>();
    return *profile;
  }
  // nullptr when no operator was made for the node (a branch that never ran).
  const NodeProfile* Find(const PlanNode& node) const {
    std::lock_guard lock(mutex_);
    auto found = nodes_.find(&node);
    return found == nodes_.end() ? nullptr : found->second.get();
  }

 private:
  mutable std::mutex mutex_;
  std::map<const PlanNode*, std::unique_ptr<NodeProfile>> nodes_;  // GUARDED_BY(mutex_)
};

}  // namespace tessera::engine
