// SPDX-License-Identifier: Apache-2.0
// Casts between array types (integer[] -> double precision[], real[] -> integer[], ...): PostgreSQL's
// array coercion, which casts every element with the element types' cast.
#include "engine/function/array_text.h"
#include "engine/function/cast_kernels.h"

namespace tessera::engine::builtin {

namespace {

// The array text of `elements` (nullopt for NULL), each element cast from `source` to `target`.
std::string CastElements(const std::vector<std::optional<std::string>>& elements, const LogicalType& source,
                         const LogicalType& target, ExecContext& context, bool explicit_cast) {
  Vector texts(LogicalType(TypeId::kText), static_cast<idx_t>(elements.size()));
  for (size_t index = 0; index < elements.size(); ++index) {
    if (elements[index]) texts.SetString(index, *elements[index]);
    else texts.SetNull(index, true);
  }
  Vector typed, converted, printed;
  CastVector(texts, source, typed, context, true);
  CastVector(typed, target, converted, context, explicit_cast);
  CastVector(converted, LogicalType(TypeId::kText), printed, context, true);
  std::string out = "{";
  for (idx_t index = 0; index < printed.size(); ++index) {
    if (index > 0) out += ',';
    if (printed.IsNull(index)) out += "NULL";
    else AppendArrayElement(out, printed.GetString(index));
  }
  out += '}';
  return out;
}

}  // namespace

void CastArrayVector(const Vector& input, const LogicalType& target, Vector& result, ExecContext& context,
                     bool explicit_cast) {
  const LogicalType source_element = *ArrayElementType(input.type().id);
  const LogicalType target_element = *ArrayElementType(target.id);
  // Float elements are printed in their shortest exact form whatever extra_float_digits says.
  ExecContext exact = context;
  exact.extra_float_digits = 1;
  for (idx_t row = 0; row < input.size(); ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
      continue;
    }
    const auto elements = ParseArrayElements(input.GetString(row));
    result.SetString(row, CastElements(elements, source_element, target_element, exact, explicit_cast));
  }
}

}  // namespace tessera::engine::builtin
