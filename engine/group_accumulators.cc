// SPDX-License-Identifier: Apache-2.0
// GroupAccumulator: the per-batch updates of direct-indexed aggregate accumulators with the simd kernels.
#include "engine/group_accumulators.h"

#include <algorithm>

#include "engine/encoded_aggregate.h"
#include "simd/aggregate/aggregate.h"
#include "storage/encoding/physical_value.h"

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
      decimal_sums_.resize(num_groups);
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

void GroupAccumulator::UpdateValues(const int64_t* ints, const double* doubles, bool wide_ints, const uint32_t* codes,
                                    const uint32_t* selection, size_t count, size_t num_codes) {
  Grow(num_codes);
  switch (kind_) {
    case DenseAggregate::kSumInt:
      if (wide_ints) {
        for (size_t index = 0; index < count; ++index) {
          const size_t row = selection == nullptr ? index : selection[index];
          wide_sums_[codes[row]] += ints[row];
        }
      } else {
        // A code's narrow sum holds at most one run of row groups' int2/int4 values (hash_aggregate.cc
        // ends a run at 2^24 rows; values < 2^31).
        simd::GroupedSumInt64(codes, ints, selection, count, num_codes, narrow_sums_.data());
      }
      break;
    case DenseAggregate::kSumDouble:
      if (ints != nullptr) {  // decimal offsets (TakeDecimals)
        simd::GroupedSumInt64(codes, ints, selection, count, num_codes, decimal_sums_.data());
      } else {
        simd::GroupedSumDouble(codes, doubles, selection, count, num_codes, double_sums_.data());
      }
      break;
    case DenseAggregate::kMin:
      if (doubles != nullptr) {
        simd::GroupedMinDouble(codes, doubles, selection, count, num_codes, double_extremes_.data(), seen_.data());
      } else {
        simd::GroupedMinInt64(codes, ints, selection, count, num_codes, int_extremes_.data(), seen_.data());
      }
      break;
    case DenseAggregate::kMax:
      if (doubles != nullptr) {
        simd::GroupedMaxDouble(codes, doubles, selection, count, num_codes, double_extremes_.data(), seen_.data());
      } else {
        simd::GroupedMaxInt64(codes, ints, selection, count, num_codes, int_extremes_.data(), seen_.data());
      }
      break;
    default: break;
  }
}

bool GroupAccumulator::TakeDecimals(const DecimalChunk& chunk, uint64_t rows) {
  // Offsets (below `largest`) add before the reference does: twice `largest` per row bounds both.
  constexpr double kLimit = 4611686018427387904.0;  // 2^62
  const double magnitude = decimal_magnitude_ + 2.0 * static_cast<double>(chunk.largest) * static_cast<double>(rows);
  if (kind_ != DenseAggregate::kSumDouble || (decimal_scale_ >= 0 && decimal_scale_ != chunk.scale) ||
      !(magnitude < kLimit)) {
    return false;
  }
  decimal_scale_ = chunk.scale;
  decimal_divisor_ = chunk.divisor;
  decimal_magnitude_ = magnitude;
  return true;
}

void GroupAccumulator::AddDecimalReference(int64_t reference, const uint32_t* code_rows, const uint32_t* rows_before,
                                           size_t num_codes) {
  Grow(num_codes);
  if (reference == 0) return;
  for (size_t code = 0; code < num_codes; ++code) {
    decimal_sums_[code] += reference * static_cast<int64_t>(code_rows[code] - rows_before[code]);
  }
}

void GroupAccumulator::AddCodes(GroupAccumulator& by_code, const uint32_t* code_rows, const uint32_t* codes,
                                const uint32_t* groups, size_t n, size_t num_groups) {
  Grow(num_groups);
  for (size_t index = 0; index < n; ++index) counts_[groups[index]] += code_rows[codes[index]];
  switch (kind_) {
    case DenseAggregate::kSumInt:
      for (size_t index = 0; index < n; ++index) {
        const uint32_t code = codes[index];
        wide_sums_[groups[index]] += by_code.wide_sums_[code] + by_code.narrow_sums_[code];
        by_code.wide_sums_[code] = 0;
        by_code.narrow_sums_[code] = 0;
      }
      break;
    case DenseAggregate::kSumDouble:
      for (size_t index = 0; index < n; ++index) {
        const uint32_t code = codes[index];
        double sum = by_code.double_sums_[code];
        if (by_code.decimal_scale_ >= 0) {
          sum += static_cast<double>(by_code.decimal_sums_[code]) / by_code.decimal_divisor_;
          by_code.decimal_sums_[code] = 0;
        }
        double_sums_[groups[index]] += sum;
        by_code.double_sums_[code] = 0;
      }
      by_code.decimal_scale_ = -1;
      by_code.decimal_magnitude_ = 0;
      break;
    case DenseAggregate::kMin:
    case DenseAggregate::kMax: {
      const bool min = kind_ == DenseAggregate::kMin;
      for (size_t index = 0; index < n; ++index) {
        const uint32_t code = codes[index];
        const uint32_t group = groups[index];
        if (!by_code.seen_[code]) continue;
        by_code.seen_[code] = 0;
        // An accumulator holds integer or double extremes, never both: the other pair stays 0 and equal.
        const int64_t ints = by_code.int_extremes_[code];
        const double doubles = by_code.double_extremes_[code];
        // PostgreSQL's float8 order (storage::CompareFloatSql): NaN above all, -0 equal to +0.
        const int ints_order = ints < int_extremes_[group] ? -1 : (int_extremes_[group] < ints ? 1 : 0);
        const int doubles_order = storage::CompareFloatSql(doubles, double_extremes_[group]);
        const bool replace =
            !seen_[group] || (min ? ints_order < 0 || doubles_order < 0 : ints_order > 0 || doubles_order > 0);
        if (!replace) continue;
        seen_[group] = 1;
        int_extremes_[group] = ints;
        double_extremes_[group] = doubles;
      }
      break;
    }
    default: break;
  }
}

}  // namespace tessera::engine
