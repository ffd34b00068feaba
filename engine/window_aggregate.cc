// SPDX-License-Identifier: Apache-2.0
// Aggregates over window frames. Each input row first gets its own state (one vectorized update call for
// all rows); frames are then answered by combining states in order:
//  - frames that start at the partition start and exclude nothing: a running state, O(n) combines;
//  - any other frame: a segment tree over the row states, O(log n) combines per range.
// combine() must therefore merge an earlier state with a later one exactly (string_agg keeps its order).
#include <algorithm>
#include <cstddef>
#include <memory>

#include "engine/plan.h"
#include "engine/window_internal.h"

namespace tessera::engine {

namespace {

// A block of aggregate states, each initialized on construction and destroyed with the block.
class StateBlock {
 public:
  StateBlock(const AggregateFunction& function, size_t count)
      : function_(function),
        stride_((function.state_size + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
                alignof(std::max_align_t)),
        count_(count),
        memory_(std::make_unique<std::max_align_t[]>((stride_ * count + sizeof(std::max_align_t) - 1) /
                                                     sizeof(std::max_align_t) + 1)) {
    for (size_t index = 0; index < count_; ++index) function_.initialize((*this)[index]);
  }
  ~StateBlock() {
    if (function_.destroy == nullptr) return;
    for (size_t index = 0; index < count_; ++index) function_.destroy((*this)[index]);
  }
  StateBlock(const StateBlock&) = delete;
  StateBlock& operator=(const StateBlock&) = delete;

  uint8_t* operator[](size_t index) { return reinterpret_cast<uint8_t*>(memory_.get()) + index * stride_; }

 private:
  const AggregateFunction& function_;
  size_t stride_;
  size_t count_;
  std::unique_ptr<std::max_align_t[]> memory_;
};

// Reinitializes a scratch state.
void Reset(const AggregateFunction& function, uint8_t* state) {
  if (function.destroy != nullptr) function.destroy(state);
  function.initialize(state);
}

// An ordered segment tree over `count` leaf states, stored at [count, 2 * count) of `nodes`.
class SegmentTree {
 public:
  SegmentTree(const AggregateFunction& function, StateBlock& nodes, size_t count)
      : function_(function), nodes_(nodes), count_(count) {
    for (size_t node = count - 1; node >= 1; --node) {
      function_.combine(nodes_[node], nodes_[2 * node]);
      function_.combine(nodes_[node], nodes_[2 * node + 1]);
    }
  }

  // Combines the leaves [begin, end) into `target`, left to right.
  void Query(size_t begin, size_t end, uint8_t* target) {
    right_.clear();
    for (begin += count_, end += count_; begin < end; begin >>= 1, end >>= 1) {
      if (begin & 1) function_.combine(target, nodes_[begin++]);
      if (end & 1) right_.push_back(--end);
    }
    for (auto node = right_.rbegin(); node != right_.rend(); ++node) function_.combine(target, nodes_[*node]);
  }

 private:
  const AggregateFunction& function_;
  StateBlock& nodes_;
  size_t count_;
  std::vector<size_t> right_;
};

bool RunningFrame(const WindowCall& call, const FrameBounds& frames, const WindowLayout& layout) {
  if (call.frame.start != FrameBoundType::kUnboundedPreceding || call.frame.exclusion != FrameExclusion::kNoOthers) {
    return false;
  }
  for (size_t position = 1; position < layout.size(); ++position) {
    const bool same_partition = layout.partition_start[position] == layout.partition_start[position - 1];
    if (same_partition && frames.end[position] < frames.end[position - 1]) return false;
  }
  return true;
}

}  // namespace

Vector ComputeWindowAggregate(const WindowCall& call, const WindowLayout& layout, const Batch& rows,
                              ExecContext& context) {
  const AggregateFunction& function = *call.aggregate;
  const size_t count = layout.size();
  Vector result(call.type, count);
  if (count == 0) return result;
  const FrameBounds frames = ComputeFrames(call, layout, rows, context);

  // One state per row: at [count, 2 * count) as the segment tree's leaves, or at [0, count) when running.
  const bool running = RunningFrame(call, frames, layout);
  const size_t leaves = running ? 0 : count;
  StateBlock nodes(function, leaves + count);
  std::vector<Vector> args;
  for (const auto& arg : call.args) args.push_back(Evaluate(*arg, rows, context));
  std::vector<uint8_t*> states(count);
  for (size_t position = 0; position < count; ++position) states[layout.order[position]] = nodes[leaves + position];
  if (call.filter) {
    const Vector filter = Evaluate(*call.filter, rows, context);
    for (size_t row = 0; row < count; ++row) {
      if (filter.IsNull(row) || filter.Data<uint8_t>()[row] == 0) states[row] = nullptr;
    }
  }
  function.update(states.data(), args, count);
  context.CheckCancel();

  StateBlock scratch(function, 1);
  if (running) {
    size_t upto = 0;
    for (size_t position = 0; position < count; ++position) {
      if (position == layout.partition_start[position]) {
        Reset(function, scratch[0]);
        upto = position;
      }
      for (; upto < frames.end[position]; ++upto) function.combine(scratch[0], nodes[upto]);
      function.finalize(scratch[0], result, position);
    }
    return result;
  }
  SegmentTree tree(function, nodes, count);
  for (size_t position = 0; position < count; ++position) {
    Reset(function, scratch[0]);
    const FrameRanges ranges = FrameAt(call, layout, frames, static_cast<position_t>(position));
    for (int range = 0; range < ranges.count; ++range) tree.Query(ranges.begin[range], ranges.end[range], scratch[0]);
    function.finalize(scratch[0], result, position);
  }
  return result;
}

}  // namespace tessera::engine
