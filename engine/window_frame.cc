// SPDX-License-Identifier: Apache-2.0
// Window layouts (sorting by partition and order keys, partition and peer boundaries) and frame bounds for
// ROWS, RANGE and GROUPS frames, with PostgreSQL's rules for offsets and NULL order keys.
#include <algorithm>
#include <numeric>

#include "engine/plan.h"
#include "engine/row_key.h"
#include "engine/window_internal.h"

namespace tessera::engine {

namespace {

bool SameCell(const Vector& vector, idx_t left, idx_t right) {
  const bool left_null = vector.IsNull(left);
  const bool right_null = vector.IsNull(right);
  if (left_null || right_null) return left_null == right_null;
  return CompareCells(vector, left, vector, right) == 0;
}

bool SameKeys(const std::vector<Vector>& keys, idx_t left, idx_t right) {
  for (const auto& key : keys) {
    if (!SameCell(key, left, right)) return false;
  }
  return true;
}

// Orders two rows by one key: NULLs where `nulls_first` says, then by value in `descending` direction.
int CompareKey(const Vector& key, bool descending, bool nulls_first, idx_t left, idx_t right) {
  const bool left_null = key.IsNull(left);
  const bool right_null = key.IsNull(right);
  if (left_null || right_null) {
    if (left_null == right_null) return 0;
    return left_null == nulls_first ? -1 : 1;
  }
  const int order = CompareCells(key, left, key, right);
  return descending ? -order : order;
}

}  // namespace

WindowLayout BuildLayout(const WindowCall& call, const Batch& rows, ExecContext& context) {
  std::vector<Vector> partition_keys;
  std::vector<Vector> order_keys;
  for (const auto& expr : call.partition_by) partition_keys.push_back(Evaluate(*expr, rows, context));
  for (const auto& key : call.order_by) order_keys.push_back(Evaluate(*key.expr, rows, context));

  WindowLayout layout;
  const size_t count = rows.num_rows;
  layout.order.resize(count);
  std::iota(layout.order.begin(), layout.order.end(), 0);
  if (!partition_keys.empty() || !order_keys.empty()) {
    std::stable_sort(layout.order.begin(), layout.order.end(), [&](sel_t left, sel_t right) {
      for (const auto& key : partition_keys) {
        const int order = CompareKey(key, false, false, left, right);
        if (order != 0) return order < 0;
      }
      for (size_t index = 0; index < order_keys.size(); ++index) {
        const SortKey& key = call.order_by[index];
        const int order = CompareKey(order_keys[index], key.descending, key.nulls_first, left, right);
        if (order != 0) return order < 0;
      }
      return false;
    });
  }
  context.CheckCancel();

  layout.partition_start.resize(count);
  layout.partition_end.resize(count);
  layout.peer_start.resize(count);
  layout.peer_end.resize(count);
  layout.group_id.resize(count);
  position_t partition_begin = 0;
  for (position_t position = 0; position < count; ++position) {
    const sel_t row = layout.order[position];
    const bool new_partition = position == 0 || !SameKeys(partition_keys, layout.order[position - 1], row);
    if (new_partition) partition_begin = position;
    if (new_partition || !SameKeys(order_keys, layout.order[position - 1], row)) {
      layout.group_starts.push_back(position);
    }
    layout.partition_start[position] = partition_begin;
    layout.group_id[position] = static_cast<position_t>(layout.group_starts.size() - 1);
    layout.peer_start[position] = layout.group_starts.back();
  }
  // Ends, walking backwards.
  for (position_t position = static_cast<position_t>(count); position-- > 0;) {
    const bool last = position + 1 == count;
    const bool partition_last = last || layout.partition_start[position + 1] != layout.partition_start[position];
    layout.partition_end[position] = partition_last ? position + 1 : layout.partition_end[position + 1];
    const bool group_last = last || layout.group_id[position + 1] != layout.group_id[position];
    layout.peer_end[position] = group_last ? position + 1 : layout.peer_end[position + 1];
  }
  return layout;
}

namespace {

// Evaluates a ROWS/GROUPS offset (bigint) or checks a RANGE offset's sign; returns the ROWS/GROUPS count.
int64_t CheckOffset(const WindowFrame& frame, const BoundExpr& offset, bool is_start, ExecContext& context) {
  const Value value = EvaluateConstant(offset, context);
  const char* which = is_start ? "frame starting offset" : "frame ending offset";
  if (value.is_null()) throw SqlError(SqlState::kNullValueNotAllowed, std::string(which) + " must not be null");
  bool negative = false;
  switch (GetPhysicalType(value.type())) {
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64:
      negative = value.GetDouble() < 0 || std::isnan(value.GetDouble());
      break;
    case PhysicalType::kDecimal:
      negative = value.GetDecimal().Sign() < 0;
      break;
    case PhysicalType::kInterval:
      negative = datetime::CompareIntervals(value.GetInterval(), Interval{}) < 0;
      break;
    default:
      negative = value.GetInt() < 0;
      break;
  }
  if (frame.unit == FrameUnit::kRange) {
    if (negative) {
      throw SqlError(SqlState::kInvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function");
    }
    return 0;
  }
  if (negative) throw SqlError(SqlState::kInvalidPrecedingOrFollowingSize, std::string(which) + " must not be negative");
  return value.GetInt();
}

position_t Clamp(int64_t value, position_t low, position_t high) {
  return static_cast<position_t>(std::clamp<int64_t>(value, low, high));
}

// ROWS: offsets count rows.
position_t RowsBound(FrameBoundType type, int64_t offset, bool is_start, position_t position, position_t low,
                     position_t high) {
  const int64_t past = is_start ? 0 : 1;  // ends are exclusive
  switch (type) {
    case FrameBoundType::kUnboundedPreceding: return low;
    case FrameBoundType::kPreceding: return Clamp(int64_t{position} - offset + past, low, high);
    case FrameBoundType::kCurrentRow: return static_cast<position_t>(position + past);
    case FrameBoundType::kFollowing: return Clamp(int64_t{position} + offset + past, low, high);
    case FrameBoundType::kUnboundedFollowing: return high;
  }
  return low;
}

// GROUPS: offsets count peer groups.
position_t GroupsBound(const WindowLayout& layout, FrameBoundType type, int64_t offset, bool is_start,
                       position_t position) {
  const position_t low = layout.partition_start[position];
  const position_t high = layout.partition_end[position];
  const int64_t first_group = layout.group_id[low];
  const int64_t last_group = layout.group_id[high - 1];
  int64_t group = layout.group_id[position];
  switch (type) {
    case FrameBoundType::kUnboundedPreceding: return low;
    case FrameBoundType::kUnboundedFollowing: return high;
    case FrameBoundType::kCurrentRow: return is_start ? layout.peer_start[position] : layout.peer_end[position];
    case FrameBoundType::kPreceding: group -= offset; break;
    case FrameBoundType::kFollowing: group += offset; break;
  }
  if (group < first_group) return low;
  if (group > last_group) return high;
  if (is_start) return layout.group_starts[group];
  return group == last_group ? high : layout.group_starts[group + 1];
}

// RANGE with an offset: the first position of the partition's non-NULL block whose key is past `bound`
// (start: not before it; end: after it) in the sort direction. NULL keys are a peer group of their own
// that no non-NULL row's offset reaches.
position_t RangeOffsetBound(const Vector& keys, const Vector& bounds, const WindowLayout& layout, bool descending,
                            bool is_start, position_t position, position_t nonnull_begin, position_t nonnull_end) {
  const sel_t row = layout.order[position];
  if (keys.IsNull(row)) return is_start ? layout.peer_start[position] : layout.peer_end[position];
  auto before_bound = [&](position_t candidate) {
    const int order = CompareCells(keys, layout.order[candidate], bounds, row);
    const int directed = descending ? -order : order;
    return is_start ? directed < 0 : directed <= 0;
  };
  position_t low = nonnull_begin;
  position_t high = nonnull_end;
  while (low < high) {
    const position_t middle = low + (high - low) / 2;
    if (before_bound(middle)) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

}  // namespace

FrameBounds ComputeFrames(const WindowCall& call, const WindowLayout& layout, const Batch& rows,
                          ExecContext& context) {
  const WindowFrame& frame = call.frame;
  const size_t count = layout.size();
  FrameBounds bounds;
  bounds.start.resize(count);
  bounds.end.resize(count);
  if (count == 0) return bounds;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  if (frame.start_offset) start_offset = CheckOffset(frame, *frame.start_offset, true, context);
  if (frame.end_offset) end_offset = CheckOffset(frame, *frame.end_offset, false, context);

  Vector range_key, start_values, end_values;
  const bool descending = !call.order_by.empty() && call.order_by[0].descending;
  if (frame.range_key) {
    range_key = Evaluate(*frame.range_key, rows, context);
    if (frame.start_value) start_values = Evaluate(*frame.start_value, rows, context);
    if (frame.end_value) end_values = Evaluate(*frame.end_value, rows, context);
  }
  position_t nonnull_begin = 0, nonnull_end = 0;
  for (position_t position = 0; position < count; ++position) {
    const position_t low = layout.partition_start[position];
    const position_t high = layout.partition_end[position];
    if (frame.range_key && position == low) {
      // The non-NULL keys of this partition: NULLs sort together at one end.
      nonnull_begin = low;
      nonnull_end = high;
      while (nonnull_begin < high && range_key.IsNull(layout.order[nonnull_begin])) ++nonnull_begin;
      while (nonnull_end > nonnull_begin && range_key.IsNull(layout.order[nonnull_end - 1])) --nonnull_end;
    }
    auto bound = [&](FrameBoundType type, int64_t offset, bool is_start, const Vector& values) -> position_t {
      if (frame.unit == FrameUnit::kRows) return RowsBound(type, offset, is_start, position, low, high);
      const bool has_offset = type == FrameBoundType::kPreceding || type == FrameBoundType::kFollowing;
      if (frame.unit == FrameUnit::kRange && has_offset) {
        return RangeOffsetBound(range_key, values, layout, descending, is_start, position, nonnull_begin, nonnull_end);
      }
      return GroupsBound(layout, type, offset, is_start, position);  // RANGE without offsets works like GROUPS
    };
    position_t start = bound(frame.start, start_offset, true, start_values);
    position_t end = bound(frame.end, end_offset, false, end_values);
    start = std::clamp(start, low, high);
    end = std::clamp(end, start, high);
    bounds.start[position] = start;
    bounds.end[position] = end;
  }
  return bounds;
}

FrameRanges FrameAt(const WindowCall& call, const WindowLayout& layout, const FrameBounds& frames,
                    position_t position) {
  FrameRanges ranges;
  const position_t start = frames.start[position];
  const position_t end = frames.end[position];
  auto add = [&](position_t begin, position_t finish) {
    begin = std::max(begin, start);
    finish = std::min(finish, end);
    if (begin >= finish) return;
    ranges.begin[ranges.count] = begin;
    ranges.end[ranges.count] = finish;
    ++ranges.count;
  };
  const position_t peer_start = layout.peer_start[position];
  const position_t peer_end = layout.peer_end[position];
  switch (call.frame.exclusion) {
    case FrameExclusion::kNoOthers:
      add(start, end);
      break;
    case FrameExclusion::kCurrentRow:
      add(start, position);
      add(position + 1, end);
      break;
    case FrameExclusion::kGroup:
      add(start, peer_start);
      add(peer_end, end);
      break;
    case FrameExclusion::kTies:
      add(start, peer_start);
      add(position, position + 1);
      add(peer_end, end);
      break;
  }
  return ranges;
}

}  // namespace tessera::engine
