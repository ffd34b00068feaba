// SPDX-License-Identifier: Apache-2.0
// Casts: which pairs PostgreSQL 15 allows and in which context (pg_cast plus the automatic I/O
// conversions to and from string types), and CastVector/CastValue, which dispatch to the cast families.
#include <array>

#include "engine/function/array_text.h"
#include "engine/function/cast_kernels.h"
#include "engine/function/scalar_function.h"

namespace tessera::engine {

namespace {

using builtin::CastFromStringVector;
using builtin::CastNumberVector;
using builtin::CastTemporalVector;
using builtin::CastToStringVector;

struct CastRule {
  TypeId source;
  TypeId target;
  CastContext context;
};

constexpr CastContext kI = CastContext::kImplicit;
constexpr CastContext kA = CastContext::kAssignment;
constexpr CastContext kE = CastContext::kExplicit;

// pg_cast rows among Tessera's types (castcontext as PostgreSQL 15 has it).
constexpr std::array kCastRules = {
    CastRule{TypeId::kInt16, TypeId::kInt32, kI},         CastRule{TypeId::kInt16, TypeId::kInt64, kI},
    CastRule{TypeId::kInt16, TypeId::kFloat32, kI},       CastRule{TypeId::kInt16, TypeId::kFloat64, kI},
    CastRule{TypeId::kInt16, TypeId::kNumeric, kI},       CastRule{TypeId::kInt16, TypeId::kOid, kI},
    CastRule{TypeId::kInt32, TypeId::kInt16, kA},         CastRule{TypeId::kInt32, TypeId::kInt64, kI},
    CastRule{TypeId::kInt32, TypeId::kFloat32, kI},       CastRule{TypeId::kInt32, TypeId::kFloat64, kI},
    CastRule{TypeId::kInt32, TypeId::kNumeric, kI},       CastRule{TypeId::kInt32, TypeId::kBool, kE},
    CastRule{TypeId::kInt32, TypeId::kOid, kI},           CastRule{TypeId::kInt64, TypeId::kInt16, kA},
    CastRule{TypeId::kInt64, TypeId::kInt32, kA},         CastRule{TypeId::kInt64, TypeId::kFloat32, kI},
    CastRule{TypeId::kInt64, TypeId::kFloat64, kI},       CastRule{TypeId::kInt64, TypeId::kNumeric, kI},
    CastRule{TypeId::kInt64, TypeId::kOid, kI},           CastRule{TypeId::kFloat32, TypeId::kInt16, kA},
    CastRule{TypeId::kFloat32, TypeId::kInt32, kA},       CastRule{TypeId::kFloat32, TypeId::kInt64, kA},
    CastRule{TypeId::kFloat32, TypeId::kFloat64, kI},     CastRule{TypeId::kFloat32, TypeId::kNumeric, kA},
    CastRule{TypeId::kFloat64, TypeId::kInt16, kA},       CastRule{TypeId::kFloat64, TypeId::kInt32, kA},
    CastRule{TypeId::kFloat64, TypeId::kInt64, kA},       CastRule{TypeId::kFloat64, TypeId::kFloat32, kA},
    CastRule{TypeId::kFloat64, TypeId::kNumeric, kA},     CastRule{TypeId::kNumeric, TypeId::kInt16, kA},
    CastRule{TypeId::kNumeric, TypeId::kInt32, kA},       CastRule{TypeId::kNumeric, TypeId::kInt64, kA},
    CastRule{TypeId::kNumeric, TypeId::kFloat32, kI},     CastRule{TypeId::kNumeric, TypeId::kFloat64, kI},
    CastRule{TypeId::kBool, TypeId::kInt32, kE},          CastRule{TypeId::kOid, TypeId::kInt32, kA},
    CastRule{TypeId::kOid, TypeId::kInt64, kA},           CastRule{TypeId::kDate, TypeId::kTimestamp, kI},
    CastRule{TypeId::kDate, TypeId::kTimestampTz, kI},    CastRule{TypeId::kTime, TypeId::kInterval, kI},
    CastRule{TypeId::kTimestamp, TypeId::kDate, kA},      CastRule{TypeId::kTimestamp, TypeId::kTime, kA},
    CastRule{TypeId::kTimestamp, TypeId::kTimestampTz, kI}, CastRule{TypeId::kTimestampTz, TypeId::kDate, kA},
    CastRule{TypeId::kTimestampTz, TypeId::kTime, kA},    CastRule{TypeId::kTimestampTz, TypeId::kTimestamp, kA},
    CastRule{TypeId::kInterval, TypeId::kTime, kA},       CastRule{TypeId::kTime, TypeId::kTimeTz, kI},
    CastRule{TypeId::kTimeTz, TypeId::kTime, kA},         CastRule{TypeId::kTimestampTz, TypeId::kTimeTz, kA},       CastRule{TypeId::kText, TypeId::kVarchar, kI},
    CastRule{TypeId::kText, TypeId::kChar, kI},           CastRule{TypeId::kText, TypeId::kName, kI},
    CastRule{TypeId::kVarchar, TypeId::kText, kI},        CastRule{TypeId::kVarchar, TypeId::kChar, kI},
    CastRule{TypeId::kVarchar, TypeId::kName, kI},        CastRule{TypeId::kChar, TypeId::kText, kI},
    CastRule{TypeId::kChar, TypeId::kVarchar, kI},        CastRule{TypeId::kChar, TypeId::kName, kI},
    CastRule{TypeId::kName, TypeId::kText, kI},           CastRule{TypeId::kName, TypeId::kVarchar, kA},
    CastRule{TypeId::kName, TypeId::kChar, kA},
    // pgvector's casts (its cast from numeric[] needs an array type Tessera does not have yet), and
    // Tessera's json -> vector for a JSON array of numbers.
    CastRule{TypeId::kInt32Array, TypeId::kVector, kA},   CastRule{TypeId::kFloat32Array, TypeId::kVector, kA},
    CastRule{TypeId::kFloat64Array, TypeId::kVector, kA}, CastRule{TypeId::kVector, TypeId::kFloat32Array, kI},
    CastRule{TypeId::kJson, TypeId::kVector, kE},
};

constexpr uint32_t kRegclassOid = 2205;

bool IsStringType(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar || id == TypeId::kName;
}

bool IsNumberCastType(TypeId id) { return IsNumericFamily(id) || id == TypeId::kBool || id == TypeId::kOid; }

// The type's name without typmod, as format_type_be prints it in cast errors.
std::string CastTypeName(const LogicalType& type) {
  LogicalType plain(type.id);
  plain.oid_flavour = type.oid_flavour;
  return FormatType(plain);
}

}  // namespace

CastContext GetCastContext(const LogicalType& source, const LogicalType& target) {
  if (target.id == TypeId::kUnknown) return source.id == TypeId::kUnknown ? CastContext::kImplicit : CastContext::kNone;
  // Same type (only the typmod or reg* flavour differs) and untyped literals cast implicitly.
  if (source.id == target.id || source.id == TypeId::kUnknown) return CastContext::kImplicit;
  for (const CastRule& rule : kCastRules) {
    if (rule.source == source.id && rule.target == target.id) return rule.context;
  }
  // text and varchar resolve regclass names implicitly (text_regclass).
  if ((source.id == TypeId::kText || source.id == TypeId::kVarchar) && target.id == TypeId::kOid &&
      target.oid_flavour == kRegclassOid) {
    return CastContext::kImplicit;
  }
  // Array coercion: as the elements cast.
  if (IsArrayType(source.id) && IsArrayType(target.id)) {
    return GetCastContext(*ArrayElementType(source.id), *ArrayElementType(target.id));
  }
  // Automatic I/O conversion casts: to string types in assignment, from string types explicitly.
  if (IsStringType(target.id)) return CastContext::kAssignment;
  if (IsStringType(source.id)) return CastContext::kExplicit;
  return CastContext::kNone;
}

void CastVector(const Vector& input, const LogicalType& target, Vector& result, ExecContext& context,
                bool explicit_cast) {
  const LogicalType& source = input.type();
  result = Vector(target, input.size());
  if (GetCastContext(source, target) == CastContext::kNone) {
    throw SqlError(SqlState::kCannotCoerce, "cannot cast type " + CastTypeName(source) + " to " + CastTypeName(target));
  }
  if (IsStringType(target.id)) {
    CastToStringVector(input, target, result, context, explicit_cast);
  } else if (IsStringType(source.id) || source.id == TypeId::kUnknown) {
    CastFromStringVector(input, target, result, context);
  } else if (IsNumberCastType(source.id) && IsNumberCastType(target.id)) {
    CastNumberVector(input, target, result);
  } else if (target.id == TypeId::kVector || source.id == TypeId::kVector) {
    builtin::CastVectorType(input, target, result);
  } else if (IsTemporal(source.id) && IsTemporal(target.id)) {
    CastTemporalVector(input, target, result, context);
  } else if (IsArrayType(source.id) && IsArrayType(target.id) && source.id != target.id) {
    builtin::CastArrayVector(input, target, result, context, explicit_cast);
  } else {
    // Same representation (bytea, arrays): share the values.
    result.Resize(0);
    result.Append(input);
  }
}

Vector VariadicAnyText(const Vector& argument, idx_t count, ExecContext& context) {
  const TypeId id = argument.type().id;
  if (IsStringType(id) || id == TypeId::kUnknown) return argument;  // char(n) keeps its padding
  Vector text(LogicalType(TypeId::kText), count);
  if (id != TypeId::kBool) {
    CastVector(argument, LogicalType(TypeId::kText), text, context, true);
    return text;
  }
  const auto* truth = argument.Data<uint8_t>();
  for (idx_t row = 0; row < count; ++row) {
    if (argument.IsNull(row)) text.SetNull(row, true);
    else text.SetString(row, truth[row] ? "t" : "f");
  }
  return text;
}

Value CastValue(const Value& input, const LogicalType& target, ExecContext& context, bool explicit_cast) {
  if (input.is_null()) {
    if (GetCastContext(input.type(), target) == CastContext::kNone) {
      throw SqlError(SqlState::kCannotCoerce,
                     "cannot cast type " + CastTypeName(input.type()) + " to " + CastTypeName(target));
    }
    return Value::Null(target);
  }
  const Vector column = Vector::Constant(input, 1);
  Vector result;
  CastVector(column, target, result, context, explicit_cast);
  return result.GetValue(0);
}

}  // namespace tessera::engine
