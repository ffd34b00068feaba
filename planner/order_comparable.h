// SPDX-License-Identifier: Apache-2.0
// When a comparison between a column and a constant may be answered by something that orders values
// itself (an index, storage's comparison of encoded values) instead of the engine's operator: shared by
// index selection and scan filter pushdown.
#pragma once

#include <optional>
#include <string>

#include "base/types.h"
#include "engine/expression.h"
#include "storage/chunk_predicate.h"

namespace tessera::planner {

// True when comparing a `column` value with a `value` value orders them as engine::CompareValues and
// storage's physical comparison do: integers with integers, floats with floats, text-family with
// text-family (bytewise, collation "C"), and bool, numeric, bytea, date, time, timestamp, timestamptz,
// interval with the same type. Not bpchar (trailing spaces do not count), not cross-type conversions.
bool OrderComparable(TypeId column, TypeId value);

// The column a comparison side reads, directly or through a cast that keeps values and their order
// (integer widening, varchar or name to text); nullptr when the side is something else.
const engine::BoundExpr* OrderPreservingColumn(const engine::BoundExpr& side);

// The comparison an operator name stands for (=, <>, <, <=, >, >=); nullopt for any other name.
std::optional<storage::CompareOp> ComparisonOperator(const std::string& name);

}  // namespace tessera::planner
