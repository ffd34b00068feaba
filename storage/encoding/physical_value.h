// SPDX-License-Identifier: Apache-2.0
// Values by physical type, as the chunk format needs them: SQL order (floats: NaN above everything,
// -0.0 equal to 0.0; strings bytewise), the fixed-width byte form of float/interval/numeric values kept
// bit for bit, and the byte form of min/max statistics (storage/FORMAT.md, "Statistics").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/types.h"
#include "base/value.h"
#include "storage/encoding/fixed_body.h"

namespace tessera::storage {

// Compares two non-NULL values of physical type `type` in SQL order: -1, 0 or 1.
int ComparePhysical(PhysicalType type, const Value& left, const Value& right);
// PostgreSQL's float order: NaN equals NaN and sorts above every other value; -0.0 equals 0.0.
int CompareFloatSql(double left, double right);

// The logical type a chunk's statistics carry for a physical type (int64 for all integers but bool and
// int2/int4, float4/float8, numeric, text, interval).
LogicalType StatsType(PhysicalType type);

// The width of one value in a FixedBody: float4 4, float8 8, interval 16 (micros, days, months),
// numeric 20 (128-bit unscaled value, then the scale); 0 for types that are not stored as FixedBody.
size_t FixedWidth(PhysicalType type);
// SQL order of two FixedBody values, ties broken by their bytes, so equal values with different bits
// (-0.0 and 0.0, 1.0 and 1.00) get distinct, consistently ordered dictionary entries.
FixedLess FixedLessFor(PhysicalType type);
// Copies the vector row at `data` (PhysicalWidth bytes) to its FixedWidth byte form and back.
void ToFixedBytes(PhysicalType type, const void* data, char* bytes);
void FromFixedBytes(PhysicalType type, const char* bytes, void* data);
// The value of FixedBody bytes.
Value FixedBytesToValue(PhysicalType type, const char* bytes);

// Statistics bytes: integers as i64, floats and fixed types in FixedWidth form, strings as they are.
std::string StatsBytes(PhysicalType type, const Value& value);
// Returns false when `bytes` has the wrong size for the type.
bool StatsValue(PhysicalType type, std::string_view bytes, Value* value);

}  // namespace tessera::storage
