// SPDX-License-Identifier: Apache-2.0
// Test support for the function tests: value builders, overload lookup and evaluation through kernels.
#include "test/unit/engine/function_test_support.h"

#include <doctest/doctest.h>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/sql_state.h"
#include "base/text_format.h"

namespace tessera::engine::testing {

Value Int2(int16_t value) { return Value::Int16(value); }
Value Int4(int32_t value) { return Value::Int32(value); }
Value Int8(int64_t value) { return Value::Int64(value); }
Value Float4(float value) { return Value::Float32(value); }
Value Float8(double value) { return Value::Float64(value); }
Value Num(std::string_view text) { return Value::Numeric(Decimal::Parse(text)); }
Value Text(std::string_view text) { return Value::Text(std::string(text)); }
Value Bool(bool value) { return Value::Bool(value); }
Value Null(TypeId type) { return Value::Null(LogicalType(type)); }

Value Typed(TypeId type, std::string_view text) {
  switch (type) {
    case TypeId::kDate: return Value::Date(datetime::ParseDate(text));
    case TypeId::kTime: return Value::Time(datetime::ParseTime(text));
    case TypeId::kTimestamp: return Value::Timestamp(datetime::ParseTimestamp(text));
    case TypeId::kTimestampTz: return Value::TimestampTz(datetime::ParseTimestampTz(text, datetime::TimeZone{}));
    case TypeId::kInterval: return Value::IntervalValue(datetime::ParseInterval(text));
    case TypeId::kBytea: return Value::Text(text_format::ParseBytea(text), LogicalType(TypeId::kBytea));
    case TypeId::kOid: return Value::FromInt(LogicalType(TypeId::kOid), std::stoll(std::string(text)));
    default: return Value::Text(std::string(text), LogicalType(type));
  }
}

namespace {

bool Matches(const ScalarFunction& function, const std::vector<Value>& args) {
  const size_t declared = function.arg_types.size();
  if (function.variadic ? args.size() < declared : args.size() != declared) return false;
  for (size_t index = 0; index < args.size(); ++index) {
    const size_t slot = std::min(index, declared - 1);
    if (function.variadic_any && index + 1 >= declared) continue;  // VARIADIC "any"
    if (args[index].type().id != function.arg_types[slot].id) return false;
  }
  return true;
}

std::string TypeList(const std::vector<Value>& args) {
  std::string list;
  for (const Value& arg : args) list += (list.empty() ? "" : ", ") + FormatType(arg.type());
  return list;
}

std::string Format(const Value& value, const ExecContext& context) {
  if (value.is_null()) return "NULL";
  if (value.type().id == TypeId::kTimestampTz) return datetime::FormatTimestampTz(value.GetInt(), context.time_zone);
  return value.ToString();
}

// Runs `function` on `rows` copies of the arguments; with `null_row`, row 1 has every argument NULL
// (and zeroed data, which a kernel must not read).
Vector Run(const ScalarFunction& function, const std::vector<Value>& args, idx_t rows, bool null_row,
           ExecContext& context) {
  std::vector<Vector> vectors;
  for (const Value& arg : args) {
    Vector vector(arg.type());
    for (idx_t row = 0; row < rows; ++row) vector.AppendValue(null_row && row == 1 ? Value::Null(arg.type()) : arg);
    vectors.push_back(std::move(vector));
  }
  Vector result(function.return_type, rows);
  function.kernel(vectors, rows, result, context);
  return result;
}

const ScalarFunction* FindOverload(std::string_view name, const std::vector<Value>& args, std::string* problem) {
  const std::vector<ScalarFunction>* overloads = BuiltinFunctions().Lookup(name);
  const ScalarFunction* match = nullptr;
  int matches = 0;
  for (size_t index = 0; overloads != nullptr && index < overloads->size(); ++index) {
    if (Matches((*overloads)[index], args)) {
      match = &(*overloads)[index];
      ++matches;
    }
  }
  if (matches == 0) *problem = "no overload " + std::string(name) + "(" + TypeList(args) + ")";
  if (matches > 1) *problem = "ambiguous " + std::string(name) + "(" + TypeList(args) + ")";
  return matches == 1 ? match : nullptr;
}

}  // namespace

std::string Evaluate(std::string_view name, const std::vector<Value>& args, ExecContext& context) {
  std::string problem;
  const ScalarFunction* function = FindOverload(name, args, &problem);
  if (function == nullptr) return problem;
  std::string single;
  try {
    single = Format(Run(*function, args, 1, false, context).GetValue(0), context);
  } catch (const SqlError& error) {
    return "ERROR " + std::string(SqlStateCode(error.state()));
  }
  if (function->strict && !args.empty() && !function->is_volatile) {
    // The same call in a batch with a NULL row in the middle.
    const Vector batch = Run(*function, args, 3, true, context);
    INFO(name << "(" << TypeList(args) << ") in a batch with a NULL row");
    CHECK(batch.IsNull(1));
    CHECK(Format(batch.GetValue(0), context) == single);
    CHECK(Format(batch.GetValue(2), context) == single);
  }
  return single;
}

std::string Evaluate(std::string_view name, const std::vector<Value>& args) {
  ExecContext context;
  return Evaluate(name, args, context);
}

std::string ErrorMessage(std::string_view name, const std::vector<Value>& args) {
  std::string problem;
  const ScalarFunction* function = FindOverload(name, args, &problem);
  if (function == nullptr) return problem;
  ExecContext context;
  try {
    Run(*function, args, 1, false, context);
  } catch (const SqlError& error) {
    return error.info().message;
  }
  return "";
}

std::string Cast(const Value& input, LogicalType target, ExecContext& context, bool explicit_cast) {
  try {
    return Format(CastValue(input, target, context, explicit_cast), context);
  } catch (const SqlError& error) {
    return "ERROR " + std::string(SqlStateCode(error.state()));
  }
}

std::string Cast(const Value& input, LogicalType target, bool explicit_cast) {
  ExecContext context;
  return Cast(input, target, context, explicit_cast);
}

void CheckCases(const std::vector<FunctionCase>& cases, ExecContext& context) {
  for (const FunctionCase& one : cases) {
    std::string arguments;
    for (const Value& arg : one.args) arguments += (arguments.empty() ? "" : ", ") + Format(arg, context);
    INFO(one.name << "(" << arguments << ")");
    CHECK(Evaluate(one.name, one.args, context) == one.expected);
  }
}

void CheckCases(const std::vector<FunctionCase>& cases) {
  ExecContext context;
  CheckCases(cases, context);
}

}  // namespace tessera::engine::testing
