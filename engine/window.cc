// SPDX-License-Identifier: Apache-2.0
// WindowAgg: appends one column per window call to its input. It materializes the input, sorts it once per
// distinct window specification (partition + order keys), computes each call a column at a time over the
// sorted positions, and emits the rows in the sorted order of the last specification.
#include <algorithm>
#include <numeric>

#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/window_internal.h"

namespace tessera::engine {

namespace {

bool SameSpecification(const WindowCall& left, const WindowCall& right) {
  if (left.partition_by.size() != right.partition_by.size() || left.order_by.size() != right.order_by.size()) {
    return false;
  }
  for (size_t index = 0; index < left.partition_by.size(); ++index) {
    if (!left.partition_by[index]->Equals(*right.partition_by[index])) return false;
  }
  for (size_t index = 0; index < left.order_by.size(); ++index) {
    const SortKey& a = left.order_by[index];
    const SortKey& b = right.order_by[index];
    if (a.descending != b.descending || a.nulls_first != b.nulls_first || !a.expr->Equals(*b.expr)) return false;
  }
  return true;
}

// Returns, for each position, the row of `values` to output, or -1 for NULL.
Vector PickRows(const Vector& values, const std::vector<int64_t>& rows) {
  Vector combined = values;
  combined.AppendValue(Value::Null(values.type()));
  const sel_t null_row = static_cast<sel_t>(values.size());
  std::vector<sel_t> selection(rows.size());
  for (size_t position = 0; position < rows.size(); ++position) {
    selection[position] = rows[position] < 0 ? null_row : static_cast<sel_t>(rows[position]);
  }
  return combined.Gather(selection.data(), selection.size());
}

int64_t IntArgument(const Vector& vector, sel_t row) {
  return vector.physical_type() == PhysicalType::kInt64 ? vector.Data<int64_t>()[row] : vector.Data<int32_t>()[row];
}

// row_number, rank, dense_rank, percent_rank, cume_dist: from the partition and peer boundaries.
Vector ComputeRanking(const WindowCall& call, const WindowLayout& layout) {
  const size_t count = layout.size();
  Vector result(call.type, count);
  for (position_t position = 0; position < count; ++position) {
    const position_t first = layout.partition_start[position];
    const double rows = layout.partition_end[position] - first;
    switch (call.kind) {
      case WindowFunctionKind::kRowNumber:
        result.Data<int64_t>()[position] = position - first + 1;
        break;
      case WindowFunctionKind::kRank:
        result.Data<int64_t>()[position] = layout.peer_start[position] - first + 1;
        break;
      case WindowFunctionKind::kDenseRank:
        result.Data<int64_t>()[position] = layout.group_id[position] - layout.group_id[first] + 1;
        break;
      case WindowFunctionKind::kPercentRank:
        result.Data<double>()[position] = rows <= 1 ? 0.0 : (layout.peer_start[position] - first) / (rows - 1);
        break;
      default:  // kCumeDist
        result.Data<double>()[position] = (layout.peer_end[position] - first) / rows;
        break;
    }
  }
  return result;
}

// ntile(n): n is read on each partition's first row, as PostgreSQL does.
Vector ComputeNtile(const WindowCall& call, const WindowLayout& layout, const Batch& rows, ExecContext& context) {
  const size_t count = layout.size();
  Vector result(call.type, count);
  const Vector buckets = Evaluate(*call.args[0], rows, context);
  for (position_t first = 0; first < count; first = layout.partition_end[first]) {
    const position_t end = layout.partition_end[first];
    const sel_t first_row = layout.order[first];
    if (buckets.IsNull(first_row)) {
      for (position_t position = first; position < end; ++position) result.SetNull(position, true);
      continue;
    }
    const int64_t bucket_count = IntArgument(buckets, first_row);
    if (bucket_count <= 0) {
      throw SqlError(SqlState::kInvalidArgumentForNtileFunction, "argument of ntile must be greater than zero");
    }
    // The first (rows % n) buckets get one row more, as PostgreSQL's window_ntile.
    const int64_t total = end - first;
    const int64_t per_bucket = std::max<int64_t>(1, total / bucket_count);
    const int64_t larger = total < bucket_count ? 0 : total % bucket_count;
    int64_t bucket = 1;
    int64_t left_in_bucket = per_bucket + (larger > 0 ? 1 : 0);
    for (position_t position = first; position < end; ++position) {
      if (left_in_bucket == 0) {
        ++bucket;
        left_in_bucket = per_bucket + (bucket <= larger ? 1 : 0);
      }
      result.Data<int32_t>()[position] = static_cast<int32_t>(bucket);
      --left_in_bucket;
    }
  }
  return result;
}

// lag/lead(value [, offset [, default]]): the row `offset` before/after within the partition.
Vector ComputeLagLead(const WindowCall& call, const WindowLayout& layout, const Batch& rows, ExecContext& context) {
  const size_t count = layout.size();
  Vector values = Evaluate(*call.args[0], rows, context);
  Vector offsets = call.args.size() > 1 ? Evaluate(*call.args[1], rows, context) : Vector();
  std::vector<int64_t> picks(count, -1);
  if (call.args.size() > 2) values.Append(Evaluate(*call.args[2], rows, context));  // defaults at [count, 2 count)
  const int64_t direction = call.kind == WindowFunctionKind::kLag ? -1 : 1;
  for (position_t position = 0; position < count; ++position) {
    const sel_t row = layout.order[position];
    int64_t offset = 1;
    if (call.args.size() > 1) {
      if (offsets.IsNull(row)) continue;
      offset = IntArgument(offsets, row);
    }
    const int64_t target = int64_t{position} + direction * offset;
    if (target >= layout.partition_start[position] && target < layout.partition_end[position]) {
      picks[position] = layout.order[target];
    } else if (call.args.size() > 2) {
      picks[position] = static_cast<int64_t>(count + row);
    }
  }
  return PickRows(values, picks);
}

// first_value, last_value, nth_value: a row of the frame (after EXCLUDE).
Vector ComputeFrameValue(const WindowCall& call, const WindowLayout& layout, const Batch& rows,
                         ExecContext& context) {
  const size_t count = layout.size();
  const Vector values = Evaluate(*call.args[0], rows, context);
  const Vector nth = call.kind == WindowFunctionKind::kNthValue ? Evaluate(*call.args[1], rows, context) : Vector();
  const FrameBounds frames = ComputeFrames(call, layout, rows, context);
  std::vector<int64_t> picks(count, -1);
  for (position_t position = 0; position < count; ++position) {
    const FrameRanges ranges = FrameAt(call, layout, frames, position);
    int64_t index = 0;  // 0-based index into the frame; -1 for the last row
    if (call.kind == WindowFunctionKind::kLastValue) index = -1;
    if (call.kind == WindowFunctionKind::kNthValue) {
      const sel_t row = layout.order[position];
      if (nth.IsNull(row)) continue;
      index = IntArgument(nth, row);
      if (index <= 0) {
        throw SqlError(SqlState::kInvalidArgumentForNthValueFunction, "argument of nth_value must be greater than zero");
      }
      --index;
    }
    if (ranges.count == 0) continue;
    if (index < 0) {
      picks[position] = layout.order[ranges.end[ranges.count - 1] - 1];
      continue;
    }
    for (int range = 0; range < ranges.count; ++range) {
      const int64_t length = ranges.end[range] - ranges.begin[range];
      if (index < length) {
        picks[position] = layout.order[ranges.begin[range] + index];
        break;
      }
      index -= length;
    }
  }
  return PickRows(values, picks);
}

Vector ComputeCall(const WindowCall& call, const WindowLayout& layout, const Batch& rows, ExecContext& context) {
  switch (call.kind) {
    case WindowFunctionKind::kAggregate: return ComputeWindowAggregate(call, layout, rows, context);
    case WindowFunctionKind::kNtile: return ComputeNtile(call, layout, rows, context);
    case WindowFunctionKind::kLag:
    case WindowFunctionKind::kLead: return ComputeLagLead(call, layout, rows, context);
    case WindowFunctionKind::kFirstValue:
    case WindowFunctionKind::kLastValue:
    case WindowFunctionKind::kNthValue: return ComputeFrameValue(call, layout, rows, context);
    default: return ComputeRanking(call, layout);
  }
}

class WindowOperator : public Operator {
 public:
  WindowOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    if (!computed_) Compute();
    if (next_ >= output_order_.size()) return false;
    const size_t count = std::min<size_t>(kBatchSize, output_order_.size() - next_);
    out->columns.clear();
    for (const auto& column : rows_.columns) out->columns.push_back(column.Gather(output_order_.data() + next_, count));
    for (size_t call = 0; call < results_.size(); ++call) {
      const std::vector<sel_t>& positions = result_positions_[call_layout_[call]];
      out->columns.push_back(results_[call].Gather(positions.data() + next_, count));
    }
    out->num_rows = count;
    next_ += count;
    return true;
  }

 private:
  // Computes every call, one sort per distinct specification.
  void Compute() {
    computed_ = true;
    rows_ = Materialize(*child_, node_.children[0]->output_types, context_);
    const size_t count = rows_.num_rows;
    std::vector<const WindowCall*> specifications;
    std::vector<WindowLayout> layouts;
    for (const auto& call : node_.windows) {
      size_t layout = 0;
      while (layout < specifications.size() && !SameSpecification(*specifications[layout], call)) ++layout;
      if (layout == specifications.size()) {
        specifications.push_back(&call);
        layouts.push_back(BuildLayout(call, rows_, context_));
      }
      call_layout_.push_back(layout);
      results_.push_back(ComputeCall(call, layouts[layout], rows_, context_));
      context_.CheckCancel();
    }
    // Output in the last layout's order; map each output row to its position in every layout.
    output_order_ = layouts.empty() ? std::vector<sel_t>(count) : layouts.back().order;
    if (layouts.empty()) std::iota(output_order_.begin(), output_order_.end(), 0);
    for (const auto& layout : layouts) {
      std::vector<sel_t> position_of_row(count);
      for (size_t position = 0; position < count; ++position) position_of_row[layout.order[position]] = static_cast<sel_t>(position);
      std::vector<sel_t> positions(count);
      for (size_t index = 0; index < count; ++index) positions[index] = position_of_row[output_order_[index]];
      result_positions_.push_back(std::move(positions));
    }
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  bool computed_ = false;
  Batch rows_;
  std::vector<sel_t> output_order_;
  std::vector<Vector> results_;                      // per call, indexed by its layout's positions
  std::vector<size_t> call_layout_;                  // per call, its layout
  std::vector<std::vector<sel_t>> result_positions_;  // per layout, output row -> position
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeWindowOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<WindowOperator>(node, context);
}

}  // namespace tessera::engine
