// SPDX-License-Identifier: Apache-2.0
// Text input and output of the scalar types whose format PostgreSQL defines (integers, floats, booleans,
// bytea), with PostgreSQL's errors: 22P02 for bad text, 22003 for out-of-range values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::text_format {

// int2in/int4in/int8in: optional surrounding spaces, sign, decimal digits (PostgreSQL 15 rules).
// `type_name` names the type in the error: invalid input syntax for type integer: "abc".
int16_t ParseInt16(std::string_view text);
int32_t ParseInt32(std::string_view text);
int64_t ParseInt64(std::string_view text);
// float4in/float8in: decimal, exponent, 'NaN', 'Infinity', '-inf' (case-insensitive), spaces around.
float ParseFloat32(std::string_view text);
double ParseFloat64(std::string_view text);
// boolin: t/f/true/false/yes/no/on/off/1/0, case-insensitive, unique prefixes, spaces around.
bool ParseBool(std::string_view text);
// byteain: hex format (\x0a0b) and escape format.
std::string ParseBytea(std::string_view text);

// float4out/float8out. With extra_float_digits > 0 (PostgreSQL's default 1): the shortest text that reads
// back exactly, in %g layout (exponent when < -4 or >= 15 (float8) / 6 (float4) digits); otherwise %g with
// 15 (float8) / 6 (float4) + extra_float_digits significant digits. "NaN", "Infinity", "-Infinity", "-0".
std::string FormatFloat64(double value, int extra_float_digits = 1);
std::string FormatFloat32(float value, int extra_float_digits = 1);
// byteaout: hex format (\x0a0b), or with `escape_format` (bytea_output = escape) printable ASCII with
// other bytes as \ooo and '\' as \\.
std::string FormatBytea(std::string_view bytes, bool escape_format = false);

}  // namespace tessera::text_format
