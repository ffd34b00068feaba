// SPDX-License-Identifier: Apache-2.0
// Binary wire format (format code 1) of every Tessera type: PostgreSQL 15's typsend/typrecv layouts,
// from a vector cell or Value to bytes, and from bytes (a Bind parameter, a result field from another
// server) to a Value or a vector cell. The server (protocol/) and the remote client (engine/remote/) share it.
//
// Layouts (all integers big-endian): bool 1 byte; int2/int4/int8 two's complement; float4/float8 IEEE
// bits; numeric int16 ndigits, int16 weight, uint16 sign, uint16 dscale, then ndigits base-10000 digits;
// text/varchar/bpchar/name raw UTF-8; bytea raw; date int32 days and time/timestamp/timestamptz int64
// microseconds since 2000-01-01 (time: since midnight); interval int64 microseconds, int32 days, int32
// months; oid uint32; one-dimensional arrays as array_send (ndim, has-nulls flag, element OID, size and
// lower bound, then length-prefixed elements).
#pragma once

#include <string>
#include <string_view>

#include "base/decimal.h"
#include "base/types.h"
#include "base/value.h"
#include "base/vector.h"
#include "base/wire_bytes.h"

namespace tessera {

// Decodes a Bind parameter sent in binary format as a Value of `type` (kUnknown reads as text).
// `parameter_number` (1-based) names the parameter in errors. Throws SqlError: 08P01 "insufficient data
// left in message" when the bytes are too short; 22P03 "incorrect binary data format in bind parameter N"
// when bytes are left over; the type's own input errors (22P03 invalid numeric fields, 22008 out-of-range
// dates and timestamps, 22021 invalid UTF-8, 42622 over-long names).
Value DecodeBinaryParameter(const LogicalType& type, std::string_view bytes, int parameter_number);

// Decodes one non-NULL field of a binary result (a DataRow or binary COPY field) into row `row` of
// `column`, as `column.type()`. Throws the type's input errors, and SqlError 08P01 "incorrect binary data
// format in result column N" (`column_number` 1-based) when the bytes are too long. REQUIRES: row <
// column->size().
void DecodeBinaryCell(std::string_view bytes, int column_number, Vector* column, idx_t row);

// Appends the binary send form of `column`'s value at `row`. REQUIRES: !column.IsNull(row).
void EncodeBinaryCell(const Vector& column, idx_t row, std::string* out);
// Appends the binary send form of `value`. REQUIRES: !value.is_null().
void EncodeBinaryValue(const Value& value, std::string* out);

// COPY's binary format: the file signature, the header (signature, flags 0, no header extension), and
// one tuple (the field count, then each field as a length, -1 for NULL, and its binary send form).
inline constexpr std::string_view kBinaryCopySignature("PGCOPY\n\377\r\n\0", 11);
void AppendBinaryCopyHeader(std::string* out);
void AppendBinaryCopyRow(const Batch& batch, idx_t row, std::string* out);

// numeric_send / numeric_recv. Decoding truncates digits beyond dscale, as PostgreSQL does; NaN and
// infinities raise 0A000 (Decimal cannot hold them), more than 38 significant digits 22003.
void EncodeNumericBinary(const Decimal& value, std::string* out);
Decimal DecodeNumericBinary(ByteReader& reader);

// array_send / array_recv for the array types Tessera keeps as text in array syntax ("{a,NULL,"b c"}").
// Only one-dimensional arrays are supported (others raise 0A000).
void EncodeArrayBinary(TypeId array_type, std::string_view array_text, std::string* out);
std::string DecodeArrayBinary(TypeId array_type, ByteReader& reader);
// The element type of an array type (kTextArray -> kText, ...); kUnknown for non-array types.
TypeId ArrayElementType(TypeId array_type);

}  // namespace tessera
