// SPDX-License-Identifier: Apache-2.0
// Text input and output of the vector type, with pgvector's checks and messages.
#include "base/vector_value.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "base/error.h"
#include "base/text_format.h"

namespace tessera {
namespace {

// The payload is the host's float bytes; it is defined as little-endian.
static_assert(std::endian::native == std::endian::little, "vector payloads assume a little-endian host");

// pgvector's vector_isspace (the array parser's whitespace).
bool IsVectorSpace(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

[[noreturn]] void ThrowSyntax(std::string_view text, std::string detail = {}) {
  SqlError error(SqlState::kInvalidTextRepresentation, "invalid input syntax for type vector: \"" + std::string(text) + "\"");
  if (detail.empty()) throw error;
  throw std::move(error).WithDetail(std::move(detail));
}

bool IsNegativeZero(float value) { return value == 0 && std::signbit(value); }

const char* SkipSpaces(const char* pos) {
  while (IsVectorSpace(*pos)) ++pos;
  return pos;
}

}  // namespace

void CheckVectorDimensions(int64_t dimensions) {
  if (dimensions < 1) throw SqlError(SqlState::kDataException, "vector must have at least 1 dimension");
  if (dimensions > kMaxVectorDimensions) {
    throw SqlError(SqlState::kProgramLimitExceeded,
                   "vector cannot have more than " + std::to_string(kMaxVectorDimensions) + " dimensions");
  }
}

void CheckVectorTypmod(int32_t typmod, int dimensions) {
  if (typmod != -1 && typmod != dimensions) {
    throw SqlError(SqlState::kDataException,
                   "expected " + std::to_string(typmod) + " dimensions, not " + std::to_string(dimensions));
  }
}

void CheckVectorElement(float value) {
  if (std::isnan(value)) throw SqlError(SqlState::kDataException, "NaN not allowed in vector");
  if (std::isinf(value)) throw SqlError(SqlState::kDataException, "infinite value not allowed in vector");
}

std::string ParseVector(std::string_view text, int32_t typmod) {
  const std::string copy(text);  // strtof needs a terminated string
  const char* pos = SkipSpaces(copy.c_str());
  if (*pos != '[') ThrowSyntax(text, "Vector contents must start with \"[\".");
  pos = SkipSpaces(pos + 1);
  if (*pos == ']') CheckVectorDimensions(0);

  std::string payload;
  for (int dimensions = 0;; ++dimensions) {
    if (dimensions == kMaxVectorDimensions) CheckVectorDimensions(dimensions + 1);
    pos = SkipSpaces(pos);
    if (*pos == '\0') ThrowSyntax(text);
    char* end = nullptr;
    errno = 0;
    const float value = std::strtof(pos, &end);
    if (end == pos) ThrowSyntax(text);
    if (errno == ERANGE && std::isinf(value)) {
      throw SqlError(SqlState::kNumericValueOutOfRange,
                     "\"" + std::string(pos, static_cast<size_t>(end - pos)) + "\" is out of range for type vector");
    }
    CheckVectorElement(value);
    AppendVectorElement(payload, value);
    pos = SkipSpaces(end);
    if (*pos == ']') break;
    if (*pos != ',') ThrowSyntax(text);
    ++pos;
  }
  if (*SkipSpaces(pos + 1) != '\0') ThrowSyntax(text, "Junk after closing right brace.");
  CheckVectorTypmod(typmod, VectorDimensions(payload));
  return payload;
}

int CompareVectors(std::string_view a, std::string_view b) {
  const int common = std::min(VectorDimensions(a), VectorDimensions(b));
  for (int index = 0; index < common; ++index) {
    const float x = VectorElement(a, index);
    const float y = VectorElement(b, index);
    if (x != y) return x < y ? -1 : 1;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

std::string_view CanonicalVectorPayload(std::string_view payload, std::string& scratch) {
  const int dimensions = VectorDimensions(payload);
  int first_negative_zero = 0;
  while (first_negative_zero < dimensions && !IsNegativeZero(VectorElement(payload, first_negative_zero))) {
    ++first_negative_zero;
  }
  if (first_negative_zero == dimensions) return payload;
  scratch.assign(payload);
  for (int index = first_negative_zero; index < dimensions; ++index) {
    if (IsNegativeZero(VectorElement(payload, index))) {
      std::memset(scratch.data() + static_cast<size_t>(index) * sizeof(float), 0, sizeof(float));
    }
  }
  return scratch;
}

std::string FormatVector(std::string_view payload) {
  std::string out = "[";
  const int dimensions = VectorDimensions(payload);
  for (int index = 0; index < dimensions; ++index) {
    if (index > 0) out += ',';
    out += text_format::FormatFloat32(VectorElement(payload, index), 1);
  }
  out += ']';
  return out;
}

}  // namespace tessera
