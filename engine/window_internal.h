// SPDX-License-Identifier: Apache-2.0
// The window operator's pieces (private to engine/): the sorted layout of the rows for one window
// specification, frame bounds, and aggregates over frames. Everything here works on "positions": indexes
// into the layout's sorted order, where each partition and each peer group is a contiguous range.
#pragma once

#include <cstdint>
#include <vector>

#include "base/vector.h"
#include "engine/exec_context.h"

namespace tessera::engine {

struct WindowCall;

using position_t = uint32_t;

// The rows of the window operator's input sorted by one specification's partition and order keys.
struct WindowLayout {
  std::vector<sel_t> order;                 // position -> input row
  std::vector<position_t> partition_start;  // position -> first position of its partition
  std::vector<position_t> partition_end;    // position -> one past its partition's last position
  std::vector<position_t> peer_start;       // position -> first position of its peer group
  std::vector<position_t> peer_end;         // position -> one past its peer group
  std::vector<position_t> group_id;         // position -> peer group number (counted over all partitions)
  std::vector<position_t> group_starts;     // peer group number -> its first position

  size_t size() const { return order.size(); }
};

// Sorts `rows` by `call`'s partition then order keys and finds partition and peer boundaries.
WindowLayout BuildLayout(const WindowCall& call, const Batch& rows, ExecContext& context);

// A frame for each position, half-open [start, end) within the partition, before exclusion.
struct FrameBounds {
  std::vector<position_t> start;
  std::vector<position_t> end;
};

// Computes `call`'s frame for every position; throws 22004/22013 for NULL or negative offsets.
FrameBounds ComputeFrames(const WindowCall& call, const WindowLayout& layout, const Batch& rows,
                          ExecContext& context);

// The frame of one position as up to three ranges, in order, after EXCLUDE (empty ranges omitted).
struct FrameRanges {
  position_t begin[3];
  position_t end[3];
  int count = 0;
};
FrameRanges FrameAt(const WindowCall& call, const WindowLayout& layout, const FrameBounds& frames,
                    position_t position);

// Computes an aggregate window call; the result is indexed by position.
Vector ComputeWindowAggregate(const WindowCall& call, const WindowLayout& layout, const Batch& rows,
                              ExecContext& context);

}  // namespace tessera::engine
