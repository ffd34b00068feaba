// SPDX-License-Identifier: Apache-2.0
// Scan filters: their text, statistics tests and evaluation on decoded vectors.
#include "storage/scan_filter.h"

#include "base/check.h"
#include "simd/filter/compare.h"
#include "storage/encoding/physical_value.h"
#include "storage/kernel_comparison.h"

namespace tessera::storage {
namespace {

const char* OperatorText(CompareOp op) {
  switch (op) {
    case CompareOp::kEqual: return "=";
    case CompareOp::kNotEqual: return "<>";
    case CompareOp::kLess: return "<";
    case CompareOp::kLessEqual: return "<=";
    case CompareOp::kGreater: return ">";
    case CompareOp::kGreaterEqual: return ">=";
  }
  return "?";
}

int ThreeWay(const auto& left, const auto& right) { return left < right ? -1 : (right < left ? 1 : 0); }

// Keeps the selected non-NULL rows for which `compare(row)` (the order of the row's value against the
// constant) satisfies `op`.
template <typename Compare>
idx_t KeepMatching(const Vector& vector, CompareOp op, Compare compare, sel_t* selection, idx_t count) {
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    const sel_t row = selection[index];
    selection[kept] = row;
    kept += !vector.IsNull(row) && CompareHolds(op, compare(row));
  }
  return kept;
}

template <typename T>
idx_t KeepMatchingIntegers(const Vector& vector, CompareOp op, int64_t constant, sel_t* selection, idx_t count) {
  const T* values = vector.Data<T>();
  return KeepMatching(vector, op, [values, constant](sel_t row) { return ThreeWay(int64_t{values[row]}, constant); },
                      selection, count);
}

template <typename T>
idx_t KeepMatchingFloats(const Vector& vector, CompareOp op, double constant, sel_t* selection, idx_t count) {
  const T* values = vector.Data<T>();
  return KeepMatching(vector, op, [values, constant](sel_t row) { return CompareFloatSql(values[row], constant); },
                      selection, count);
}

// Keeps the selected non-NULL rows whose value satisfies `value <op> constant` through the simd filter
// kernels, which compare every row of the selection's span [0, last selected row]: only when the selection
// fills a quarter of a span of at most kBatchSize rows. Returns false, doing nothing, otherwise.
template <typename T>
bool KeepBySimd(const Vector& vector, CompareOp op, T constant, sel_t* selection, idx_t* count) {
  if (*count == 0) return false;
  const idx_t span = idx_t{selection[*count - 1]} + 1;
  if (span > kBatchSize || *count * 4 < span) return false;
  sel_t matches[kBatchSize];
  idx_t matched = simd::CompareSelect(vector.Data<T>(), span, KernelComparison(op), constant, matches);
  if (*count < span) matched = simd::IntersectSelections(matches, matched, selection, *count, matches);
  idx_t kept = 0;
  for (idx_t index = 0; index < matched; ++index) {
    selection[kept] = matches[index];
    kept += !vector.IsNull(matches[index]);
  }
  *count = kept;
  return true;
}

idx_t KeepComparing(const Vector& vector, const ScanPredicate& predicate, sel_t* selection, idx_t count) {
  const Value& constant = predicate.constant;
  const CompareOp op = predicate.op;
  if (vector.physical_type() == PhysicalType::kInt64 &&
      KeepBySimd<int64_t>(vector, op, constant.GetInt(), selection, &count)) {
    return count;
  }
  if (vector.physical_type() == PhysicalType::kFloat64 &&
      KeepBySimd<double>(vector, op, constant.GetDouble(), selection, &count)) {
    return count;
  }
  switch (vector.physical_type()) {
    case PhysicalType::kBool: return KeepMatchingIntegers<uint8_t>(vector, op, constant.GetBool() ? 1 : 0, selection, count);
    case PhysicalType::kInt16: return KeepMatchingIntegers<int16_t>(vector, op, constant.GetInt(), selection, count);
    case PhysicalType::kInt32: return KeepMatchingIntegers<int32_t>(vector, op, constant.GetInt(), selection, count);
    case PhysicalType::kInt64: return KeepMatchingIntegers<int64_t>(vector, op, constant.GetInt(), selection, count);
    case PhysicalType::kFloat32: return KeepMatchingFloats<float>(vector, op, constant.GetDouble(), selection, count);
    case PhysicalType::kFloat64: return KeepMatchingFloats<double>(vector, op, constant.GetDouble(), selection, count);
    case PhysicalType::kDecimal: {
      const Decimal* values = vector.Data<Decimal>();
      const Decimal& target = constant.GetDecimal();
      return KeepMatching(vector, op, [values, &target](sel_t row) { return Decimal::Compare(values[row], target); },
                          selection, count);
    }
    case PhysicalType::kString: {
      const std::string_view* values = vector.Data<std::string_view>();
      const std::string_view target = constant.GetString();
      return KeepMatching(vector, op, [values, target](sel_t row) { return ThreeWay(values[row], target); }, selection,
                          count);
    }
    case PhysicalType::kInterval: {
      const Interval* values = vector.Data<Interval>();
      const Interval& target = constant.GetInterval();
      return KeepMatching(vector, op,
                          [values, &target](sel_t row) { return datetime::CompareIntervals(values[row], target); },
                          selection, count);
    }
    case PhysicalType::kUuid: {
      const Uuid* values = vector.Data<Uuid>();
      const Uuid& target = constant.GetUuid();
      return KeepMatching(vector, op, [values, &target](sel_t row) { return ThreeWay(values[row], target); }, selection,
                          count);
    }
    case PhysicalType::kInvalid: return 0;  // every row is NULL
  }
  return 0;
}

idx_t KeepNullness(const Vector& vector, bool want_null, sel_t* selection, idx_t count) {
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    const sel_t row = selection[index];
    selection[kept] = row;
    kept += vector.IsNull(row) == want_null;
  }
  return kept;
}

}  // namespace

std::string ScanPredicate::ToString(const std::string& column_name) const {
  const std::string name = column_name.empty() ? "c" + std::to_string(column) : column_name;
  switch (kind) {
    case ScanPredicateKind::kIsNull: return name + " IS NULL";
    case ScanPredicateKind::kIsNotNull: return name + " IS NOT NULL";
    case ScanPredicateKind::kCompare: break;
  }
  const TypeId type = constant.type().id;
  const bool quoted = IsStringFamily(type) || IsTemporal(type);
  return name + " " + OperatorText(op) + " " + (quoted ? "'" + constant.ToString() + "'" : constant.ToString());
}

std::string ScanFilter::ToString() const {
  std::string text;
  for (const ScanPredicate& predicate : predicates) text += (text.empty() ? "" : " AND ") + predicate.ToString();
  return text;
}

bool FilterApplies(const ScanFilter& filter, const std::vector<LogicalType>& column_types) {
  for (const ScanPredicate& predicate : filter.predicates) {
    if (predicate.column < 0 || static_cast<size_t>(predicate.column) >= column_types.size()) return false;
    if (!PredicateApplies(predicate, GetPhysicalType(column_types[predicate.column]))) return false;
  }
  return true;
}

CompareOp FlipCompareOp(CompareOp op) {
  switch (op) {
    case CompareOp::kLess: return CompareOp::kGreater;
    case CompareOp::kLessEqual: return CompareOp::kGreaterEqual;
    case CompareOp::kGreater: return CompareOp::kLess;
    case CompareOp::kGreaterEqual: return CompareOp::kLessEqual;
    case CompareOp::kEqual:
    case CompareOp::kNotEqual: break;
  }
  return op;
}

bool PredicateMayMatch(PhysicalType type, const ChunkStats& stats, const ScanPredicate& predicate) {
  switch (predicate.kind) {
    case ScanPredicateKind::kIsNull: return stats.null_count > 0;
    case ScanPredicateKind::kIsNotNull: return stats.has_value;
    case ScanPredicateKind::kCompare: break;
  }
  return StatsMayMatch(type, stats, predicate.op, predicate.constant);
}

bool PredicateAlwaysMatches(PhysicalType type, const ChunkStats& stats, const ScanPredicate& predicate) {
  switch (predicate.kind) {
    case ScanPredicateKind::kIsNull: return stats.null_count == stats.num_rows;
    case ScanPredicateKind::kIsNotNull: return stats.null_count == 0;
    case ScanPredicateKind::kCompare: break;
  }
  if (!stats.has_value || stats.null_count > 0 || predicate.constant.is_null()) return false;
  const int min_order = ComparePhysical(type, stats.min, predicate.constant);
  const int max_order = ComparePhysical(type, stats.max, predicate.constant);
  switch (predicate.op) {
    case CompareOp::kEqual: return min_order == 0 && max_order == 0;
    case CompareOp::kNotEqual: return min_order > 0 || max_order < 0;
    case CompareOp::kLess: return max_order < 0;
    case CompareOp::kLessEqual: return max_order <= 0;
    case CompareOp::kGreater: return min_order > 0;
    case CompareOp::kGreaterEqual: return min_order >= 0;
  }
  return false;
}

idx_t FilterSelection(const Vector& vector, const ScanPredicate& predicate, sel_t* selection, idx_t count) {
  switch (predicate.kind) {
    case ScanPredicateKind::kIsNull: return KeepNullness(vector, true, selection, count);
    case ScanPredicateKind::kIsNotNull: return KeepNullness(vector, false, selection, count);
    case ScanPredicateKind::kCompare: break;
  }
  TESSERA_CHECK(!predicate.constant.is_null());
  return KeepComparing(vector, predicate, selection, count);
}

}  // namespace tessera::storage
