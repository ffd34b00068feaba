// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: the cast families CastVector dispatches to. Each fills `result` (already
// typed as `target` and sized to the input) for the non-NULL rows and marks the NULL rows; each
// REQUIRES a pair that GetCastContext accepts for its family.
#pragma once

#include <string>

#include "engine/function/scalar_function.h"

namespace tessera::engine::builtin {

// Between bool, int2/int4/int8, float4/float8, numeric (typmod applied) and oid.
void CastNumberVector(const Vector& input, const LogicalType& target, Vector& result);

// Between date, time, timestamp, timestamptz and interval, and their typmods (timestamp(p), time(p)).
void CastTemporalVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context);

// vector to vector(n) (checks the dimension count), integer[], real[] and double precision[] to vector
// (pgvector's array_to_vector), vector to real[] (vector_to_float4), and json arrays of numbers to vector.
void CastVectorType(const Vector& input, const LogicalType& target, Vector& result);

// Between array types, element by element with the element types' cast (REQUIRES both array types).
void CastArrayVector(const Vector& input, const LogicalType& target, Vector& result, ExecContext& context,
                     bool explicit_cast);

// Any type to a string-family target (text, varchar(n), char(n), name) through the type's output
// function, then fitted to the target's length: over-long values raise 22001 unless the excess is spaces
// or `explicit_cast` (which truncates).
void CastToStringVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context,
                        bool explicit_cast);

// A string-family or unknown value to any type through that type's input function.
void CastFromStringVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context);

// The text a cast to text produces for row `row` (not NULL) of `input`: bool as "true"/"false",
// timestamptz in the session's zone, bpchar without trailing spaces.
std::string FormatAsText(const Vector& input, idx_t row, const ExecContext& context);

// Fits `text` to a varchar(n)/char(n)/name target as PostgreSQL's length coercion does.
std::string FitToStringType(std::string_view text, const LogicalType& target, bool explicit_cast);

// Rounds a timestamp or time to `precision` fractional digits (0..6), half away from zero.
int64_t RoundToPrecision(int64_t micros, int32_t precision);

// Marks in `result` the rows that are NULL in `input`.
void CopyNulls(const Vector& input, idx_t count, Vector& result);

}  // namespace tessera::engine::builtin
