// SPDX-License-Identifier: Apache-2.0
// The `vector(n)` SQL type (pgvector's): a non-empty list of finite float32 elements. In a Vector it is a
// kString value whose bytes are the elements as little-endian IEEE float32, 4 bytes each, with no header
// (so the byte length is 4 * dimensions); the payload may lie at any alignment. The typmod is the
// dimension count itself (-1 when unconstrained), as pgvector's vector_typmod_in returns it.
//
// Text input and output and the errors follow pgvector's vector_in/vector_out/CheckDim/CheckExpectedDim.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tessera {

// pgvector's VECTOR_MAX_DIM.
constexpr int kMaxVectorDimensions = 16000;
// pg_type.oid of `vector`. pgvector gets a dynamic OID at CREATE EXTENSION; Tessera's is fixed, taken from
// the range PostgreSQL leaves to objects made during initdb (12000-16383), which Tessera does not use
// otherwise, so no table or built-in function OID can collide with it.
constexpr uint32_t kVectorTypeOid = 12600;

// Number of elements in a payload.
inline int VectorDimensions(std::string_view payload) { return static_cast<int>(payload.size() / sizeof(float)); }

// Element `index` of a payload.
inline float VectorElement(std::string_view payload, int index) {
  float value;
  std::memcpy(&value, payload.data() + static_cast<size_t>(index) * sizeof(float), sizeof(float));
  return value;
}

// Parses vector_in's text form: '[' elements separated by ',' ']', spaces allowed around each part,
// elements read as strtof does (exponents, hex floats). Returns the payload. Throws 22P02 for bad syntax,
// 22003 for an element out of float4's range, 22000 for NaN, infinity or no elements ("[]"), 54000 for
// more than kMaxVectorDimensions, and 22000 "expected N dimensions, not M" when `typmod` is not -1 and
// differs from the count.
std::string ParseVector(std::string_view text, int32_t typmod = -1);

// vector_out: '[' the shortest text of each element that reads back exactly, ',' between, ']'.
std::string FormatVector(std::string_view payload);

// pgvector's vector_cmp_internal: element by element (as floats, so -0 equals 0), then the vector with
// fewer dimensions first. Returns -1, 0 or 1.
int CompareVectors(std::string_view a, std::string_view b);

// The payload with every -0 element made +0, so that vectors equal under CompareVectors have equal bytes
// (for hashing and grouping keys). Returns `payload` itself when it has no -0, else `scratch`'s bytes.
std::string_view CanonicalVectorPayload(std::string_view payload, std::string& scratch);

// Throws pgvector's errors for a dimension count: 22000 below 1, 54000 above kMaxVectorDimensions.
void CheckVectorDimensions(int64_t dimensions);
// Throws 22000 "expected N dimensions, not M" when `typmod` is not -1 and differs from `dimensions`.
void CheckVectorTypmod(int32_t typmod, int dimensions);
// Throws 22000 "NaN not allowed in vector" / "infinite value not allowed in vector".
void CheckVectorElement(float value);

// Appends `value` to a payload under construction.
inline void AppendVectorElement(std::string& payload, float value) {
  char bytes[sizeof(float)];
  std::memcpy(bytes, &value, sizeof(float));
  payload.append(bytes, sizeof(float));
}

}  // namespace tessera
