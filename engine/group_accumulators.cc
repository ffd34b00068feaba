// SPDX-License-Identifier: Apache-2.0
// GroupAccumulator: the per-batch updates of direct-indexed aggregate accumulators with the simd kernels.
#include "engine/group_accumulators.h"

#include <algorithm>

#include "simd/aggregate/aggregate.h"

namespace tessera::engine {

namespace {

bool IsIntegerInput(PhysicalType type) {
  return type == PhysicalType::kInt16 || type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
}

}  // namespace

bool GroupAccumulator::Supports(const AggregateFunction& function, const LogicalType* arg_type) {
  if (function.dense_kind == DenseAggregate::kNone) return false;
  if (function.dense_kind == DenseAggregate::kCountStar || function.dense_kind == DenseAggregate::kCount) {
    return true;
  }
  if (function.absorb_dense == nullptr || arg_type == nullptr) return false;
  const PhysicalType physical = GetPhysicalType(arg_type->id);
  if (function.dense_kind == DenseAggregate::kSumDouble) return physical == PhysicalType::kFloat64;
  return IsIntegerInput(physical) || (function.dense_kind != DenseAggregate::kSumInt && physical == PhysicalType::kFloat64);
}

void GroupAccumulator::Grow(size_t num_groups) {
  if (counts_.size() >= num_groups) return;
  switch (kind_) {
    case DenseAggregate::kNone: break;
    case DenseAggregate::kCountStar:
    case DenseAggregate::kCount: counts_.resize(num_groups); break;
    case DenseAggregate::kSumInt:
      counts_.resize(num_groups);
      narrow_sums_.resize(num_groups);
      wide_sums_.resize(num_groups);
      break;
    case DenseAggregate::kSumDouble:
      counts_.resize(num_groups);
      double_sums_.resize(num_groups);
      break;
    case DenseAggregate::kMin:
    case DenseAggregate::kMax:
      counts_.resize(num_groups);
      seen_.resize(num_groups);
      int_extremes_.resize(num_groups);
      double_extremes_.resize(num_groups);
      break;
  }
}

DenseTotals GroupAccumulator::Totals(size_t group) const {
  DenseTotals totals;
  totals.count = static_cast<int64_t>(counts_[group]);
  if (!wide_sums_.empty()) totals.int_sum = wide_sums_[group] + narrow_sums_[group];
  if (!double_sums_.empty()) totals.double_sum = double_sums_[group];
  if (!seen_.empty()) {
    totals.seen = seen_[group] != 0;
    totals.int_extreme = int_extremes_[group];
    totals.double_extreme = double_extremes_[group];
  }
  return totals;
}

const int64_t* GroupAccumulator::Integers(const Vector& arg, idx_t count) {
  return IntegersAsInt64(arg, count, &widened_);
}

void GroupAccumulator::Update(const Vector* arg, const uint32_t* group_of, idx_t count, size_t num_groups) {
  Grow(num_groups);
  if (kind_ == DenseAggregate::kCountStar) return simd::GroupedCount(group_of, nullptr, count, num_groups, counts_.data());
  // The rows with a non-NULL argument, as a selection (nullptr: all of them).
  const uint32_t* selection = nullptr;
  size_t selected = count;
  if (arg->MayHaveNulls()) {
    selection_.clear();
    for (idx_t row = 0; row < count; ++row) {
      if (!arg->IsNull(row)) selection_.push_back(static_cast<uint32_t>(row));
    }
    selection = selection_.data();
    selected = selection_.size();
  }
  simd::GroupedCount(group_of, selection, selected, num_groups, counts_.data());
  const bool doubles = arg->physical_type() == PhysicalType::kFloat64;
  switch (kind_) {
    case DenseAggregate::kSumInt: UpdateIntSums(*arg, group_of, selection, selected, count, num_groups); break;
    case DenseAggregate::kSumDouble:
      simd::GroupedSumDouble(group_of, arg->Data<double>(), selection, selected, num_groups, double_sums_.data());
      break;
    case DenseAggregate::kMin:
      if (doubles) {
        simd::GroupedMinDouble(group_of, arg->Data<double>(), selection, selected, num_groups, double_extremes_.data(),
                               seen_.data());
      } else {
        simd::GroupedMinInt64(group_of, Integers(*arg, count), selection, selected, num_groups, int_extremes_.data(),
                              seen_.data());
      }
      break;
    case DenseAggregate::kMax:
      if (doubles) {
        simd::GroupedMaxDouble(group_of, arg->Data<double>(), selection, selected, num_groups, double_extremes_.data(),
                               seen_.data());
      } else {
        simd::GroupedMaxInt64(group_of, Integers(*arg, count), selection, selected, num_groups, int_extremes_.data(),
                              seen_.data());
      }
      break;
    default: break;
  }
}

void GroupAccumulator::UpdateIntSums(const Vector& arg, const uint32_t* group_of, const uint32_t* selection,
                                     size_t count, idx_t batch_rows, size_t num_groups) {
  if (arg.physical_type() == PhysicalType::kInt64) {
    // int8 values could overflow an int64 sum within a batch: add into the 128-bit sums directly.
    const int64_t* values = arg.Data<int64_t>();
    for (size_t index = 0; index < count; ++index) {
      const size_t row = selection == nullptr ? index : selection[index];
      wide_sums_[group_of[row]] += values[row];
    }
    return;
  }
  if (narrow_rows_ + count >= kNarrowRowsPerSpill) {
    for (size_t group = 0; group < narrow_sums_.size(); ++group) wide_sums_[group] += narrow_sums_[group];
    std::fill(narrow_sums_.begin(), narrow_sums_.end(), 0);
    narrow_rows_ = 0;
  }
  narrow_rows_ += count;
  simd::GroupedSumInt64(group_of, Integers(arg, batch_rows), selection, count, num_groups, narrow_sums_.data());
}

}  // namespace tessera::engine
