// SPDX-License-Identifier: Apache-2.0
// ScanFilter: the part of a WHERE clause a table scan can evaluate itself, a conjunction of
// `column <op> constant`, `column IS NULL` and `column IS NOT NULL` on table columns. The planner
// extracts it (planner/scan_filter_pushdown.h); scans use it to skip row groups and segments by their
// statistics and to select rows on encoded data (storage/segment_scan.h) or on decoded vectors
// (FilterSelection, for the in-memory delta).
//
// Semantics: a row passes when every predicate holds; a comparison never holds for a NULL value. Values
// compare in the SQL order of the column's physical type (storage/encoding/physical_value.h), which is
// the order of the engine's comparison operators on those types. A scan may return rows that fail the
// filter only for a predicate it cannot apply (PredicateApplies false), never drops rows that pass.
// `exact` says the planner found every conjunct of the WHERE here, so a scan for which FilterApplies
// holds returns exactly the rows the WHERE keeps and the WHERE need not be evaluated again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/value.h"
#include "base/vector.h"
#include "storage/chunk_predicate.h"
#include "storage/encoding/chunk_values.h"
#include "storage/vector_sketch.h"

namespace tessera::storage {

enum class ScanPredicateKind : uint8_t { kCompare, kIsNull, kIsNotNull };

struct ScanPredicate {
  int column = -1;  // table column index
  ScanPredicateKind kind = ScanPredicateKind::kCompare;
  CompareOp op = CompareOp::kEqual;  // kCompare only
  Value constant;                    // kCompare only: non-NULL, of the column's physical type

  static ScanPredicate Compare(int column, CompareOp op, Value constant) {
    return ScanPredicate{column, ScanPredicateKind::kCompare, op, std::move(constant)};
  }
  static ScanPredicate IsNull(int column, bool negated) {
    return ScanPredicate{column, negated ? ScanPredicateKind::kIsNotNull : ScanPredicateKind::kIsNull,
                         CompareOp::kEqual, Value()};
  }
  // "c3 >= 10", "c1 = 'a'", "c0 IS NULL" (or with `column_name` for the column): for tests and plan text.
  std::string ToString(const std::string& column_name = "") const;
};

struct ScanFilter {
  std::vector<ScanPredicate> predicates;
  bool exact = false;  // the predicates are the whole WHERE of the scan, not a part of it
  // Set by the engine's top-N over the scan (not by the planner): the scan may leave out the rows of
  // segment row groups that cannot be among the consumer's first rows (storage/vector_sketch.h). Rows
  // are then no longer a superset of those passing the predicates alone.
  std::optional<NearestRows> nearest;

  bool empty() const { return predicates.empty() && !nearest; }
  // The predicates joined by " AND ".
  std::string ToString() const;
};

// Whether a scan evaluates `predicate` on a column of physical type `type`: a comparison whose constant
// has another physical type is ignored (the filter is only a hint).
inline bool PredicateApplies(const ScanPredicate& predicate, PhysicalType type) {
  return predicate.kind != ScanPredicateKind::kCompare || GetPhysicalType(predicate.constant.type()) == type;
}

// Returns whether a scan of a table with `column_types` applies every predicate of `filter` (each names a
// column of the table and its constant has that column's physical type).
bool FilterApplies(const ScanFilter& filter, const std::vector<LogicalType>& column_types);
// Whether `filter` is the scan's whole WHERE (`exact`) and a scan of a table with `column_types` applies
// it, so nothing evaluates the WHERE again.
inline bool FilterAppliesExactly(const ScanFilter& filter, const std::vector<LogicalType>& column_types) {
  return filter.exact && FilterApplies(filter, column_types);
}

// Returns the operator that holds for (constant, value) when `op` holds for (value, constant):
// `5 < c` is `c > 5`.
CompareOp FlipCompareOp(CompareOp op);

// Returns false only when no row of a chunk with statistics `stats` (of physical type `type`) can
// satisfy `predicate`.
bool PredicateMayMatch(PhysicalType type, const ChunkStats& stats, const ScanPredicate& predicate);
// Returns true only when every row of such a chunk satisfies `predicate` (no evaluation needed).
bool PredicateAlwaysMatches(PhysicalType type, const ChunkStats& stats, const ScanPredicate& predicate);

// Keeps those of the rows selection[0, count) of `vector` that satisfy `predicate` (whose column is
// `vector`), in order, in selection[0, result); returns their number. Works on decoded values.
// REQUIRES: `vector` has the physical type the predicate's constant was made for.
idx_t FilterSelection(const Vector& vector, const ScanPredicate& predicate, sel_t* selection, idx_t count);

}  // namespace tessera::storage
