// SPDX-License-Identifier: Apache-2.0
// Casts through text: any type to text/varchar(n)/char(n)/name via its output function and length rules,
// and text (or an untyped literal) to any type via its input function.
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/json_text.h"
#include "base/text_format.h"
#include "base/vector_value.h"
#include "engine/function/array_text.h"
#include "engine/function/cast_kernels.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/utf8.h"

namespace tessera::engine::builtin {

namespace {

// PostgreSQL's NAMEDATALEN - 1.
constexpr size_t kMaxNameBytes = 63;

template <typename T>
std::string IntegerText(T value) {
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

std::string OidText(const LogicalType& type, int64_t oid, const ExecContext& context) {
  if (type.oid_flavour == 2206) {  // regtype prints the type's name
    if (std::optional<LogicalType> named = TypeFromOid(static_cast<uint32_t>(oid))) return FormatType(*named);
  }
  // regclass, regnamespace, regproc print the object's name where the catalog knows the OID.
  if (type.oid_flavour != 0 && context.object_name) {
    if (std::optional<std::string> name = context.object_name(type.oid_flavour, oid)) return *name;
  }
  return IntegerText(oid);
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// oidin: an unsigned 32-bit number; negative numbers down to INT32_MIN wrap around as in C.
int64_t ParseOid(std::string_view text) {
  const std::string_view trimmed = TrimSpaces(text);
  int64_t value = 0;
  const char* begin = trimmed.data();
  const char* end = trimmed.data() + trimmed.size();
  const bool negative = begin != end && *begin == '-';
  if (begin != end && (*begin == '-' || *begin == '+')) ++begin;
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (begin == end || stop != end || (error != std::errc() && error != std::errc::result_out_of_range)) {
    throw SqlError(SqlState::kInvalidTextRepresentation,
                   "invalid input syntax for type oid: \"" + std::string(text) + "\"");
  }
  if (error == std::errc::result_out_of_range || (negative ? value > 2147483648LL : value > 4294967295LL)) {
    throw SqlError(SqlState::kNumericValueOutOfRange,
                   "value \"" + std::string(text) + "\" is out of range for type oid");
  }
  return negative ? static_cast<int64_t>(static_cast<uint32_t>(-value)) : value;
}

int64_t ParseOidOfFlavour(std::string_view text, const LogicalType& target, const ExecContext& context) {
  const std::string_view trimmed = TrimSpaces(text);
  const bool numeric = !trimmed.empty() && (std::isdigit(static_cast<unsigned char>(trimmed.front())) || trimmed.front() == '-');
  if (target.oid_flavour == 0 || numeric) return ParseOid(text);
  if (target.oid_flavour == 2206) {
    std::string name = ConvertCase(trimmed, false);
    if (name.starts_with("pg_catalog.")) name.erase(0, 11);
    if (name.size() > 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (std::optional<LogicalType> type = TypeFromName(name)) return TypeOid(*type);
    throw SqlError(SqlState::kUndefinedObject, "type \"" + std::string(trimmed) + "\" does not exist");
  }
  if (!context.resolve_object) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "cannot resolve \"" + std::string(trimmed) + "\" as " + FormatType(target) + " without the catalog");
  }
  if (std::optional<int64_t> oid = context.resolve_object(target.oid_flavour, trimmed)) return *oid;
  if (target.oid_flavour == 4089) {
    throw SqlError(SqlState::kUndefinedObject, "schema \"" + std::string(trimmed) + "\" does not exist");
  }
  throw SqlError(SqlState::kUndefinedTable, "relation \"" + std::string(trimmed) + "\" does not exist");
}

std::string_view ParseArrayLiteral(std::string_view text) {
  const std::string_view trimmed = TrimSpaces(text);
  if (trimmed.size() < 2 || trimmed.front() != '{' || trimmed.back() != '}') {
    throw std::move(SqlError(SqlState::kInvalidTextRepresentation, "malformed array literal: \"" + std::string(text) + "\"")
                        .WithDetail("Array value must start with \"{\" or dimension information."));
  }
  return trimmed;
}

// Parses `text` as `target` and stores it at `row`.
void ParseInto(std::string_view text, const LogicalType& target, idx_t row, Vector& result, const ExecContext& context) {
  switch (target.id) {
    case TypeId::kBool: result.Data<uint8_t>()[row] = text_format::ParseBool(text); break;
    case TypeId::kInt16: result.Data<int16_t>()[row] = text_format::ParseInt16(text); break;
    case TypeId::kInt32: result.Data<int32_t>()[row] = text_format::ParseInt32(text); break;
    case TypeId::kInt64: result.Data<int64_t>()[row] = text_format::ParseInt64(text); break;
    case TypeId::kFloat32: result.Data<float>()[row] = text_format::ParseFloat32(text); break;
    case TypeId::kFloat64: result.Data<double>()[row] = text_format::ParseFloat64(text); break;
    case TypeId::kNumeric: {
      Decimal value = Decimal::Parse(text);
      if (target.NumericPrecision() >= 0) value = value.ApplyTypmod(target.NumericPrecision(), target.NumericScale());
      result.Data<Decimal>()[row] = value;
      break;
    }
    case TypeId::kBytea: result.SetString(row, text_format::ParseBytea(text)); break;
    case TypeId::kDate: result.Data<int32_t>()[row] = datetime::ParseDate(text, context.datetime_style.date_order); break;
    case TypeId::kTime: result.Data<int64_t>()[row] = RoundToPrecision(datetime::ParseTime(text), target.typmod); break;
    case TypeId::kTimeTz: {
      datetime::TimeTz value = datetime::ParseTimeTz(text, context.time_zone);
      value.time = RoundToPrecision(value.time, target.typmod);
      result.Data<int64_t>()[row] = datetime::PackTimeTz(value);
      break;
    }
    case TypeId::kTimestamp:
      result.Data<int64_t>()[row] =
          RoundToPrecision(datetime::ParseTimestamp(text, context.datetime_style.date_order), target.typmod);
      break;
    case TypeId::kTimestampTz:
      result.Data<int64_t>()[row] = RoundToPrecision(
          datetime::ParseTimestampTz(text, context.time_zone, context.datetime_style.date_order), target.typmod);
      break;
    case TypeId::kInterval: result.Data<Interval>()[row] = datetime::ParseInterval(text, target.typmod); break;
    case TypeId::kOid: result.Data<int64_t>()[row] = ParseOidOfFlavour(text, target, context); break;
    case TypeId::kUuid: result.Data<Uuid>()[row] = ParseUuid(text); break;
    case TypeId::kVector: result.SetString(row, ParseVector(text, target.typmod)); break;
    case TypeId::kJson:
      ValidateJson(text);
      result.SetString(row, text);
      break;
    case TypeId::kTextArray:
    case TypeId::kInt16Array:
    case TypeId::kInt32Array:
    case TypeId::kInt64Array:
    case TypeId::kOidArray:
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array: result.SetString(row, CanonicalArrayText(target.id, ParseArrayLiteral(text))); break;
    default:
      throw SqlError(SqlState::kCannotCoerce, "cannot cast type text to " + FormatType(target));
  }
}

[[noreturn]] void ThrowTooLong(const LogicalType& target) {
  throw SqlError(SqlState::kStringDataRightTruncation, "value too long for type " + FormatType(target));
}

}  // namespace

std::string FormatAsText(const Vector& input, idx_t row, const ExecContext& context) {
  const LogicalType& type = input.type();
  switch (type.id) {
    case TypeId::kBool: return input.Data<uint8_t>()[row] ? "true" : "false";
    case TypeId::kInt16: return IntegerText(input.Data<int16_t>()[row]);
    case TypeId::kInt32: return IntegerText(input.Data<int32_t>()[row]);
    case TypeId::kInt64: return IntegerText(input.Data<int64_t>()[row]);
    case TypeId::kFloat32: return text_format::FormatFloat32(input.Data<float>()[row], context.extra_float_digits);
    case TypeId::kFloat64: return text_format::FormatFloat64(input.Data<double>()[row], context.extra_float_digits);
    case TypeId::kNumeric: return input.Data<Decimal>()[row].ToString();
    case TypeId::kChar: return std::string(TrimTrailingSpaces(input.GetString(row)));
    case TypeId::kBytea: return text_format::FormatBytea(input.GetString(row), context.bytea_escape);
    case TypeId::kDate: return datetime::FormatDate(input.Data<int32_t>()[row], context.datetime_style);
    case TypeId::kTime: return datetime::FormatTime(input.Data<int64_t>()[row]);
    case TypeId::kTimeTz: return datetime::FormatTimeTz(datetime::UnpackTimeTz(input.Data<int64_t>()[row]));
    case TypeId::kTimestamp: return datetime::FormatTimestamp(input.Data<int64_t>()[row], context.datetime_style);
    case TypeId::kTimestampTz:
      return datetime::FormatTimestampTz(input.Data<int64_t>()[row], context.time_zone, context.datetime_style);
    case TypeId::kInterval:
      return datetime::FormatInterval(input.Data<Interval>()[row], context.datetime_style.interval_style);
    case TypeId::kOid: return OidText(type, input.Data<int64_t>()[row], context);
    case TypeId::kUuid: return FormatUuid(input.Data<Uuid>()[row]);
    case TypeId::kVector: return FormatVector(input.GetString(row));
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array:
      if (context.extra_float_digits == 1) return std::string(input.GetString(row));
      return ReformatFloatArray(type.id, input.GetString(row), context.extra_float_digits);
    default: return std::string(input.GetString(row));
  }
}

std::string FitToStringType(std::string_view text, const LogicalType& target, bool explicit_cast) {
  if (target.id == TypeId::kName) {
    if (text.size() <= kMaxNameBytes) return std::string(text);
    size_t end = kMaxNameBytes;
    while (end > 0 && IsContinuationByte(text[end])) --end;
    return std::string(text.substr(0, end));
  }
  const int max_length = target.MaxLength();
  if ((target.id != TypeId::kVarchar && target.id != TypeId::kChar) || max_length < 0) return std::string(text);
  const size_t fit_bytes = ByteOffsetOfCharacter(text, max_length);
  std::string out(text.substr(0, fit_bytes));
  if (fit_bytes < text.size()) {
    // Only spaces may be cut off implicitly; an explicit cast truncates anything.
    if (!explicit_cast && text.find_first_not_of(' ', fit_bytes) != std::string_view::npos) ThrowTooLong(target);
    return out;
  }
  if (target.id == TypeId::kChar) {
    const int64_t missing = max_length - CharacterCount(text);
    if (missing > 0) out.append(static_cast<size_t>(missing), ' ');
  }
  return out;
}

void CastToStringVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context,
                        bool explicit_cast) {
  const idx_t count = input.size();
  const TypeId source = input.type().id;
  const bool plain_source = source == TypeId::kText || source == TypeId::kVarchar || source == TypeId::kName ||
                            source == TypeId::kUnknown;
  const bool unconstrained_target =
      target.id == TypeId::kText || ((target.id == TypeId::kVarchar || target.id == TypeId::kChar) && target.MaxLength() < 0);
  if (plain_source && unconstrained_target) {
    // Same bytes: share the input's strings instead of copying them.
    result.Resize(0);
    result.Append(input);
    return;
  }
  const bool fit = target.id != TypeId::kText && target.id != TypeId::kUnknown;
  for (idx_t row = 0; row < count; ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
      continue;
    }
    // bpchar keeps its padding when it goes to another bpchar (only the length changes).
    if (source == TypeId::kChar && target.id == TypeId::kChar) {
      result.SetString(row, FitToStringType(input.GetString(row), target, explicit_cast));
      continue;
    }
    const std::string text = FormatAsText(input, row, context);
    result.SetString(row, fit ? FitToStringType(text, target, explicit_cast) : text);
  }
}

namespace {

// Parses every non-NULL row of `input` with `parse` into result's values of type T: the loop of the
// common column types, with the type switch of ParseInto hoisted out of it.
template <typename T, typename Parse>
void ParseColumn(const Vector& input, Vector& result, Parse parse) {
  const std::string_view* texts = input.Data<std::string_view>();
  T* values = result.Data<T>();
  for (idx_t row = 0; row < input.size(); ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      values[row] = parse(texts[row]);
    }
  }
}

}  // namespace

void CastFromStringVector(const Vector& input, const LogicalType& target, Vector& result, const ExecContext& context) {
  switch (target.id) {
    case TypeId::kInt32: return ParseColumn<int32_t>(input, result, text_format::ParseInt32);
    case TypeId::kInt64: return ParseColumn<int64_t>(input, result, text_format::ParseInt64);
    case TypeId::kFloat64: return ParseColumn<double>(input, result, text_format::ParseFloat64);
    case TypeId::kTimestamp: {
      const datetime::DateOrder order = context.datetime_style.date_order;
      return ParseColumn<int64_t>(input, result, [&](std::string_view text) {
        return RoundToPrecision(datetime::ParseTimestamp(text, order), target.typmod);
      });
    }
    default: break;
  }
  for (idx_t row = 0; row < input.size(); ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      ParseInto(input.GetString(row), target, row, result, context);
    }
  }
}

void CopyNulls(const Vector& input, idx_t count, Vector& result) {
  if (!input.MayHaveNulls()) return;
  for (idx_t row = 0; row < count; ++row) {
    if (input.IsNull(row)) result.SetNull(row, true);
  }
}

}  // namespace tessera::engine::builtin
