// SPDX-License-Identifier: Apache-2.0
// One-dimensional arrays as Tessera stores them: the text of PostgreSQL's array output ({a,"b c",NULL}).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/types.h"

namespace tessera::engine {

// The elements of a one-dimensional array literal (nullopt for NULL elements). Throws 22P02 when
// malformed; 0A000 for multi-dimensional arrays.
std::vector<std::optional<std::string>> ParseArrayElements(std::string_view text);
// Appends one element to array output text, quoted as array_out does.
void AppendArrayElement(std::string& out, std::string_view element);
// Reads real[] / double precision[] (`array`) array text, each element as float4in/float8in does, and
// prints it back as array_out does with `extra_float_digits` (1: the shortest exact form, the stored
// one). Throws 22P02 for a malformed array or element, 22003 for an element out of range.
std::string ReformatFloatArray(TypeId array, std::string_view text, int extra_float_digits);
// array_cmp over two stored arrays of type `array`: element by element (numbers by value with float
// order, -0 = 0 and NaN above all; text bytewise; a NULL element after any value), then the shorter
// array first. Returns -1, 0 or 1.
int CompareArrays(TypeId array, std::string_view a, std::string_view b);
// A form of a stored number array in which arrays equal under CompareArrays have equal bytes ({01} and
// {1}, {-0} and {0}), for grouping and hashing keys; text arrays are returned as they are.
std::string CanonicalArrayKey(TypeId array, std::string_view text);
// The internal function that builds an array of type `array` from its elements as text (ARRAY[...]).
std::string ArrayConstructorName(TypeId array);
// The stored form of array input text for `array`: integer elements parsed as int2in/int4in/int8in do
// and printed plainly ({ 01 ,2} -> {1,2}), float elements as ReformatFloatArray, others kept as written.
// Throws the element type's input errors (22P02, 22003).
std::string CanonicalArrayText(TypeId array, std::string_view text);
// The element type of an array type (kInt32Array -> kInt32); nullopt for non-arrays.
std::optional<LogicalType> ArrayElementType(TypeId id);
// The array type of an element type (kInt32 -> kInt32Array); nullopt where Tessera has none.
std::optional<LogicalType> ArrayTypeOf(TypeId element);

}  // namespace tessera::engine
